// call_sequence — a structure-aware target (syzkaller / SockFuzzer style):
// the input decodes (FuzzedDataProvider) into a program of ABI calls on
// typed handles, with arguments drawn from enums of meaningful values.
//
// Handles (resources): harness interfaces (IF0..IF2), a harness interface
// family (FAM), two NKE modules loaded with kmod_load (MODA, MODB: each may
// register a family, attach its own interface "fzm", an interface filter and
// a kernel controller), dl_tags (TAG0..TAG7), DLIL filter ids (FID0..FID7),
// kernel controllers (CTL0..CTL2) and control sockets (S0..S3).
//
// Threads: a program may end with a two-thread section.  Every call there is
// tagged with the thread that makes it.  In "baton" mode the calls run in
// program order, each on its thread (a deterministic interleaving the fuzzer
// chooses, SockFuzzer's schedule); in "free" mode the two threads run at
// once (handles and protocol families are then split between them, so every
// result stays predictable; TSan builds replay these inputs).
//
// Oracle: a model of every handle predicts each call's result from the spec
// (EEXIST, ENOENT, ENXIO, EBUSY, DLIL_WAIT_FOR_FREE, ECANCELED, ...), the
// filter order seen on input and output, filter_detach / if_free / shutdown
// call counts, that tags and filter ids are never reused, and the harness
// counters (interfaces, if_families, dl_protos, dl_filters, modules) after
// each sequential call.  At the end everything is released in a safe order
// and every live counter must be back at its starting value.
//
// `replay_call_sequence --print FILE` prints the program as ABI calls.
#include <fuzzer/FuzzedDataProvider.h>

#include <algorithm>
#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <cstring>
#include <memory>
#include <mutex>
#include <array>
#include <string>
#include <thread>

#include <sys/socket.h>
#include <vector>

#include "fdp_writer.hpp"
#include "fuzz_common.hpp"
#include "fz_mod.h"  // last two: <nke/mbuf.h> macros

namespace {

using nke::fuzz::counters;
using nke::fuzz::errno_name;

constexpr int kIfs = 3;
constexpr int kMods = 2;
constexpr int kTags = 8;
constexpr int kFids = 8;
constexpr int kMaxOps = 64;
constexpr uint32_t kHarnessFamily = 0x4e4b0100;
constexpr uint32_t kModFamily[kMods] = {0x4e4b0200, 0x4e4b0201};
constexpr int16_t kIfUnit0 = 100;
constexpr int16_t kModUnit[kMods] = {200, 201};
constexpr uint8_t kMac[6] = {0x02, 0x00, 0x5e, 0x43, 0x53, 0x00};

// Thread-safe trace (calls of the free-running section interleave).
std::mutex g_print_mu;
void say(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void say(const char *fmt, ...) {
    if (!nke::fuzz::print_enabled()) return;
    std::lock_guard lk(g_print_mu);
    va_list ap;
    va_start(ap, fmt);
    std::vfprintf(stderr, fmt, ap);
    va_end(ap);
}

// ---------------------------------------------------------------------------
// The program
// ---------------------------------------------------------------------------

enum class K : uint8_t {
    kNop,
    kIfAttach,
    kIfDetach,
    kFamReg,
    kFamDereg,
    kProtoAttach,
    kProtoDetach,
    kFindTag,
    kIfFilterAttach,
    kPrFilterAttach,
    kFilterDetach,
    kInput,
    kOutput,
    kEvent,
    kIoctl,
    kModLoad,
    kModUnload,
    kModStat,
    kCtlReg,
    kCtlDereg,
    kSockOpen,
    kSockConnect,
    kSockClose,
    kSockSend,
    kCtlEnqueue,
    kSockRecv,
};
// 32 opcodes; the unused ones are reserved for the socket, controller and
// socket-filter calls, so adding them keeps existing inputs' meaning.
constexpr K kOpTable[32] = {
    K::kIfAttach,      K::kIfDetach,       K::kFamReg,      K::kFamDereg,   K::kProtoAttach,  K::kProtoDetach,
    K::kFindTag,       K::kIfFilterAttach, K::kPrFilterAttach, K::kFilterDetach, K::kInput,   K::kOutput,
    K::kEvent,         K::kIoctl,          K::kModLoad,     K::kModUnload,  K::kModStat,      K::kProtoAttach,
    K::kIfFilterAttach, K::kInput,         K::kCtlReg,      K::kCtlDereg,   K::kSockOpen,     K::kSockConnect,
    K::kSockClose,     K::kSockSend,       K::kCtlEnqueue,  K::kSockRecv,   K::kSockConnect,  K::kNop,
    K::kNop,           K::kNop,
};

struct Op {
    uint8_t code = 0;   // index into kOpTable
    uint8_t thread = 0; // 0 or 1 (two-thread section only)
    uint8_t a = 0, b = 0, c = 0, d = 0;
    K kind() const { return kOpTable[code & 31]; }
};

struct Program {
    std::vector<Op> prologue;
    bool two_threads = false;
    bool free_running = false;
    std::vector<Op> section;
};

Op decode_op(FuzzedDataProvider &p, bool threaded) {
    Op op;
    op.code = p.ConsumeIntegralInRange<uint8_t>(0, 31);
    if (threaded) op.thread = p.ConsumeIntegralInRange<uint8_t>(0, 1);
    op.a = p.ConsumeIntegral<uint8_t>();
    op.b = p.ConsumeIntegral<uint8_t>();
    op.c = p.ConsumeIntegral<uint8_t>();
    op.d = p.ConsumeIntegral<uint8_t>();
    return op;
}

void encode_op(nke::fuzz::FdpWriter &w, const Op &op, bool threaded) {
    w.range<uint8_t>(0, 31, op.code);
    if (threaded) w.range<uint8_t>(0, 1, op.thread);
    w.integral<uint8_t>(op.a).integral<uint8_t>(op.b).integral<uint8_t>(op.c).integral<uint8_t>(op.d);
}

Program decode(FuzzedDataProvider &p) {
    Program prog;
    const int n = p.ConsumeIntegralInRange<int>(0, kMaxOps);
    for (int i = 0; i < n && p.remaining_bytes() > 0; ++i) prog.prologue.push_back(decode_op(p, false));
    prog.two_threads = p.ConsumeBool();
    if (prog.two_threads) {
        prog.free_running = p.ConsumeBool();
        while (p.remaining_bytes() > 0 && prog.section.size() < kMaxOps) prog.section.push_back(decode_op(p, true));
    }
    return prog;
}

std::vector<uint8_t> encode(const Program &prog) {
    nke::fuzz::FdpWriter w;
    w.range<int>(0, kMaxOps, static_cast<int>(prog.prologue.size()));
    for (const auto &op : prog.prologue) encode_op(w, op, false);
    w.boolean(prog.two_threads);
    if (prog.two_threads) {
        w.boolean(prog.free_running);
        for (const auto &op : prog.section) encode_op(w, op, true);
    }
    return w.finish();
}

// ---------------------------------------------------------------------------
// The world: harness-owned objects and callbacks
// ---------------------------------------------------------------------------

struct HIf {
    ifnet ifp{};
    std::atomic<int> if_free_calls{0};
};

std::atomic<int> g_fam_shutdown{0};
ifnet g_never{};                        // never attached: stands for a module interface that is down
std::atomic<int> g_fid_detach[kFids];   // filter_detach calls per FID slot
std::atomic<int> g_frames_in{0};        // frames delivered to protocols

// Stages seen on the data path of the current sequential call.
std::mutex g_stage_mu;
std::vector<int> g_stages;              // FID slots in call order (filters), -1 - tag slot (protocol)
void note_stage(int s) {
    std::lock_guard lk(g_stage_mu);
    g_stages.push_back(s);
}

int flt_if_input(void *cookie, ifnet **, mbuf **, char **) {
    note_stage(static_cast<int>(reinterpret_cast<intptr_t>(cookie)));
    return 0;
}
int flt_if_output(void *cookie, ifnet **, mbuf **) {
    note_stage(static_cast<int>(reinterpret_cast<intptr_t>(cookie)));
    return 0;
}
int flt_pr_input(void *cookie, mbuf **, char **, ifnet **) {
    note_stage(static_cast<int>(reinterpret_cast<intptr_t>(cookie)));
    return 0;
}
int flt_pr_output(void *cookie, mbuf **, ifnet **, nke_sockaddr **, char *, char *) {
    note_stage(static_cast<int>(reinterpret_cast<intptr_t>(cookie)));
    return 0;
}
int flt_event(void *, kern_event_msg *) { return 0; }
int flt_if_event(void *, ifnet **, kern_event_msg **) { return 0; }
int flt_ioctl(void *, ifnet *, unsigned long, void *) { return EOPNOTSUPP; }
int flt_detach(void *cookie) {
    g_fid_detach[reinterpret_cast<intptr_t>(cookie)].fetch_add(1);
    return 0;
}

template <int T>
int proto_input(mbuf *m, char *, ifnet *, unsigned long, int) {
    note_stage(-1 - T);
    g_frames_in.fetch_add(1);
    m_freem(m);
    return 0;
}
int proto_pre_output(ifnet *, mbuf **, const nke_sockaddr *, void *, char *frame_type, char *dst, unsigned long) {
    frame_type[0] = static_cast<char>(0x88);
    frame_type[1] = static_cast<char>(0xb5);
    std::memset(dst, 0xff, 6);
    return 0;
}
int proto_event(kern_event_msg *, unsigned long) { return 0; }

int drv_output(ifnet *, mbuf *m) {
    m_freem(m);
    return 0;
}
int drv_ioctl(ifnet *, unsigned long, void *) { return EOPNOTSUPP; }
void drv_free(ifnet *ifp) { static_cast<HIf *>(ifp->if_softc)->if_free_calls.fetch_add(1); }

int fam_add_if(ifnet *) { return 0; }
int fam_del_if(ifnet *) { return 0; }
int fam_add_proto(ddesc_head_str *, if_proto *, unsigned long) { return 0; }
int fam_del_proto(if_proto *, unsigned long) { return 0; }
int fam_shutdown() {
    g_fam_shutdown.fetch_add(1);
    return 0;
}

// ---------------------------------------------------------------------------
// The model
// ---------------------------------------------------------------------------

enum IfState { kUnattached, kAttached, kDetaching };
// Family choices for an interface.
enum FamSel { kFamEther, kFamLoop, kFamHarness, kFamModA, kFamModB, kNumFamSel };
const char *kFamNames[] = {"ETHERNET", "LOOPBACK", "harness", "modA", "modB"};

// Interface choices for protocols and filters: harness IFs, then the modules'.
constexpr int kIfChoices = kIfs + kMods;

struct IfModel {
    IfState state = kUnattached;
    int fam = kFamEther;
    int if_free_expected = 0;
    std::vector<int> filters;  // FID slots head..tail
};

struct TagModel {
    bool live = false;
    unsigned long tag = 0;
    int ifc = 0;          // interface choice
    uint32_t pf = 0;
    int desc = 0;         // 0 none, 1.. ethertype index
    std::vector<int> filters;
};

struct FidModel {
    bool live = false;
    unsigned long id = 0;
    bool on_tag = false;  // protocol filter
    int owner = 0;        // interface choice or tag slot
    int detach_expected = 0;
};

struct ModModel {
    bool loaded = false;
    int id = 0;
    fz_mod_args args{};
    unsigned what = 0;
};

enum FamState { kFamNone, kFamRegistered, kFamPending };

constexpr int kCtls = 3;
constexpr int kSocks = 4;
constexpr int kCtlTargets = kCtls + kMods;  // harness controllers, then the modules'

struct CtlModel {
    bool registered = false;
    kern_ctl_ref ref = nullptr;
    uint32_t unit = 0;
    bool privileged = false;
    int client = -1;     // socket slot
};

struct SockModel {
    bool open = false;
    int fd = -1;
    int target = -1;     // controller target when connected
    std::vector<std::vector<uint8_t>> queue;  // records enqueued for it
};

struct Model {
    IfModel ifs[kIfs];
    TagModel tags[kTags];
    FidModel fids[kFids];
    ModModel mods[kMods];
    FamState fam = kFamNone;
    int fam_shutdown_expected = 0;
    CtlModel ctls[kCtls];
    SockModel socks[kSocks];
};

// Harness controllers' callbacks: counted per controller slot (userdata).
std::atomic<int> g_ctl_connects[kCtls], g_ctl_disconnects[kCtls], g_ctl_writes[kCtls];
int hctl_connect(kern_ctl_ref, void *ud) {
    g_ctl_connects[reinterpret_cast<intptr_t>(ud)].fetch_add(1);
    return 0;
}
void hctl_disconnect(kern_ctl_ref, void *ud) { g_ctl_disconnects[reinterpret_cast<intptr_t>(ud)].fetch_add(1); }
int hctl_write(kern_ctl_ref, void *ud, mbuf *m) {
    g_ctl_writes[reinterpret_cast<intptr_t>(ud)].fetch_add(1);
    m_freem(m);  // ctl_write owns m (CTL-SEND-004)
    return 0;
}
constexpr uint32_t kCtlId = 0x4e4b5800;
constexpr uint32_t kModCtlId[kMods] = {0x4e4b4d00, 0x4e4b4d01};

// Ethertypes the protocols register (one per index; 0: no descriptor).
constexpr uint16_t kTypes[] = {0, 0x88b5, 0x88b6, 0x0800, 0x86dd, 0x88b7};
constexpr int kNumTypes = 6;
constexpr uint32_t kPfs[8] = {0x4e4b1001, 0x4e4b1002, 0x4e4b1003, 0x4e4b1004,
                              0x4e4b2001, 0x4e4b2002, 0x4e4b2003, 0x4e4b2004};

// Tags and filter ids ever issued in this process (never reused: DLIL-TAG-001,
// DLIL-FLT-004).  A fixed open-addressing table, so that remembering them
// allocates nothing: a heap that grows with every input would make
// libFuzzer run LeakSanitizer after each one.
class IssuedSet {
public:
    // False when v was inserted before.
    bool insert(unsigned long v) {
        if (count_ >= kSize / 2) return true;  // full: stop checking
        size_t h = (v * 0x9e3779b97f4a7c15ull) >> (64 - kBits);
        for (;; h = (h + 1) & (kSize - 1)) {
            if (slots_[h] == v) return false;
            if (slots_[h] == 0) {
                slots_[h] = v;
                ++count_;
                return true;
            }
        }
    }

private:
    static constexpr int kBits = 18;
    static constexpr size_t kSize = size_t{1} << kBits;
    std::array<unsigned long, kSize> slots_{};
    size_t count_ = 0;
};
std::mutex g_issued_mu;
IssuedSet g_tags_issued, g_fids_issued;

class Runner {
public:
    Runner() {
        for (int i = 0; i < kIfs; ++i) {
            ifnet &f = hif_[i].ifp;
            std::strncpy(f.if_name, "cs", NKE_IFNAMSIZ - 1);
            f.if_unit = static_cast<int16_t>(kIfUnit0 + i);
            f.if_flags = NKE_IFF_UP | NKE_IFF_RUNNING | NKE_IFF_BROADCAST;
            f.if_mtu = 1500;
            std::memcpy(f.if_lladdr, kMac, 6);
            f.if_lladdr[5] = static_cast<uint8_t>(i);
            f.if_softc = &hif_[i];
            f.if_output = drv_output;
            f.if_ioctl = drv_ioctl;
            f.if_free = drv_free;
        }
        for (auto &d : g_fid_detach) d.store(0);
        g_fam_shutdown.store(0);
        for (int i = 0; i < kCtls; ++i) {
            g_ctl_connects[i].store(0);
            g_ctl_disconnects[i].store(0);
            g_ctl_writes[i].store(0);
        }
    }

    void run(const Program &prog) {
        start_ = counters();
        for (const auto &op : prog.prologue) step(op, 0, false);
        if (prog.two_threads && !prog.section.empty()) {
            say("// two threads, %s\n", prog.free_running ? "running at once" : "baton (program order)");
            if (prog.free_running) split_for_free();
            free_ = prog.free_running;
            if (free_) run_free(prog.section);
            else run_baton(prog.section);
            free_ = false;
        }
        cleanup();
    }

private:
    HIf hif_[kIfs];
    Model m_;
    nke_counters start_{};
    bool free_ = false;
    std::mutex model_mu_;  // guards m_ in the free-running section

    // ---- name helpers -------------------------------------------------------

    ifnet *if_ptr(int ifc) {
        if (ifc < kIfs) return &hif_[ifc].ifp;
        ifnet *p = m_.mods[ifc - kIfs].args.ifp;
        return p ? p : &g_never;  // a module interface that is down: ENXIO everywhere
    }
    // The tag slots a thread may look at: all of them, or in the free-running
    // section only its own (the other thread writes the rest).
    bool visible(int slot, int thread) const { return !free_ || slot / 4 == thread; }
    std::string if_name(int ifc) const {
        return ifc < kIfs ? "IF" + std::to_string(ifc) : std::string("fzm(") + (ifc == kIfs ? "modA" : "modB") + ")";
    }
    // Family and unit of an interface choice, for protocol attachment.
    bool if_family_unit(int ifc, uint32_t &fam, int16_t &unit) {
        if (ifc < kIfs) {
            fam = fam_value(m_.ifs[ifc].fam);
            unit = static_cast<int16_t>(kIfUnit0 + ifc);
            return true;
        }
        const ModModel &mm = m_.mods[ifc - kIfs];
        fam = (mm.what & FZ_MOD_FAMILY) ? kModFamily[ifc - kIfs] : APPLE_IF_FAM_ETHERNET;
        unit = kModUnit[ifc - kIfs];
        return true;
    }
    static uint32_t fam_value(int sel) {
        switch (sel) {
        case kFamEther: return APPLE_IF_FAM_ETHERNET;
        case kFamLoop: return APPLE_IF_FAM_LOOPBACK;
        case kFamHarness: return kHarnessFamily;
        case kFamModA: return kModFamily[0];
        default: return kModFamily[1];
        }
    }
    // Is the interface of this choice attached (or detaching)?
    IfState if_state(int ifc) const {
        if (ifc < kIfs) return m_.ifs[ifc].state;
        const ModModel &mm = m_.mods[ifc - kIfs];
        return (mm.loaded && (mm.what & FZ_MOD_DRIVER)) ? kAttached : kUnattached;
    }
    bool family_usable(int sel) const {
        switch (sel) {
        case kFamEther:
        case kFamLoop: return true;
        case kFamHarness: return m_.fam == kFamRegistered;
        default: {
            const ModModel &mm = m_.mods[sel - kFamModA];
            return mm.loaded && (mm.what & FZ_MOD_FAMILY);
        }
        }
    }
    int live_protos_on(int ifc) const {
        int n = 0;
        for (const auto &t : m_.tags)
            if (t.live && t.ifc == ifc) ++n;
        return n;
    }
    bool is_ether(int ifc) const {
        if (ifc < kIfs) return m_.ifs[ifc].fam == kFamEther;
        return !(m_.mods[ifc - kIfs].what & FZ_MOD_FAMILY);
    }

    // ---- checks --------------------------------------------------------------

    void expect_rc(int got, int want, const char *what) {
        FUZZ_CHECK(got == want, "%s returned %s, the spec says %s", what, errno_name(got), errno_name(want));
    }

    // The DLIL and module counters after a sequential call.
    void check_counts(const char *after) {
        if (free_) return;
        uint64_t ifs = 0, protos = 0, filters = 0, fams = 0, mods = 0;
        for (const auto &i : m_.ifs) ifs += i.state != kUnattached;
        for (const auto &t : m_.tags) protos += t.live;
        for (const auto &f : m_.fids) filters += f.live;
        fams += m_.fam != kFamNone;
        for (const auto &mm : m_.mods) {
            if (!mm.loaded) continue;
            ++mods;
            ifs += (mm.what & FZ_MOD_DRIVER) != 0;
            fams += (mm.what & FZ_MOD_FAMILY) != 0;
            filters += (mm.what & FZ_MOD_FILTER) != 0 && filter_of_module_alive(mm);
        }
        const nke_counters c = counters();
        auto chk = [&](uint64_t got, uint64_t base, uint64_t want, const char *name) {
            FUZZ_CHECK(got == base + want, "after %s: counter %s is base+%lld, the model has %llu", after, name,
                       static_cast<long long>(got - base), static_cast<unsigned long long>(want));
        };
        chk(c.interfaces, start_.interfaces, ifs, "interfaces");
        chk(c.dl_protos, start_.dl_protos, protos, "dl_protos");
        chk(c.dl_filters, start_.dl_filters, filters, "dl_filters");
        chk(c.if_families, start_.if_families, fams, "if_families");
        chk(c.modules, start_.modules, mods, "modules");
        uint64_t ctls = 0, clients = 0, socks = 0;
        for (const auto &k : m_.ctls) ctls += k.registered;
        for (const auto &mm : m_.mods) ctls += mm.loaded && (mm.what & FZ_MOD_CTL);
        for (const auto &so : m_.socks) {
            socks += so.open;
            clients += so.open && so.target >= 0;
        }
        chk(c.controllers, start_.controllers, ctls, "controllers");
        chk(c.ctl_clients, start_.ctl_clients, clients, "ctl_clients");
        chk(c.sockets, start_.sockets, socks, "sockets");
        // Records queued for control clients hold mbufs whose number the
        // spec leaves to the implementation: exact only when none is queued.
        uint64_t records = 0;
        for (const auto &so : m_.socks) records += so.open ? so.queue.size() : 0;
        if (records == 0) {
            chk(c.mbufs, start_.mbufs, 0, "mbufs");
            chk(c.clusters, start_.clusters, 0, "clusters");
        } else {
            FUZZ_CHECK(c.mbufs >= start_.mbufs + records, "after %s: %llu records queued in fewer mbufs", after,
                       static_cast<unsigned long long>(records));
        }
    }

    // A module filter on a harness interface dies with that interface.
    bool filter_of_module_alive(const ModModel &mm) const {
        if (!(mm.what & FZ_MOD_FILTER)) return false;
        return mm.args.filter_detach_calls == 0;
    }

    void issued(IssuedSet &set, unsigned long v, const char *what) {
        std::lock_guard lk(g_issued_mu);
        FUZZ_CHECK(v != 0, "%s 0 was issued", what);
        FUZZ_CHECK(set.insert(v), "%s %lu was issued twice in this instance (DLIL-TAG-001/DLIL-FLT-004)",
                   what, v);
    }

    // ---- the calls -------------------------------------------------------------

    int tag_slot(const Op &op, int thread) const {
        return free_ ? (op.a % 4) + 4 * thread : op.a % kTags;
    }
    int fid_slot(const Op &op, int thread) const {
        return free_ ? (op.a % 4) + 4 * thread : op.a % kFids;
    }

    void if_attach(const Op &op) {
        const int i = op.a % kIfs;
        const int fam = op.b % kNumFamSel;
        IfModel &im = m_.ifs[i];
        ifnet &f = hif_[i].ifp;
        int want;
        if (im.state != kUnattached) want = EEXIST;
        else if (!family_usable(fam)) want = ENODEV;
        else want = 0;
        if (im.state == kUnattached) {
            f.if_family = fam_value(fam);
            f.if_addrlen = 0;
            f.if_hdrlen = 0;
            f.if_demux = nullptr;
            f.if_framer = nullptr;
        }
        const int rc = dlil_if_attach(&f);
        say("dlil_if_attach(IF%d family %s) -> %s\n", i, kFamNames[fam], errno_name(rc));
        expect_rc(rc, want, "dlil_if_attach");
        if (rc == 0) {
            im.state = kAttached;
            im.fam = fam;
            im.filters.clear();
        }
    }

    // Everything attached to an interface goes when it detaches: its filters.
    void drop_if_filters(int ifc) {
        for (int s = 0; s < kFids; ++s) {
            FidModel &fm = m_.fids[s];
            if (fm.live && !fm.on_tag && fm.owner == ifc) {
                fm.live = false;
                ++fm.detach_expected;
            }
        }
        if (ifc < kIfs) m_.ifs[ifc].filters.clear();
    }

    // The interface finished detaching: a pending family may go with it.
    void if_gone(int i) {
        IfModel &im = m_.ifs[i];
        im.state = kUnattached;
        if (im.fam == kFamHarness && m_.fam == kFamPending) {
            bool used = false;
            for (int k = 0; k < kIfs; ++k) used = used || (m_.ifs[k].state != kUnattached && m_.ifs[k].fam == kFamHarness);
            if (!used) {
                m_.fam = kFamNone;
                ++m_.fam_shutdown_expected;  // DLIL-FAM-009
            }
        }
    }

    void if_detach(const Op &op) {
        const int i = op.a % kIfs;
        IfModel &im = m_.ifs[i];
        int want;
        if (im.state != kAttached) want = ENXIO;
        else if (live_protos_on(i) > 0) want = DLIL_WAIT_FOR_FREE;
        else want = 0;
        const int rc = dlil_if_detach(&hif_[i].ifp);
        say("dlil_if_detach(IF%d) -> %s\n", i, rc == DLIL_WAIT_FOR_FREE ? "DLIL_WAIT_FOR_FREE" : errno_name(rc));
        expect_rc(rc, want, "dlil_if_detach");
        if (rc == 0 || rc == DLIL_WAIT_FOR_FREE) {
            drop_if_filters(i);  // DLIL-IF-013
            if (rc == 0) if_gone(i);
            else im.state = kDetaching;
        }
        check_if_free(i);
        check_filter_detaches();
    }

    void check_if_free(int i) {
        FUZZ_CHECK(hif_[i].if_free_calls.load() == m_.ifs[i].if_free_expected,
                   "IF%d: if_free called %d times, expected %d (DLIL-IF-014/017)", i, hif_[i].if_free_calls.load(),
                   m_.ifs[i].if_free_expected);
    }

    void check_filter_detaches() {
        if (free_) return;
        for (int s = 0; s < kFids; ++s)
            FUZZ_CHECK(g_fid_detach[s].load() == m_.fids[s].detach_expected,
                       "FID%d: filter_detach called %d times, expected %d (DLIL-FLT-010/011)", s, g_fid_detach[s].load(),
                       m_.fids[s].detach_expected);
        FUZZ_CHECK(g_fam_shutdown.load() == m_.fam_shutdown_expected,
                   "harness family: shutdown called %d times, expected %d (DLIL-FAM-007/009)", g_fam_shutdown.load(),
                   m_.fam_shutdown_expected);
    }

    void fam_reg() {
        dlil_ifmod_reg_str r{};
        r.add_if = fam_add_if;
        r.del_if = fam_del_if;
        r.add_proto = fam_add_proto;
        r.del_proto = fam_del_proto;
        r.shutdown = fam_shutdown;
        const int want = m_.fam == kFamNone ? 0 : EEXIST;
        const int rc = dlil_reg_if_modules(kHarnessFamily, &r);
        say("dlil_reg_if_modules(harness family) -> %s\n", errno_name(rc));
        expect_rc(rc, want, "dlil_reg_if_modules");
        if (rc == 0) m_.fam = kFamRegistered;
    }

    void fam_dereg(const Op &op) {
        if (op.b % 4 == 3) {  // a built-in family (DLIL-FAM-010)
            const uint32_t fam = op.b & 4 ? APPLE_IF_FAM_LOOPBACK : APPLE_IF_FAM_ETHERNET;
            const int rc = dlil_dereg_if_modules(fam);
            say("dlil_dereg_if_modules(%s) -> %s\n", fam == APPLE_IF_FAM_ETHERNET ? "ETHERNET" : "LOOPBACK",
                errno_name(rc));
            expect_rc(rc, EPERM, "dlil_dereg_if_modules of a built-in family");
            return;
        }
        bool used = false;
        for (const auto &i : m_.ifs) used = used || (i.state != kUnattached && i.fam == kFamHarness);
        int want;
        if (m_.fam != kFamRegistered) want = ENOENT;
        else if (used) want = DLIL_WAIT_FOR_FREE;
        else want = 0;
        const int rc = dlil_dereg_if_modules(kHarnessFamily);
        say("dlil_dereg_if_modules(harness family) -> %s\n",
            rc == DLIL_WAIT_FOR_FREE ? "DLIL_WAIT_FOR_FREE" : errno_name(rc));
        expect_rc(rc, want, "dlil_dereg_if_modules");
        if (rc == 0) {
            m_.fam = kFamNone;
            ++m_.fam_shutdown_expected;
        } else if (rc == DLIL_WAIT_FOR_FREE) {
            m_.fam = kFamPending;
        }
        check_filter_detaches();
    }

    void proto_attach(const Op &op, int thread) {
        const int s = tag_slot(op, thread);
        if (m_.tags[s].live) proto_detach_slot(s);
        if (m_.tags[s].live) return;
        const int ifc = op.b % kIfChoices;
        const int pfi = free_ ? (op.c % 4) + 4 * thread : op.c % 8;
        static const int kOwnDesc[2][3] = {{0, 1, 3}, {0, 2, 4}};
        const int desc = free_ ? kOwnDesc[thread][op.d % 3] : op.d % kNumTypes;
        if (free_ && ifc < kIfs && m_.ifs[ifc].state == kDetaching) return;  // completion would race
        TagModel &tm = m_.tags[s];
        uint32_t fam;
        int16_t unit;
        if_family_unit(ifc, fam, unit);
        // Predict (DLIL-PROTO-002..005, DLIL-ETHER-012).
        const IfState st = if_state(ifc);
        bool fam_pending = ifc < kIfs && m_.ifs[ifc].fam == kFamHarness && m_.fam == kFamPending;
        bool same_pf = false, same_type = false;
        for (int k = 0; k < kTags; ++k) {
            const TagModel &o = m_.tags[k];
            if (!visible(k, thread) || !o.live || o.ifc != ifc) continue;
            same_pf = same_pf || o.pf == kPfs[pfi];
            same_type = same_type || (desc != 0 && o.desc == desc);
        }
        std::vector<int> allowed;
        if (st == kDetaching && fam_pending) allowed = {ENOENT, ENXIO};  // order of 003/004 not fixed
        else if (st == kUnattached || fam_pending) allowed = {ENOENT};
        else if (st == kDetaching && same_pf) allowed = {ENXIO, EEXIST};  // order between 004 and 005 not fixed
        else if (st == kDetaching) allowed = {ENXIO};
        else if (same_pf) allowed = {EEXIST};
        else if (same_type && is_ether(ifc)) allowed = {EADDRINUSE};
        else allowed = {0};

        dlil_proto_reg_str reg{};
        TAILQ_INIT(&reg.demux_desc_head);
        dlil_demux_desc d{};
        unsigned char type[2] = {static_cast<unsigned char>(kTypes[desc] >> 8),
                                 static_cast<unsigned char>(kTypes[desc])};
        if (desc != 0) {
            d.type = DLIL_DESC_ETYPE2;
            d.native_type = type;
            TAILQ_INSERT_TAIL(&reg.demux_desc_head, &d, next);
        }
        reg.interface_family = fam;
        reg.protocol_family = kPfs[pfi];
        reg.unit_number = unit;
        static const dl_input_func inputs[kTags] = {proto_input<0>, proto_input<1>, proto_input<2>, proto_input<3>,
                                                    proto_input<4>, proto_input<5>, proto_input<6>, proto_input<7>};
        reg.input = inputs[s];
        reg.pre_output = proto_pre_output;
        reg.event = proto_event;
        unsigned long tag = 0xdeadbeef;
        const int rc = dlil_attach_protocol(&reg, &tag);
        say("TAG%d = dlil_attach_protocol(pf %#x on %s, ETYPE2 %#06x) -> %s%s\n", s, kPfs[pfi], if_name(ifc).c_str(),
            kTypes[desc], errno_name(rc), rc == 0 ? (" tag " + std::to_string(tag)).c_str() : "");
        FUZZ_CHECK(std::find(allowed.begin(), allowed.end(), rc) != allowed.end(),
                   "dlil_attach_protocol on %s (state %d) returned %s, the spec says %s", if_name(ifc).c_str(), st,
                   errno_name(rc), errno_name(allowed.front()));
        if (rc != 0) {
            FUZZ_CHECK(tag == 0xdeadbeef, "a failed dlil_attach_protocol wrote *dl_tag (DLIL-PROTO-007/008)");
            return;
        }
        issued(g_tags_issued, tag, "dl_tag");
        tm.live = true;
        tm.tag = tag;
        tm.ifc = ifc;
        tm.pf = kPfs[pfi];
        tm.desc = desc;
        tm.filters.clear();
    }

    void proto_detach_slot(int s) {
        TagModel &tm = m_.tags[s];
        if (free_ && tm.live && tm.ifc < kIfs && m_.ifs[tm.ifc].state == kDetaching) return;  // would race
        const unsigned long tag = tm.tag ? tm.tag : 0x7fff0000ul + static_cast<unsigned long>(s);
        const int want = tm.live ? 0 : ENOENT;
        const int rc = dlil_detach_protocol(tag);
        say("dlil_detach_protocol(TAG%d = %lu) -> %s\n", s, tag, errno_name(rc));
        expect_rc(rc, want, "dlil_detach_protocol");
        if (rc != 0) return;
        tm.live = false;
        for (int f = 0; f < kFids; ++f) {
            FidModel &fm = m_.fids[f];
            if (free_ && f / 4 != s / 4) continue;  // the other thread's slots (split_for_free)
            if (fm.live && fm.on_tag && fm.owner == s) {
                fm.live = false;
                ++fm.detach_expected;  // DLIL-PROTO-013
            }
        }
        tm.filters.clear();
        // The last protocol of a detaching interface completes its detach (DLIL-IF-017).
        if (tm.ifc < kIfs && m_.ifs[tm.ifc].state == kDetaching && live_protos_on(tm.ifc) == 0) {
            ++m_.ifs[tm.ifc].if_free_expected;
            if_gone(tm.ifc);
        }
        if (tm.ifc < kIfs) check_if_free(tm.ifc);
        check_filter_detaches();
    }

    void find_tag(const Op &op, int thread) {
        const int s = tag_slot(op, thread);
        const TagModel &tm = m_.tags[s];
        if (tm.pf == 0) return;  // never attached
        // A slot keeps the family of its last protocol.  In the free-running
        // section a family of the other thread's half may be attached or
        // detached by it at any moment (split_for_free only detached it), so
        // the answer would depend on timing: ask only about our own families.
        if (free_ && (std::find(std::begin(kPfs), std::end(kPfs), tm.pf) - std::begin(kPfs)) / 4 != thread) return;
        uint32_t fam;
        int16_t unit;
        if_family_unit(tm.ifc, fam, unit);
        unsigned long got = 0;
        const int rc = dlil_find_dltag(fam, unit, tm.pf, &got);
        say("dlil_find_dltag(%s, pf %#x) -> %s %lu\n", if_name(tm.ifc).c_str(), tm.pf, errno_name(rc), got);
        int want;
        if (if_state(tm.ifc) == kUnattached) want = ENOENT;
        else {
            bool attached = false;
            for (int k = 0; k < kTags; ++k) {
                const TagModel &o = m_.tags[k];
                attached = attached || (visible(k, thread) && o.live && o.ifc == tm.ifc && o.pf == tm.pf);
            }
            want = attached ? 0 : EPROTONOSUPPORT;
        }
        expect_rc(rc, want, "dlil_find_dltag");
        if (rc == 0 && tm.live) FUZZ_CHECK(got == tm.tag, "dlil_find_dltag found %lu, the tag is %lu", got, tm.tag);
    }

    // insertion point: LAST, before another filter slot, or a bogus id.
    void filter_attach(const Op &op, int thread, bool on_tag) {
        const int s = fid_slot(op, thread);
        if (m_.fids[s].live) filter_detach_slot(s);
        if (m_.fids[s].live) return;
        const int where_sel = op.c % 12;
        int where;
        int before = -1;
        if (where_sel < 4) {
            where = DLIL_LAST_FILTER;
        } else if (where_sel < 10) {
            before = free_ ? ((where_sel - 4) % 4) + 4 * thread : (where_sel - 4 + op.d) % kFids;
            const FidModel &b = m_.fids[before];
            where = static_cast<int>(b.id ? b.id : 0x7ffffff0ul);
        } else {
            where = where_sel == 10 ? DLIL_NULL_FILTER : 0;
        }
        FidModel &fm = m_.fids[s];
        unsigned long id = 0xdeadbeef;
        int rc;
        int want;
        std::vector<int> *list = nullptr;
        std::string target;
        if (!on_tag) {
            const int ifc = op.b % kIfChoices;
            target = if_name(ifc);
            const IfState st = if_state(ifc);
            if (st != kAttached) want = ENXIO;
            else if (where == DLIL_LAST_FILTER) want = 0;
            else {
                const bool ok = before >= 0 && m_.fids[before].live && !m_.fids[before].on_tag && m_.fids[before].owner == ifc;
                want = ok ? 0 : ENOENT;
            }
            dlil_if_flt_str f{};
            f.cookie = reinterpret_cast<void *>(static_cast<intptr_t>(s));
            f.filter_if_input = flt_if_input;
            f.filter_if_output = flt_if_output;
            f.filter_if_event = flt_if_event;
            f.filter_if_ioctl = flt_ioctl;
            f.filter_detach = flt_detach;
            rc = dlil_attach_interface_filter(if_ptr(ifc), &f, &id, where);
            fm.owner = ifc;
            if (ifc < kIfs) list = &m_.ifs[ifc].filters;
        } else {
            const int t = tag_slot(Op{0, 0, op.b, 0, 0, 0}, thread);
            const TagModel &tm = m_.tags[t];
            target = "TAG" + std::to_string(t);
            if (!tm.live) want = ENOENT;
            else if (tm.ifc < kIfs && m_.ifs[tm.ifc].state == kDetaching) want = ENXIO;
            else if (where == DLIL_LAST_FILTER) want = 0;
            else {
                const bool ok = before >= 0 && m_.fids[before].live && m_.fids[before].on_tag && m_.fids[before].owner == t;
                want = ok ? 0 : ENOENT;
            }
            dlil_pr_flt_str f{};
            f.cookie = reinterpret_cast<void *>(static_cast<intptr_t>(s));
            f.filter_dl_input = flt_pr_input;
            f.filter_dl_output = flt_pr_output;
            f.filter_dl_event = flt_event;
            f.filter_dl_ioctl = flt_ioctl;
            f.filter_detach = flt_detach;
            const unsigned long tag = tm.tag ? tm.tag : 0x7fff0000ul;
            rc = dlil_attach_protocol_filter(tag, &f, &id, where);
            fm.owner = t;
            list = &m_.tags[t].filters;
        }
        say("FID%d = dlil_attach_%s_filter(%s, %s) -> %s%s\n", s, on_tag ? "protocol" : "interface", target.c_str(),
            where == DLIL_LAST_FILTER ? "DLIL_LAST_FILTER"
                                      : (before >= 0 ? ("before FID" + std::to_string(before)).c_str()
                                                     : std::to_string(where).c_str()),
            errno_name(rc), rc == 0 ? (" id " + std::to_string(id)).c_str() : "");
        expect_rc(rc, want, on_tag ? "dlil_attach_protocol_filter" : "dlil_attach_interface_filter");
        if (rc != 0) return;
        issued(g_fids_issued, id, "filter id");
        fm.live = true;
        fm.id = id;
        fm.on_tag = on_tag;
        if (list) {
            if (where == DLIL_LAST_FILTER) list->push_back(s);
            else list->insert(std::find(list->begin(), list->end(), before), s);
        }
    }

    void filter_detach_slot(int s) {
        FidModel &fm = m_.fids[s];
        const unsigned long id = fm.id ? fm.id : 0x7ffffff0ul;
        const int want = fm.live ? 0 : ENOENT;
        const int rc = dlil_detach_filter(id);
        say("dlil_detach_filter(FID%d = %lu) -> %s\n", s, id, errno_name(rc));
        expect_rc(rc, want, "dlil_detach_filter");
        if (rc != 0) return;
        fm.live = false;
        ++fm.detach_expected;
        std::lock_guard lk(model_mu_);  // interface filter lists are shared between the threads
        auto drop = [&](std::vector<int> &v) { v.erase(std::remove(v.begin(), v.end(), s), v.end()); };
        if (fm.on_tag) drop(m_.tags[fm.owner].filters);
        else if (fm.owner < kIfs) drop(m_.ifs[fm.owner].filters);
        check_filter_detaches();
    }

    // A frame for the ethertype of a tag slot's protocol (or an unclaimed one).
    void input(const Op &op, int thread) {
        const int ifc = op.a % kIfChoices;
        ifnet *ifp = if_ptr(ifc);
        const int t = tag_slot(Op{0, 0, op.b, 0, 0, 0}, thread);
        const uint16_t type = kTypes[m_.tags[t].desc ? m_.tags[t].desc : (op.c % kNumTypes)];
        std::vector<uint8_t> fr(60, 0x5a);
        std::memcpy(fr.data(), ifc < kIfs ? hif_[ifc].ifp.if_lladdr : kMac, 6);
        if (op.d & 1) std::memset(fr.data(), 0xff, 6);
        fr[12] = static_cast<uint8_t>(type >> 8);
        fr[13] = static_cast<uint8_t>(type);
        struct mbuf *m = m_devget(reinterpret_cast<const char *>(fr.data()), static_cast<int>(fr.size()), 0, nullptr);
        FUZZ_CHECK(m != nullptr, "m_devget failed with no failure armed");
        {
            std::lock_guard lk(g_stage_mu);
            g_stages.clear();
        }
        const IfState st = if_state(ifc);
        const int rc = dlil_input(ifp, m, nullptr);
        say("dlil_input(%s, type %#06x) -> %s\n", if_name(ifc).c_str(), type, errno_name(rc));
        expect_rc(rc, st == kUnattached ? ENXIO : 0, "dlil_input");
        if (free_ || rc != 0 || ifc >= kIfs) return;
        // Interface filters run tail to head (DLIL-ORDER-001/002).
        std::vector<int> want(m_.ifs[ifc].filters.rbegin(), m_.ifs[ifc].filters.rend());
        std::vector<int> got;
        {
            std::lock_guard lk(g_stage_mu);
            for (int x : g_stages) {
                if (x >= 0 && !m_.fids[x].on_tag) got.push_back(x);
            }
        }
        FUZZ_CHECK(got == want, "interface filters of %s ran in the wrong order on input (%zu ran, %zu attached)",
                   if_name(ifc).c_str(), got.size(), want.size());
    }

    void output(const Op &op, int thread) {
        const int t = tag_slot(op, thread);
        const TagModel &tm = m_.tags[t];
        struct mbuf *m = m_gethdr(M_DONTWAIT, MT_DATA);
        FUZZ_CHECK(m != nullptr, "m_gethdr failed with no failure armed");
        m->m_len = m->m_pkthdr.len = 32;
        std::memset(m->m_data, 0x33, 32);
        {
            std::lock_guard lk(g_stage_mu);
            g_stages.clear();
        }
        const int raw = op.b & 1;
        const unsigned long tag = tm.tag ? tm.tag : 0x7fff0000ul;
        const int rc = dlil_output(tag, m, nullptr, nullptr, raw);
        say("dlil_output(TAG%d, 32 bytes, raw %d) -> %s\n", t, raw, errno_name(rc));
        expect_rc(rc, tm.live ? 0 : ENOENT, "dlil_output");
        if (free_ || rc != 0) return;
        // Output: protocol filters head to tail, then interface filters head to tail (DLIL-ORDER-003).
        std::vector<int> want = tm.filters;
        if (tm.ifc < kIfs) want.insert(want.end(), m_.ifs[tm.ifc].filters.begin(), m_.ifs[tm.ifc].filters.end());
        std::vector<int> got;
        {
            std::lock_guard lk(g_stage_mu);
            for (int x : g_stages)
                if (x >= 0) got.push_back(x);
        }
        if (tm.ifc < kIfs) FUZZ_CHECK(got == want, "filters ran in the wrong order on output (%zu ran, %zu attached)",
                                      got.size(), want.size());
    }

    void event(const Op &op) {
        const int ifc = op.a % kIfChoices;
        ifnet *ifp = if_ptr(ifc);
        struct {
            kern_event_msg h;
            uint32_t more[3];
        } ev{};
        ev.h.total_size = KEV_MSG_HEADER_SIZE + 4 * (op.b % 4);
        ev.h.vendor_code = KEV_VENDOR_APPLE;
        ev.h.kev_class = KEV_NETWORK_CLASS;
        ev.h.kev_subclass = KEV_DL_SUBCLASS;
        ev.h.event_code = KEV_DL_LINK_ON;
        const int rc = dlil_event(ifp, &ev.h);
        say("dlil_event(%s, KEV_DL_LINK_ON) -> %s\n", if_name(ifc).c_str(), errno_name(rc));
        expect_rc(rc, if_state(ifc) == kUnattached ? ENXIO : 0, "dlil_event");
    }

    void ioctl(const Op &op, int thread) {
        const int ifc = op.a % kIfChoices;
        ifnet *ifp = if_ptr(ifc);
        const int t = tag_slot(Op{0, 0, op.b, 0, 0, 0}, thread);
        const uint32_t pf = m_.tags[t].pf;
        const int rc = dlil_ioctl(pf, ifp, 0x20006900ul + op.c, nullptr);
        say("dlil_ioctl(pf %#x, %s) -> %s\n", pf, if_name(ifc).c_str(), errno_name(rc));
        if (if_state(ifc) == kUnattached) expect_rc(rc, ENXIO, "dlil_ioctl");
        else FUZZ_CHECK(rc == 0 || rc == EOPNOTSUPP, "dlil_ioctl returned %s", errno_name(rc));
    }

    // ---- modules --------------------------------------------------------------

    // References from outside a module (DLIL-MOD-002, KMOD-REF-001).
    int mod_refs(int k) const {
        const ModModel &mm = m_.mods[k];
        int n = 0;
        const int ifc = kIfs + k;
        if (mm.what & FZ_MOD_DRIVER) {
            for (const auto &t : m_.tags) n += t.live && t.ifc == ifc;
            for (const auto &f : m_.fids) n += f.live && !f.on_tag && f.owner == ifc;
        }
        if (mm.what & FZ_MOD_FAMILY)
            for (const auto &i : m_.ifs) n += i.state != kUnattached && i.fam == kFamModA + k;
        if (mm.what & FZ_MOD_CTL)
            for (const auto &so : m_.socks) n += so.open && so.target == kCtls + k;  // CTL-MOD-001
        return n;
    }

    void mod_load(const Op &op) {
        const int k = op.a % kMods;
        ModModel &mm = m_.mods[k];
        const unsigned what = op.b & (FZ_MOD_FAMILY | FZ_MOD_DRIVER | FZ_MOD_FILTER | FZ_MOD_FILTER_HOST |
                                      FZ_MOD_FAIL_START | FZ_MOD_REFUSE_STOP | FZ_MOD_LEAVE | FZ_MOD_CTL);
        if (mm.loaded) {
            const int rc = kmod_load(nke::fuzz::module_path(k == 0 ? "fz_mod_a" : "fz_mod_b").c_str(), &mm.args,
                                     nullptr);
            say("kmod_load(%s) -> %s  // already loaded\n", k == 0 ? "fz_mod_a" : "fz_mod_b", errno_name(rc));
            expect_rc(rc, EEXIST, "kmod_load of a loaded module");
            return;
        }
        mm.args = fz_mod_args{};
        mm.args.what = what;
        mm.args.family = kModFamily[k];
        mm.args.unit = kModUnit[k];
        mm.args.host = &hif_[0].ifp;
        mm.args.ctl_id = kModCtlId[k];
        // Start succeeds when every registration it makes does.
        bool ok = true;
        if (what & FZ_MOD_FILTER) {
            if (what & FZ_MOD_FILTER_HOST) ok = m_.ifs[0].state == kAttached;
            else ok = (what & FZ_MOD_DRIVER) != 0;
        }
        if (what & FZ_MOD_FAIL_START) ok = false;
        int id = -1;
        const int rc = kmod_load(nke::fuzz::module_path(k == 0 ? "fz_mod_a" : "fz_mod_b").c_str(), &mm.args, &id);
        say("kmod_load(%s, what %#x) -> %s id %d\n", k == 0 ? "fz_mod_a" : "fz_mod_b", what, errno_name(rc), id);
        expect_rc(rc, ok ? 0 : ECANCELED, "kmod_load");
        FUZZ_CHECK(mm.args.start_calls == 1, "start called %d times (KMOD-LOAD-007)", mm.args.start_calls);
        if (rc != 0) {
            mm.args.ifp = nullptr;
            return;  // KMOD-LOAD-006: nothing left behind (checked by the counters)
        }
        mm.loaded = true;
        mm.id = id;
        mm.what = what;
    }

    void mod_unload(const Op &op) {
        const int k = op.a % kMods;
        ModModel &mm = m_.mods[k];
        const char *name = k == 0 ? "fz_mod_a" : "fz_mod_b";
        if (!mm.loaded) {
            const int rc = kmod_unload(mm.id > 0 ? mm.id : 0x7fffff00, &mm.args);
            say("kmod_unload(%s, stale id) -> %s\n", name, errno_name(rc));
            expect_rc(rc, ENOENT, "kmod_unload of a module that is not loaded");
            return;
        }
        // The stop routine's behaviour can be changed before each unload.
        unsigned what = mm.what & ~(FZ_MOD_REFUSE_STOP | FZ_MOD_LEAVE);
        what |= op.b & (FZ_MOD_REFUSE_STOP | FZ_MOD_LEAVE);
        mm.args.what = what;
        mm.what = what;
        const int refs = mod_refs(k);
        const int stops = mm.args.stop_calls;
        const int rc = kmod_unload(mm.id, &mm.args);
        say("kmod_unload(%s) -> %s  // %d references, stop %s\n", name, errno_name(rc), refs,
            (what & FZ_MOD_REFUSE_STOP) ? "refuses" : (what & FZ_MOD_LEAVE) ? "leaves everything" : "cleans up");
        if (refs > 0) {
            expect_rc(rc, EBUSY, "kmod_unload of a referenced module (KMOD-UNLOAD-002)");
            FUZZ_CHECK(mm.args.stop_calls == stops, "stop was called for a referenced module (KMOD-UNLOAD-002)");
            return;
        }
        if (what & FZ_MOD_REFUSE_STOP) {
            expect_rc(rc, EBUSY, "kmod_unload whose stop refuses (KMOD-UNLOAD-003)");
            return;
        }
        expect_rc(rc, 0, "kmod_unload");
        mm.loaded = false;
        mm.args.ifp = nullptr;
    }

    void mod_stat(const Op &op) {
        const int k = op.a % kMods;
        const ModModel &mm = m_.mods[k];
        kmod_stat st{};
        const int rc = kmod_get_stat(mm.loaded ? mm.id : 0x7fffff00, &st);
        say("kmod_get_stat(%s) -> %s refs %d registrations %u\n", k == 0 ? "fz_mod_a" : "fz_mod_b", errno_name(rc),
            st.reference_count, st.registrations);
        expect_rc(rc, mm.loaded ? 0 : ENOENT, "kmod_get_stat");
        if (rc != 0 || free_) return;
        const int refs = mod_refs(k);
        FUZZ_CHECK((st.reference_count > 0) == (refs > 0), "kmod_get_stat: reference_count %d, the model has %d (KMOD-OWN-002)",
                   st.reference_count, refs);
        unsigned regs = 0;
        regs += (mm.what & FZ_MOD_CTL) != 0;
        regs += (mm.what & FZ_MOD_FAMILY) != 0;
        regs += (mm.what & FZ_MOD_DRIVER) != 0;
        regs += (mm.what & FZ_MOD_FILTER) != 0 && filter_of_module_alive(mm);
        FUZZ_CHECK(st.registrations == regs, "kmod_get_stat: %u registrations, the module made %u (KMOD-OWN-002)",
                   st.registrations, regs);
    }

    // ---- controllers and control sockets ---------------------------------------

    bool target_registered(int t) const {
        if (t < kCtls) return m_.ctls[t].registered;
        const ModModel &mm = m_.mods[t - kCtls];
        return mm.loaded && (mm.what & FZ_MOD_CTL);
    }
    int target_client(int t) const {
        for (int s = 0; s < kSocks; ++s)
            if (m_.socks[s].open && m_.socks[s].target == t) return s;
        return -1;
    }

    void ctl_reg(const Op &op) {
        const int k = op.a % kCtls;
        CtlModel &cm = m_.ctls[k];
        kern_ctl_reg r{};
        r.ctl_id = kCtlId + static_cast<uint32_t>(k);
        r.ctl_unit = cm.registered ? cm.unit : op.b % 2;
        r.ctl_flags = (op.c & 1) ? CTL_FLAG_PRIVILEGED : 0;
        r.ctl_connect = hctl_connect;
        r.ctl_disconnect = hctl_disconnect;
        r.ctl_write = hctl_write;
        kern_ctl_ref ref = nullptr;
        const int rc = ctl_register(&r, reinterpret_cast<void *>(static_cast<intptr_t>(k)), &ref);
        say("CTL%d = ctl_register(id %#x, unit %u%s) -> %s\n", k, r.ctl_id, r.ctl_unit,
            (r.ctl_flags & CTL_FLAG_PRIVILEGED) ? ", privileged" : "", errno_name(rc));
        expect_rc(rc, cm.registered ? EEXIST : 0, "ctl_register (CTL-REG-001/006)");
        if (rc != 0) return;
        cm.registered = true;
        cm.ref = ref;
        cm.unit = r.ctl_unit;
        cm.privileged = r.ctl_flags & CTL_FLAG_PRIVILEGED;
    }

    void ctl_dereg(const Op &op) {
        const int k = op.a % kCtls;
        CtlModel &cm = m_.ctls[k];
        int want;
        if (!cm.registered) want = EINVAL;                    // CTL-DEREG-002/003 (stale or NULL)
        else if (target_client(k) >= 0) want = EBUSY;         // CTL-DEREG-004
        else want = 0;
        const int disc = g_ctl_disconnects[k].load();
        const int rc = ctl_deregister(cm.ref);
        say("ctl_deregister(CTL%d) -> %s\n", k, errno_name(rc));
        expect_rc(rc, want, "ctl_deregister");
        FUZZ_CHECK(g_ctl_disconnects[k].load() == disc, "ctl_deregister called ctl_disconnect (CTL-DEREG-004)");
        if (rc == 0) cm.registered = false;  // the stale ref stays in cm.ref: never reused (CTL-REG-015)
    }

    void sock_open(const Op &op) {
        const int s = op.a % kSocks;
        if (m_.socks[s].open) sock_close(s);
        const int fd = nke_socket(PF_SYSTEM, SOCK_DGRAM, SYSPROTO_CONTROL);
        say("S%d = nke_socket(PF_SYSTEM, SOCK_DGRAM, SYSPROTO_CONTROL) -> %d\n", s, fd);
        FUZZ_CHECK(fd >= NKE_FD_FIRST, "nke_socket(PF_SYSTEM) failed: %s", errno_name(errno));
        m_.socks[s] = SockModel{};
        m_.socks[s].open = true;
        m_.socks[s].fd = fd;
    }

    static sockaddr_ctl ctl_addr(uint32_t id, uint32_t unit) {
        sockaddr_ctl a{};
        a.sc_len = sizeof a;
        a.sc_family = AF_SYSTEM;
        a.ss_sysaddr = AF_SYS_CONTROL;
        a.sc_id = id;
        a.sc_unit = unit;
        return a;
    }

    void sock_connect(const Op &op) {
        const int s = op.a % kSocks;
        const int t = op.b % kCtlTargets;
        SockModel &sm = m_.socks[s];
        const uint32_t id = t < kCtls ? kCtlId + static_cast<uint32_t>(t) : kModCtlId[t - kCtls];
        const uint32_t unit = t < kCtls ? m_.ctls[t].unit : 0;
        int want;
        if (!sm.open) want = EBADF;
        else if (sm.target >= 0) want = EISCONN;              // CTL-CONNECT-016
        else if (!target_registered(t)) want = EADDRNOTAVAIL; // CTL-CONNECT-007
        else if (target_client(t) >= 0) want = EBUSY;         // CTL-CONNECT-010
        else want = 0;
        const sockaddr_ctl a = ctl_addr(id, unit);
        const int connects = t < kCtls ? g_ctl_connects[t].load() : 0;
        errno = 0;
        const int rc = nke_connect(sm.open ? sm.fd : 1000 + s, reinterpret_cast<const struct sockaddr *>(&a), sizeof a);
        const int err = rc == 0 ? 0 : errno;
        say("nke_connect(S%d, %s%d) -> %s\n", s, t < kCtls ? "CTL" : "module controller ", t < kCtls ? t : t - kCtls,
            errno_name(err));
        expect_rc(err, want, "nke_connect");
        if (t < kCtls)
            FUZZ_CHECK(g_ctl_connects[t].load() == connects + (err == 0 ? 1 : 0), "ctl_connect ran %d times",
                       g_ctl_connects[t].load() - connects);
        if (err == 0) sm.target = t;
    }

    void sock_close(int s) {
        SockModel &sm = m_.socks[s];
        if (!sm.open) return;
        const int t = sm.target;
        const int disc = t >= 0 && t < kCtls ? g_ctl_disconnects[t].load() : 0;
        const int rc = nke_close(sm.fd);
        say("nke_close(S%d) -> %d\n", s, rc);
        FUZZ_CHECK(rc == 0, "nke_close failed: %s", errno_name(errno));
        if (t >= 0 && t < kCtls)
            FUZZ_CHECK(g_ctl_disconnects[t].load() == disc + 1, "closing a client did not call ctl_disconnect once (CTL-DISC-001)");
        sm = SockModel{};
    }

    void sock_send(const Op &op) {
        const int s = op.a % kSocks;
        SockModel &sm = m_.socks[s];
        if (!sm.open) return;
        const size_t len = op.b % 65;
        uint8_t buf[64];
        std::memset(buf, static_cast<int>(op.c), sizeof buf);
        const int t = sm.target;
        const int writes = t >= 0 && t < kCtls ? g_ctl_writes[t].load() : 0;
        errno = 0;
        const ssize_t n = nke_send(sm.fd, buf, len, 0);
        say("nke_send(S%d, %zu bytes) -> %zd %s\n", s, len, n, n < 0 ? errno_name(errno) : "");
        if (t < 0) {
            FUZZ_CHECK(n == -1 && errno == ENOTCONN, "send on an unconnected control socket: %zd/%s (CTL-SEND-001)", n,
                       errno_name(errno));
            return;
        }
        FUZZ_CHECK(n == static_cast<ssize_t>(len), "send to a controller returned %zd, not %zu (CTL-SEND-005/006)", n, len);
        if (t < kCtls)
            FUZZ_CHECK(g_ctl_writes[t].load() == writes + 1, "ctl_write ran %d times for one send (CTL-SEND-003)",
                       g_ctl_writes[t].load() - writes);
    }

    void ctl_enqueue(const Op &op) {
        const int k = op.a % kCtls;
        CtlModel &cm = m_.ctls[k];
        const size_t len = 1 + op.b % 64;
        std::vector<uint8_t> data(len, static_cast<uint8_t>(op.c));
        int want;
        const int client = cm.registered ? target_client(k) : -1;
        if (!cm.registered) want = EINVAL;       // CTL-ENQ-002
        else if (client < 0) want = ENOTCONN;    // CTL-ENQ-005
        else want = 0;
        const int rc = ctl_enqueuedata(cm.ref, data.data(), len, (op.d & 1) ? CTL_DATA_NOWAKEUP : 0);
        say("ctl_enqueuedata(CTL%d, %zu bytes) -> %s\n", k, len, errno_name(rc));
        expect_rc(rc, want, "ctl_enqueuedata");
        if (rc == 0) m_.socks[client].queue.push_back(data);
    }

    void sock_recv(const Op &op) {
        const int s = op.a % kSocks;
        SockModel &sm = m_.socks[s];
        if (!sm.open || sm.target < 0) return;
        uint8_t buf[128];
        errno = 0;
        const ssize_t n = nke_recv(sm.fd, buf, sizeof buf, MSG_DONTWAIT);
        say("nke_recv(S%d) -> %zd %s\n", s, n, n < 0 ? errno_name(errno) : "");
        if (sm.queue.empty()) {
            FUZZ_CHECK(n == -1 && errno == EWOULDBLOCK, "receive on a client with nothing enqueued: %zd/%s", n,
                       errno_name(errno));
            return;
        }
        const std::vector<uint8_t> rec = sm.queue.front();
        sm.queue.erase(sm.queue.begin());
        FUZZ_CHECK(n == static_cast<ssize_t>(rec.size()) && std::memcmp(buf, rec.data(), rec.size()) == 0,
                   "the client read %zd bytes, the controller enqueued one record of %zu (CTL-ENQ-001/008)", n,
                   rec.size());
    }

    // ---- dispatch ---------------------------------------------------------------

    void step(const Op &op, int thread, bool threaded) {
        if (threaded) say("[t%d] ", thread);
        switch (op.kind()) {
        case K::kNop: return;
        case K::kIfAttach: if_attach(op); break;
        case K::kIfDetach: if_detach(op); break;
        case K::kFamReg: fam_reg(); break;
        case K::kFamDereg: fam_dereg(op); break;
        case K::kProtoAttach: proto_attach(op, thread); break;
        case K::kProtoDetach: proto_detach_slot(tag_slot(op, thread)); break;
        case K::kFindTag: find_tag(op, thread); break;
        case K::kIfFilterAttach: filter_attach(op, thread, false); break;
        case K::kPrFilterAttach: filter_attach(op, thread, true); break;
        case K::kFilterDetach: filter_detach_slot(fid_slot(op, thread)); break;
        case K::kInput: input(op, thread); break;
        case K::kOutput: output(op, thread); break;
        case K::kEvent: event(op); break;
        case K::kIoctl: ioctl(op, thread); break;
        case K::kModLoad: mod_load(op); break;
        case K::kModUnload: mod_unload(op); break;
        case K::kModStat: mod_stat(op); break;
        case K::kCtlReg: ctl_reg(op); break;
        case K::kCtlDereg: ctl_dereg(op); break;
        case K::kSockOpen: sock_open(op); break;
        case K::kSockConnect: sock_connect(op); break;
        case K::kSockClose: sock_close(op.a % kSocks); break;
        case K::kSockSend: sock_send(op); break;
        case K::kCtlEnqueue: ctl_enqueue(op); break;
        case K::kSockRecv: sock_recv(op); break;
        }
        check_counts("the call");
    }

    // Calls that change shared objects stay out of the free-running section.
    static bool free_safe(K k) {
        switch (k) {
        case K::kProtoAttach:
        case K::kProtoDetach:
        case K::kFindTag:
        case K::kPrFilterAttach:
        case K::kFilterDetach:
        case K::kInput:
        case K::kOutput:
        case K::kEvent:
        case K::kIoctl: return true;
        default: return false;
        }
    }

    // Before the free-running section: a protocol left by the prologue in
    // one thread's slots with the other thread's protocol family or
    // ethertype would make the other thread's results depend on timing.
    void split_for_free() {
        for (int s = 0; s < kTags; ++s) {
            const TagModel &tm = m_.tags[s];
            if (!tm.live) continue;
            const int owner = s / 4;
            const int pf_part = static_cast<int>(std::find(std::begin(kPfs), std::end(kPfs), tm.pf) - std::begin(kPfs)) / 4;
            const int desc_part = tm.desc == 0 ? owner : (tm.desc == 1 || tm.desc == 3) ? 0 : (tm.desc == 2 || tm.desc == 4) ? 1 : -1;
            if (pf_part != owner || desc_part != owner) {
                say("// before the free-running section: ");
                proto_detach_slot(s);
            }
        }
        // A protocol filter in one thread's slots on the other thread's
        // protocol would die with that protocol on the other thread.
        for (int f = 0; f < kFids; ++f) {
            const FidModel &fm = m_.fids[f];
            if (fm.live && fm.on_tag && fm.owner / 4 != f / 4) {
                say("// before the free-running section: ");
                filter_detach_slot(f);
            }
        }
    }

    void run_baton(const std::vector<Op> &ops) {
        std::mutex mu;
        std::condition_variable cv;
        size_t next = 0;
        auto body = [&](int me) {
            for (;;) {
                std::unique_lock lk(mu);
                cv.wait(lk, [&] { return next >= ops.size() || ops[next].thread == me; });
                if (next >= ops.size()) return;
                step(ops[next], me, true);
                ++next;
                cv.notify_all();
            }
        };
        std::thread t1(body, 1);
        body(0);
        t1.join();
    }

    void run_free(const std::vector<Op> &ops) {
        // Protocol attachments on interfaces that change in the section would
        // race with nothing: interfaces, families and modules are prologue
        // and epilogue business.
        auto body = [&](int me) {
            for (const auto &op : ops) {
                if (op.thread != me || !free_safe(op.kind())) continue;
                // Each thread touches only its own slots (and families,
                // ethertypes); the shared interface filter lists are guarded.
                step(op, me, true);
            }
        };
        std::thread t1(body, 1);
        body(0);
        t1.join();
    }

    // ---- release everything, then compare with the start -----------------------

    void cleanup() {
        say("// cleanup\n");
        for (int s = 0; s < kFids; ++s)
            if (m_.fids[s].live) filter_detach_slot(s);
        for (int s = 0; s < kTags; ++s)
            if (m_.tags[s].live) proto_detach_slot(s);
        for (int s = 0; s < kSocks; ++s) sock_close(s);
        for (int k = 0; k < kCtls; ++k)
            if (m_.ctls[k].registered) ctl_dereg(Op{0, 0, static_cast<uint8_t>(k), 0, 0, 0});
        for (int k = 0; k < kMods; ++k) {
            // Modules whose family a harness interface uses must wait for it.
            bool busy = false;
            for (const auto &i : m_.ifs) busy = busy || (i.state != kUnattached && i.fam == kFamModA + k);
            if (m_.mods[k].loaded && !busy) mod_unload(Op{0, 0, static_cast<uint8_t>(k), 0, 0, 0});
        }
        for (int i = 0; i < kIfs; ++i)
            if (m_.ifs[i].state == kAttached) if_detach(Op{0, 0, static_cast<uint8_t>(i), 0, 0, 0});
        for (int k = 0; k < kMods; ++k)
            if (m_.mods[k].loaded) mod_unload(Op{0, 0, static_cast<uint8_t>(k), 0, 0, 0});
        if (m_.fam == kFamRegistered) fam_dereg(Op{});
        for (int i = 0; i < kIfs; ++i) {
            FUZZ_CHECK(m_.ifs[i].state == kUnattached, "IF%d still attached after cleanup", i);
            check_if_free(i);
        }
        FUZZ_CHECK(m_.fam == kFamNone, "the harness family is still registered after cleanup");
        check_filter_detaches();
        nke::fuzz::expect_no_leak(start_, "by the program as a whole");
    }
};

// ---------------------------------------------------------------------------
// Seeds
// ---------------------------------------------------------------------------

uint8_t code_of(K k) {
    for (uint8_t i = 0; i < 32; ++i)
        if (kOpTable[i] == k) return i;
    return 20;
}
Op mk(K k, uint8_t a = 0, uint8_t b = 0, uint8_t c = 0, uint8_t d = 0, uint8_t thread = 0) {
    return Op{code_of(k), thread, a, b, c, d};
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    FuzzedDataProvider p(data, size);
    const Program prog = decode(p);
    Runner r;
    r.run(prog);
    return 0;
}

extern "C" int NkeFuzzWriteSeeds(const char *dir) {
    struct Seed {
        const char *name;
        Program prog;
    };
    std::vector<Seed> seeds;
    // Interfaces, protocols, filters in both orders, the data path.
    seeds.push_back({"dlil_basics",
                     {{mk(K::kIfAttach, 0, kFamEther), mk(K::kProtoAttach, 0, 0, 0, 1), mk(K::kProtoAttach, 1, 0, 1, 2),
                       mk(K::kIfFilterAttach, 0, 0, 0), mk(K::kIfFilterAttach, 1, 0, 4, 0),
                       mk(K::kPrFilterAttach, 2, 0, 0), mk(K::kInput, 0, 0), mk(K::kOutput, 0, 0),
                       mk(K::kOutput, 1, 1), mk(K::kFindTag, 1), mk(K::kEvent, 0), mk(K::kIoctl, 0, 0),
                       mk(K::kFilterDetach, 0), mk(K::kProtoDetach, 1)},
                      false, false, {}}});
    // Detach with protocols attached: DLIL_WAIT_FOR_FREE, then if_free.
    seeds.push_back({"if_detach_wait_for_free",
                     {{mk(K::kIfAttach, 1, kFamEther), mk(K::kProtoAttach, 2, 1, 2, 3), mk(K::kIfFilterAttach, 3, 1, 0),
                       mk(K::kIfDetach, 1), mk(K::kProtoAttach, 3, 1, 3, 4), mk(K::kInput, 1, 2),
                       mk(K::kProtoDetach, 2), mk(K::kIfAttach, 1, kFamLoop), mk(K::kIfDetach, 1)},
                      false, false, {}}});
    // A harness family: used, deregistered (pending), completed.
    seeds.push_back({"family_lifecycle",
                     {{mk(K::kFamReg), mk(K::kIfAttach, 2, kFamHarness), mk(K::kProtoAttach, 0, 2, 0, 0),
                       mk(K::kFamDereg, 0, 0), mk(K::kIfAttach, 0, kFamHarness), mk(K::kProtoDetach, 0),
                       mk(K::kIfDetach, 2), mk(K::kFamReg), mk(K::kFamDereg, 0, 3)},
                      false, false, {}}});
    // A module with a family, an interface and a filter; referenced, then released.
    seeds.push_back({"module_referenced_then_unloaded",
                     {{mk(K::kModLoad, 0, FZ_MOD_FAMILY | FZ_MOD_DRIVER | FZ_MOD_FILTER), mk(K::kModStat, 0),
                       mk(K::kProtoAttach, 0, kIfs + 0, 0, 0), mk(K::kModUnload, 0, 0), mk(K::kModStat, 0),
                       mk(K::kInput, kIfs + 0, 0), mk(K::kProtoDetach, 0), mk(K::kIfAttach, 1, kFamModA),
                       mk(K::kModUnload, 0, 0), mk(K::kIfDetach, 1), mk(K::kModUnload, 0, FZ_MOD_REFUSE_STOP),
                       mk(K::kModUnload, 0, FZ_MOD_LEAVE), mk(K::kModLoad, 0, FZ_MOD_DRIVER)},
                      false, false, {}}});
    // A module filter on a harness interface; a start that fails.
    seeds.push_back({"module_filter_on_host_and_failed_start",
                     {{mk(K::kIfAttach, 0, kFamEther), mk(K::kModLoad, 1, FZ_MOD_FILTER | FZ_MOD_FILTER_HOST),
                       mk(K::kInput, 0, 0), mk(K::kOutput, 0), mk(K::kModLoad, 0, FZ_MOD_DRIVER | FZ_MOD_FAIL_START),
                       mk(K::kIfDetach, 0), mk(K::kModUnload, 1, 0)},
                      false, false, {}}});
    // Two threads, baton: B detaches what A attached.
    seeds.push_back({"two_threads_baton",
                     {{mk(K::kIfAttach, 0, kFamEther), mk(K::kIfAttach, 1, kFamEther)},
                      true,
                      false,
                      {mk(K::kProtoAttach, 0, 0, 0, 1, 0), mk(K::kIfFilterAttach, 0, 0, 0, 0, 1),
                       mk(K::kInput, 0, 0, 0, 0, 1), mk(K::kProtoDetach, 0, 0, 0, 0, 1),
                       mk(K::kPrFilterAttach, 1, 0, 0, 0, 0), mk(K::kFilterDetach, 0, 0, 0, 0, 0)}}});
    // Two threads at once: attach, filter, input and detach on shared interfaces.
    {
        Program p{{mk(K::kIfAttach, 0, kFamEther), mk(K::kIfAttach, 1, kFamEther)}, true, true, {}};
        for (int round = 0; round < 6; ++round) {
            for (uint8_t th = 0; th < 2; ++th) {
                p.section.push_back(mk(K::kProtoAttach, round, th, round, 1 + th, th));
                p.section.push_back(mk(K::kPrFilterAttach, round, round, 0, 0, th));
                p.section.push_back(mk(K::kInput, th, round, 0, 0, th));
                p.section.push_back(mk(K::kOutput, round, 0, 0, 0, th));
                p.section.push_back(mk(K::kProtoDetach, round, 0, 0, 0, th));
            }
        }
        seeds.push_back({"two_threads_free", p});
    }
    // Controllers, control sockets, a module's controller holding its module.
    seeds.push_back({"controllers_and_clients",
                     {{mk(K::kCtlReg, 0, 0, 1), mk(K::kCtlReg, 1, 1, 0), mk(K::kSockOpen, 0), mk(K::kSockOpen, 1),
                       mk(K::kSockConnect, 0, 0), mk(K::kSockConnect, 1, 0), mk(K::kSockConnect, 1, 1),
                       mk(K::kSockSend, 0, 10, 7), mk(K::kCtlEnqueue, 0, 5, 9), mk(K::kCtlEnqueue, 1, 70, 3),
                       mk(K::kSockRecv, 0), mk(K::kSockRecv, 1), mk(K::kSockRecv, 1), mk(K::kCtlDereg, 0),
                       mk(K::kSockClose, 0), mk(K::kCtlDereg, 0), mk(K::kCtlEnqueue, 0, 1, 1), mk(K::kCtlReg, 0, 1, 0),
                       mk(K::kSockConnect, 2, 2), mk(K::kSockSend, 2, 3)},
                      false, false, {}}});
    seeds.push_back({"module_controller_holds_module",
                     {{mk(K::kModLoad, 1, FZ_MOD_CTL | FZ_MOD_DRIVER), mk(K::kSockOpen, 3),
                       mk(K::kSockConnect, 3, kCtls + 1), mk(K::kModStat, 1), mk(K::kModUnload, 1, 0),
                       mk(K::kSockSend, 3, 20), mk(K::kSockClose, 3), mk(K::kModUnload, 1, FZ_MOD_LEAVE),
                       mk(K::kModLoad, 0, FZ_MOD_CTL), mk(K::kSockOpen, 0), mk(K::kSockConnect, 0, kCtls + 0)},
                      false, false, {}}});
    for (const auto &s : seeds) {
        if (!nke::fuzz::write_file(std::string(dir) + "/" + s.name, encode(s.prog))) return 1;
    }
    std::fprintf(stderr, "wrote %zu seeds to %s\n", seeds.size(), dir);
    return 0;
}

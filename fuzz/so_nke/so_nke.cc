// so_nke — setsockopt(SOL_SOCKET, SO_NKE) with any option bytes and length,
// on sockets whose filter chains the input builds (spec/sockfilter.md:
// SF-REG-*, SF-UNREG-*, SF-ATTACH-*, SF-SONKE-*, SF-HOOK-008, SF-HOOK-011).
//
// Input (linear bytes):
//   byte 0        number of register_sockfilter calls (low 3 bits)
//   2 bytes each  r0: filter (0-5; 6 = NULL; 7 = filter 0), 0x08 NFD_GLOBAL,
//                     0x30 flags (0, NFF_BEFORE, NFF_AFTER, both), 0x40 an
//                     unknown flag bit, 0x80 NFD_PROG
//                 r1: nfp1 (0-5; 6 = NULL; 7 = a descriptor never registered),
//                     0x18 pr (my protosw, NULL, one never registered),
//                     0x60 the filter's sf_socontrol (pass, EPERM, EJUSTRETURN)
//   then socket 0 is created, and commands follow until the end:
//     00ssssss len bytes   SO_NKE on socket s (0-3) with the next len (0-63)
//                          bytes as the option (fewer if the input ends)
//     01oo00ss             o: 0 create socket s, 1 close it, 2 getsockopt
//                          SO_NKE, 3 setsockopt SO_NKE with a NULL value
//     10pp-fff             unregister_sockfilter(filter f: 0-5, 6 NULL, 7 never registered; pr p)
//     11mmmfff             set filter f's sf_socontrol to mode m
//
// The filters' handles are 0x4e4b4601..06 ("\x01FKN".. in memory), which the
// dictionary lists.  A model of the spec's placement rules (global list,
// SO_NKE before/after/first/last) predicts every result and every socket's
// chain, which is walked with so_getext/e_next after each command; the
// harness counters kextcbs and sockfilters, and the sf_socreate / sf_sofree
// calls of every filter, must match it.  Nothing may be left at the end.
#include <sys/socket.h>

#include <algorithm>
#include <array>
#include <cstdint>
#include <cstring>
#include <memory>
#include <string>
#include <vector>

#include "fdp_writer.hpp"
#include "fz_domain.hpp"
#include "fuzz_common.hpp"  // last: <nke/mbuf.h> macros

namespace {

using nke::fuzz::counters;
using nke::fuzz::errno_name;
using nke::fuzz::trace;

constexpr int kFilters = 6;
constexpr int kSockets = 4;
constexpr int kMaxCmds = 256;
constexpr unsigned kHandleBase = 0x4e4b4600;

enum Control { kPassCtl = 0, kErrCtl = 1, kJustCtl = 2 };

struct FilterState {
    int control = kPassCtl;
    int socreate = 0, sofree = 0;  // calls seen
};

NFDescriptor g_nf[kFilters];
NFDescriptor g_stray;  // never registered
struct protosw g_stray_pr{};
sockif g_soif[kFilters];
FilterState g_fs[kFilters];

int index_of(struct kextcb *kp) {
    for (int i = 0; i < kFilters; ++i)
        if (kp->e_nfd == &g_nf[i]) return i;
    nke::fuzz::fail(__FILE__, __LINE__, "a hook got a kextcb of an unknown filter");
}

int hook_socreate(struct socket *, struct protosw *, struct kextcb *kp) {
    FUZZ_CHECK(kp->e_fcb == nullptr, "e_fcb is not NULL at sf_socreate (SF-HOOK-023)");
    ++g_fs[index_of(kp)].socreate;
    return 0;
}
int hook_sofree(struct socket *, struct kextcb *kp) {
    ++g_fs[index_of(kp)].sofree;
    return 0;
}
int hook_socontrol(struct socket *, struct sockopt *sopt, struct kextcb *kp) {
    FUZZ_CHECK(sopt != nullptr, "sf_socontrol without a sockopt");
    switch (g_fs[index_of(kp)].control) {
    case kErrCtl: return EPERM;
    case kJustCtl: return EJUSTRETURN;
    default: return 0;
    }
}

void init_filters() {
    static bool done = false;
    if (done) return;
    done = true;
    for (int i = 0; i < kFilters; ++i) {
        g_soif[i].sf_socreate = hook_socreate;
        g_soif[i].sf_sofree = hook_sofree;
        g_soif[i].sf_socontrol = hook_socontrol;
    }
    g_stray.nf_handle = kHandleBase + 0x77;
    g_stray_pr.pr_type = SOCK_DGRAM;
}

// ---------------------------------------------------------------------------
// The model
// ---------------------------------------------------------------------------

struct Sock {
    bool open = false;
    int fd = -1;
    struct socket *so = nullptr;
    std::vector<int> chain;  // filter indexes, first to last
};

struct Model {
    bool registered[kFilters] = {};
    bool global[kFilters] = {};
    std::vector<int> globals;  // the protosw's list of global filters
    Sock socks[kSockets];
    int want_socreate[kFilters] = {}, want_sofree[kFilters] = {};
};

class Runner {
public:
    Runner() : base_(counters()) {}

    void run(const uint8_t *d, size_t n) {
        size_t at = 0;
        const int nreg = n > 0 ? d[at++] & 7 : 0;
        for (int i = 0; i < nreg && at + 2 <= n; ++i, at += 2) reg(d[at], d[at + 1]);
        create(0);
        int cmds = 0;
        while (at < n && cmds++ < kMaxCmds) {
            const uint8_t c = d[at++];
            switch (c >> 6) {
            case 0: {
                size_t len = 0;
                if (at < n) {
                    const size_t want = d[at++] & 0x3f;
                    len = std::min(want, n - at);
                }
                so_nke(c & 3, d + at, len);
                at += len;
                break;
            }
            case 1:
                switch ((c >> 4) & 3) {
                case 0: create(c & 3); break;
                case 1: close_sock(c & 3); break;
                case 2: get_so_nke(c & 3); break;
                default: null_so_nke(c & 3); break;
                }
                break;
            case 2: unreg(c & 7, (c >> 4) & 3); break;
            default:
                g_fs[(c & 7) % kFilters].control = (c >> 3) & 3;
                trace("// filter %d: sf_socontrol now %s\n", (c & 7) % kFilters,
                      ((c >> 3) & 3) == kErrCtl ? "EPERM" : ((c >> 3) & 3) == kJustCtl ? "EJUSTRETURN" : "0");
                break;
            }
            check("the command");
        }
        cleanup();
    }

private:
    Model m_;
    nke_counters base_;

    static std::string fname(int f) { return "F" + std::to_string(f); }

    static void expect_one_of(int rc, std::initializer_list<int> allowed, const char *what) {
        for (int a : allowed)
            if (rc == a) return;
        nke::fuzz::fail(__FILE__, __LINE__, "%s returned %s, the spec says %s", what, errno_name(rc),
                        errno_name(*allowed.begin()));
    }

    // ---- register / unregister ---------------------------------------------

    void reg(uint8_t r0, uint8_t r1) {
        const int fsel = r0 & 7;
        NFDescriptor *nfp = fsel == 6 ? nullptr : &g_nf[fsel == 7 ? 0 : fsel];
        const int f = fsel == 7 ? 0 : fsel;
        const bool global = r0 & 0x08;
        static const int kFlags[] = {0, NFF_BEFORE, NFF_AFTER, NFF_BEFORE | NFF_AFTER};
        int flags = kFlags[(r0 >> 4) & 3];
        if (r0 & 0x40) flags |= 0x100;
        const int nsel = r1 & 7;
        NFDescriptor *nfp1 = nsel == 6 ? nullptr : nsel == 7 ? &g_stray : &g_nf[nsel % kFilters];
        const int psel = (r1 >> 3) & 3;
        struct protosw *pr = psel == 1 ? nullptr : psel == 2 ? &g_stray_pr : nke::fuzz::fz_protosw();
        if (nfp && !m_.registered[f]) {
            std::memset(nfp, 0, sizeof *nfp);
            nfp->nf_handle = kHandleBase + 1 + static_cast<unsigned>(f);
            nfp->nf_flags = global ? NFD_GLOBAL : (r0 & 0x80 ? NFD_PROG : 0);
            nfp->nf_soif = &g_soif[f];
            g_fs[f].control = (r1 >> 5) & 3;
        }
        // Prediction (SF-REG-002..006).
        std::vector<int> allowed;
        const bool g = nfp && (nfp->nf_flags & NFD_GLOBAL);
        if (nfp == nullptr) allowed.push_back(EINVAL);
        else {
            const bool bad_flags = (flags & ~(NFF_BEFORE | NFF_AFTER)) || flags == (NFF_BEFORE | NFF_AFTER);
            if (bad_flags || (g && pr == nullptr)) allowed.push_back(EINVAL);
            if (m_.registered[f]) allowed.push_back(EEXIST);
            if (g && pr != nullptr && !bad_flags) {
                const bool pr_ok = pr == nke::fuzz::fz_protosw();
                int where = -1;
                if (nfp1 != nullptr) {
                    for (int k = 0; k < kFilters; ++k)
                        if (nfp1 == &g_nf[k] && m_.registered[k] && m_.global[k]) where = k;
                }
                if (!pr_ok || (nfp1 != nullptr && where < 0)) allowed.push_back(ENOENT);
            }
            if (allowed.empty()) allowed.push_back(0);
        }
        const int rc = register_sockfilter(nfp, nfp1, pr, flags);
        trace("register_sockfilter(%s, %s, %s, %#x)%s -> %s\n", nfp ? fname(f).c_str() : "NULL",
              nfp1 == nullptr ? "NULL" : nfp1 == &g_stray ? "<never registered>" : fname(nsel % kFilters).c_str(),
              pr == nullptr ? "NULL" : pr == &g_stray_pr ? "<stray protosw>" : "fuzz/DGRAM", flags,
              g ? " [global]" : "", errno_name(rc));
        FUZZ_CHECK(std::find(allowed.begin(), allowed.end(), rc) != allowed.end(),
                   "register_sockfilter returned %s, the spec says %s", errno_name(rc), errno_name(allowed.front()));
        if (rc != 0) return;
        m_.registered[f] = true;
        m_.global[f] = g;
        FUZZ_CHECK(find_nke(nfp->nf_handle) == nfp, "find_nke does not find a registered filter (SF-REG-001)");
        if (!g) return;
        // SF-REG-006: before nfp1 / first, or after nfp1 / last.
        auto &list = m_.globals;
        if (nfp1 == nullptr) {
            if (flags & NFF_BEFORE) list.insert(list.begin(), f);
            else list.push_back(f);
        } else {
            auto it = std::find(list.begin(), list.end(), nsel % kFilters);
            if (flags & NFF_BEFORE) list.insert(it, f);
            else list.insert(it + 1, f);
        }
    }

    bool carrying(int f) const {
        for (const auto &s : m_.socks)
            if (s.open && std::find(s.chain.begin(), s.chain.end(), f) != s.chain.end()) return true;
        return false;
    }

    void unreg(int fsel, int psel) {
        NFDescriptor *nfp = fsel == 6 ? nullptr : fsel == 7 ? &g_stray : &g_nf[fsel % kFilters];
        const int f = fsel % kFilters;
        struct protosw *pr = psel == 1 ? nullptr : psel == 2 ? &g_stray_pr : nke::fuzz::fz_protosw();
        std::vector<int> allowed;
        if (nfp == nullptr) allowed = {EINVAL};
        else if (nfp == &g_stray || !m_.registered[f]) allowed = {ENOENT};
        else {
            const bool wrong_pr = m_.global[f] && pr != nke::fuzz::fz_protosw();
            if (wrong_pr) allowed.push_back(EINVAL);
            if (carrying(f)) allowed.push_back(EBUSY);
            if (allowed.empty()) allowed.push_back(0);
        }
        const int rc = unregister_sockfilter(nfp, pr, 0);
        trace("unregister_sockfilter(%s, %s) -> %s\n",
              nfp == nullptr ? "NULL" : nfp == &g_stray ? "<never registered>" : fname(f).c_str(),
              pr == nullptr ? "NULL" : pr == &g_stray_pr ? "<stray protosw>" : "fuzz/DGRAM", errno_name(rc));
        FUZZ_CHECK(std::find(allowed.begin(), allowed.end(), rc) != allowed.end(),
                   "unregister_sockfilter returned %s, the spec says %s", errno_name(rc), errno_name(allowed.front()));
        if (rc != 0) return;
        m_.registered[f] = false;
        m_.globals.erase(std::remove(m_.globals.begin(), m_.globals.end(), f), m_.globals.end());
        FUZZ_CHECK(find_nke(nfp->nf_handle) == nullptr, "find_nke finds an unregistered filter (SF-UNREG-001)");
    }

    // ---- sockets ------------------------------------------------------------

    void create(int s) {
        Sock &k = m_.socks[s];
        if (k.open) close_sock(s);
        nke::fuzz::fz_protosw();
        const int fd = nke_socket(nke::fuzz::kFzFamily, SOCK_DGRAM, nke::fuzz::kFzProto);
        trace("s%d = nke_socket(fuzz, SOCK_DGRAM, 1) -> %d\n", s, fd);
        FUZZ_CHECK(fd >= NKE_FD_FIRST, "nke_socket failed: %s", errno_name(errno));
        k.open = true;
        k.fd = fd;
        k.so = nke::fuzz::fz_last_attached();
        k.chain = m_.globals;  // SF-ATTACH-001
        for (int f : k.chain) ++m_.want_socreate[f];  // SF-ATTACH-002
    }

    void close_sock(int s) {
        Sock &k = m_.socks[s];
        if (!k.open) {
            const int rc = nke_close(1000 + s);
            trace("nke_close(<not open>) -> %d\n", rc);
            FUZZ_CHECK(rc == -1 && errno == EBADF, "nke_close of a descriptor that is not open: %d", rc);
            return;
        }
        const int rc = nke_close(k.fd);
        trace("nke_close(s%d) -> %d\n", s, rc);
        FUZZ_CHECK(rc == 0, "nke_close failed: %s", errno_name(errno));
        for (int f : k.chain) ++m_.want_sofree[f];  // SF-HOOK-011
        k = Sock{};
    }

    // The sf_socontrol hooks of the socket's filters, in order (SF-SONKE-007,
    // SF-HOOK-008): 0 to go on, an errno, or EJUSTRETURN.
    int controls(const Sock &k) const {
        for (int f : k.chain) {
            if (g_fs[f].control == kErrCtl) return EPERM;
            if (g_fs[f].control == kJustCtl) return EJUSTRETURN;
        }
        return 0;
    }

    int registered_by_handle(uint32_t h) const {
        for (int f = 0; f < kFilters; ++f)
            if (m_.registered[f] && g_nf[f].nf_handle == h) return f;
        return -1;
    }

    void so_nke(int s, const uint8_t *bytes, size_t len) {
        Sock &k = m_.socks[s];
        // Exactly len bytes on the heap: an over-read is an ASan report.
        std::unique_ptr<uint8_t[]> buf(new uint8_t[len ? len : 1]);
        if (len) std::memcpy(buf.get(), bytes, len);
        const int fd = k.open ? k.fd : 1000 + s;
        struct so_nke v{};
        std::memcpy(&v, buf.get(), std::min(len, sizeof v));
        errno = 0;
        const int rc = nke_setsockopt(fd, SOL_SOCKET, SO_NKE, buf.get(), static_cast<socklen_t>(len));
        const int err = rc == 0 ? 0 : errno;
        trace("nke_setsockopt(s%d, SOL_SOCKET, SO_NKE, {handle %#x, where %#x, flags %d}, %zu) -> %s\n", s,
              v.nke_handle, v.nke_where, v.nke_flags, len, errno_name(err));
        FUZZ_CHECK(rc == 0 || rc == -1, "nke_setsockopt returned %d", rc);
        if (!k.open) {
            FUZZ_CHECK(err == EBADF, "SO_NKE on a descriptor that is not open: %s", errno_name(err));
            return;
        }
        // Prediction.
        const int ctl = controls(k);
        if (ctl == EPERM) {
            FUZZ_CHECK(err == EPERM, "an sf_socontrol error must be returned (SF-SONKE-007): got %s", errno_name(err));
            return;
        }
        if (ctl == EJUSTRETURN) {
            FUZZ_CHECK(err == 0, "sf_socontrol's EJUSTRETURN must give 0 (SF-SONKE-007): got %s", errno_name(err));
            return;
        }
        if (len < sizeof(struct so_nke)) {
            FUZZ_CHECK(err == EINVAL, "SO_NKE with %zu bytes must fail with EINVAL (SF-SONKE-001): got %s", len,
                       errno_name(err));
            return;
        }
        std::vector<int> allowed;
        const bool bad_flags = v.nke_flags != 0 && v.nke_flags != NFF_AFTER && v.nke_flags != NFF_BEFORE;
        if (bad_flags) allowed.push_back(EINVAL);
        const int f = registered_by_handle(v.nke_handle);
        const int w = v.nke_where != 0 ? registered_by_handle(v.nke_where) : -1;
        const bool where_on = w >= 0 && std::find(k.chain.begin(), k.chain.end(), w) != k.chain.end();
        if (f < 0 || (v.nke_where != 0 && !where_on)) allowed.push_back(ENXIO);
        if (f >= 0 && std::find(k.chain.begin(), k.chain.end(), f) != k.chain.end()) allowed.push_back(EEXIST);
        if (allowed.empty()) allowed.push_back(0);
        FUZZ_CHECK(std::find(allowed.begin(), allowed.end(), err) != allowed.end(),
                   "SO_NKE {handle %#x, where %#x, flags %d} returned %s, the spec says %s (SF-SONKE-00x)",
                   v.nke_handle, v.nke_where, v.nke_flags, errno_name(err), errno_name(allowed.front()));
        if (err != 0) return;
        // SF-SONKE-005: before / after where, or first / last.
        const bool before = v.nke_flags == NFF_BEFORE;
        auto &c = k.chain;
        if (v.nke_where == 0) {
            if (before) c.insert(c.begin(), f);
            else c.push_back(f);
        } else {
            auto it = std::find(c.begin(), c.end(), w);
            if (before) c.insert(it, f);
            else c.insert(it + 1, f);
        }
        ++m_.want_socreate[f];  // SF-SONKE-006
        if (nke::fuzz::print_enabled()) {
            std::string chain;
            for (int x : c) chain += " " + fname(x);
            trace("  // s%d's filters:%s\n", s, chain.c_str());
        }
    }

    void get_so_nke(int s) {
        Sock &k = m_.socks[s];
        const int fd = k.open ? k.fd : 1000 + s;
        struct so_nke v{};
        socklen_t len = sizeof v;
        errno = 0;
        const int rc = nke_getsockopt(fd, SOL_SOCKET, SO_NKE, &v, &len);
        const int err = rc == 0 ? 0 : errno;
        trace("nke_getsockopt(s%d, SOL_SOCKET, SO_NKE) -> %s\n", s, errno_name(err));
        int want;
        if (!k.open) want = EBADF;
        else {
            const int ctl = controls(k);
            want = ctl == EPERM ? EPERM : ctl == EJUSTRETURN ? 0 : ENOPROTOOPT;  // SF-SONKE-010, SF-HOOK-008
        }
        FUZZ_CHECK(err == want, "getsockopt(SO_NKE) returned %s, the spec says %s", errno_name(err), errno_name(want));
    }

    void null_so_nke(int s) {
        Sock &k = m_.socks[s];
        const int fd = k.open ? k.fd : 1000 + s;
        errno = 0;
        const int rc = nke_setsockopt(fd, SOL_SOCKET, SO_NKE, nullptr, sizeof(struct so_nke));
        const int err = rc == 0 ? 0 : errno;
        trace("nke_setsockopt(s%d, SOL_SOCKET, SO_NKE, NULL, 12) -> %s\n", s, errno_name(err));
        const int want = k.open ? EFAULT : EBADF;  // SOCK-OPT-001
        FUZZ_CHECK(err == want, "SO_NKE with a NULL value returned %s, the spec says %s", errno_name(err),
                   errno_name(want));
    }

    // ---- the state, after every command --------------------------------------

    void check(const char *after) {
        uint64_t kextcbs = 0, filters = 0;
        for (bool r : m_.registered) filters += r;
        for (int s = 0; s < kSockets; ++s) {
            const Sock &k = m_.socks[s];
            if (!k.open) continue;
            kextcbs += k.chain.size();
            std::vector<int> got;
            size_t guard = 0;
            for (struct kextcb *kp = so_getext(k.so); kp; kp = kp->e_next) {
                FUZZ_CHECK(++guard < 1000, "the kextcb chain of s%d does not end", s);
                const int f = index_of(kp);
                FUZZ_CHECK(kp->e_soif == g_nf[f].nf_soif, "e_soif is not the filter's nf_soif (SF conventions)");
                got.push_back(f);
            }
            if (got != k.chain) {
                std::string g, w;
                for (int f : got) g += fname(f) + " ";
                for (int f : k.chain) w += fname(f) + " ";
                nke::fuzz::fail(__FILE__, __LINE__, "after %s: s%d's filters are [%s], the spec's placement gives [%s]",
                                after, s, g.c_str(), w.c_str());
            }
        }
        const nke_counters c = counters();
        FUZZ_CHECK(c.kextcbs == base_.kextcbs + kextcbs, "after %s: kextcbs counter +%lld, the chains hold %llu",
                   after, static_cast<long long>(c.kextcbs - base_.kextcbs), static_cast<unsigned long long>(kextcbs));
        FUZZ_CHECK(c.sockfilters == base_.sockfilters + filters, "after %s: sockfilters +%lld, %llu registered", after,
                   static_cast<long long>(c.sockfilters - base_.sockfilters), static_cast<unsigned long long>(filters));
        for (int f = 0; f < kFilters; ++f) {
            FUZZ_CHECK(g_fs[f].socreate == m_.want_socreate[f], "after %s: %s got %d sf_socreate calls, expected %d",
                       after, fname(f).c_str(), g_fs[f].socreate, m_.want_socreate[f]);
            FUZZ_CHECK(g_fs[f].sofree == m_.want_sofree[f],
                       "after %s: %s got %d sf_sofree calls, expected %d (SF-HOOK-011)", after, fname(f).c_str(),
                       g_fs[f].sofree, m_.want_sofree[f]);
        }
    }

    void cleanup() {
        for (int s = 0; s < kSockets; ++s)
            if (m_.socks[s].open) close_sock(s);
        for (int f = 0; f < kFilters; ++f)
            if (m_.registered[f]) unreg(f, 0);
        check("cleanup");
        for (auto &fs : g_fs) fs = FilterState{};
        nke::fuzz::expect_no_leak(base_, "by the input as a whole");
    }
};

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    init_filters();
    nke::fuzz::fz_protosw();
    Runner r;
    r.run(data, size);
    return 0;
}

extern "C" int NkeFuzzWriteSeeds(const char *dir) {
    auto handle = [](int f) { return kHandleBase + 1 + static_cast<unsigned>(f); };
    auto so_nke = [&](std::vector<uint8_t> &out, int s, uint32_t h, uint32_t where, int32_t flags, size_t len = 12) {
        out.push_back(static_cast<uint8_t>(s & 3));
        out.push_back(static_cast<uint8_t>(len));
        uint8_t v[28] = {};
        std::memcpy(v, &h, 4);
        std::memcpy(v + 4, &where, 4);
        std::memcpy(v + 8, &flags, 4);
        out.insert(out.end(), v, v + len);
    };
    struct Seed {
        const char *name;
        std::vector<uint8_t> bytes;
    };
    std::vector<Seed> seeds;
    {
        // Three globals in mixed order, two programmatic filters inserted around them.
        std::vector<uint8_t> b = {5,
                                  0x08 | 0x20, 0x06,  // F0 global, after NULL: last
                                  0x09 | 0x10, 0x06,  // F1 global, before NULL: first
                                  0x0a | 0x20, 0x01,  // F2 global, after F1
                                  0x03, 0x06,         // F3 programmatic
                                  0x84, 0x06};        // F4 NFD_PROG
        so_nke(b, 0, handle(3), 0, NFF_BEFORE);
        so_nke(b, 0, handle(4), handle(2), NFF_AFTER);
        so_nke(b, 0, handle(4), 0, 0);                 // EEXIST
        so_nke(b, 0, handle(5), 0, 0);                 // ENXIO
        so_nke(b, 0, handle(3), handle(5), NFF_AFTER); // ENXIO
        b.push_back(0x41);                             // create s1
        so_nke(b, 1, handle(4), handle(0), NFF_BEFORE, 28);
        b.push_back(0x60);                             // getsockopt s0
        b.push_back(0x84);                             // unregister F4 -> EBUSY
        b.push_back(0x50);                             // close s0
        b.push_back(0x51);                             // close s1
        b.push_back(0x84);                             // unregister F4 -> 0
        seeds.push_back({"globals_and_programmatic", b});
    }
    {
        // Bad lengths and flags, a NULL value, a veto by sf_socontrol.
        std::vector<uint8_t> b = {2, 0x00, 0x06, 0x01, 0x46};  // F0; F1 with sf_socontrol EJUSTRETURN
        so_nke(b, 0, handle(0), 0, 0, 11);
        so_nke(b, 0, handle(0), 0, 3);
        so_nke(b, 0, handle(0), 0, -1);
        b.push_back(0x70);  // NULL value
        so_nke(b, 0, handle(1), 0, NFF_AFTER);  // F1 attached
        so_nke(b, 0, handle(0), 0, NFF_AFTER);  // vetoed (0, nothing inserted)
        b.push_back(0xc9);                      // F1 sf_socontrol -> EPERM
        so_nke(b, 0, handle(0), 0, NFF_AFTER);  // EPERM
        b.push_back(0xc1);                      // F1 sf_socontrol -> 0
        so_nke(b, 0, handle(0), handle(1), NFF_BEFORE);
        so_nke(b, 2, handle(0), 0, 0);          // s2 not open: EBADF
        seeds.push_back({"lengths_flags_veto", b});
    }
    {
        // register_sockfilter errors and placements.
        std::vector<uint8_t> b = {7,
                                  0x06, 0x06,         // NULL nfp
                                  0x08, 0x0e,         // global with pr NULL
                                  0x08, 0x16,         // global on a stray protosw
                                  0x08 | 0x30, 0x06,  // both flags
                                  0x08 | 0x40, 0x06,  // unknown flag bit
                                  0x08, 0x07,         // nfp1 never registered
                                  0x08, 0x06};        // F0 global, OK
        b.push_back(0x41);
        b.push_back(0x80);  // unregister F0 (carrying) -> EBUSY
        b.push_back(0x96);  // unregister NULL
        b.push_back(0x97);  // unregister never registered
        b.push_back(0x90 | 0x00);
        seeds.push_back({"register_errors", b});
    }
    for (const auto &s : seeds)
        if (!nke::fuzz::write_file(std::string(dir) + "/" + s.name, s.bytes)) return 1;
    std::fprintf(stderr, "wrote %zu seeds to %s\n", seeds.size(), dir);
    return 0;
}

// Property: the mbuf algebra against a byte-vector model (spec/mbuf.md).
//
// A case is a random program over a handful of chains: build chains of
// every shape (plain and packet-header mbufs, internal buffers with leading
// space, clusters, empty mbufs, m_devget), then apply random operations --
// M_PREPEND/m_prepend, m_adj of both signs, m_pullup, m_split, m_cat,
// m_copym (which shares clusters between chains), m_copydata, m_copyback
// and the frees -- with arguments that are valid, at the edges, or invalid,
// some of them under an injected allocation failure.  Each chain's model is
// the plain vector of its bytes plus its packet header.  After every
// operation the property checks, for EVERY live chain, that
//
//   - the bytes read off the structure equal the model's bytes,
//   - m_pkthdr.len == Σ m_len == m_length(), M_PKTHDR only on a pkthdr
//     chain's first mbuf, header fields and flags carried as specified,
//   - the harness counters equal the mbufs and the distinct clusters
//     reachable from the live chains (no leak, no premature free), and
//     m_mclhasreference / the space functions agree with the sharing seen,
//
// and each operation's own outcome (return value, what it must not touch,
// what it may allocate).  Shared clusters make one chain's m_copyback
// visible in another (MBUF-COPYBACK-006): the model follows that from the
// addresses the bytes live at, and only through clusters.
//
// The operations name their arguments by raw numbers that are resolved
// against the current state (chain index modulo the number of chains,
// offsets modulo the chain length, ...), so RapidCheck can drop and shrink
// operations freely; the resolved program is logged for the counterexample.
#include <rapidcheck.h>

#include <algorithm>
#include <climits>
#include <cstdint>
#include <map>
#include <optional>
#include <set>
#include <sstream>
#include <string>
#include <utility>
#include <vector>

#include "nke_prop.hpp"  // last: <nke/mbuf.h> defines m_* macros

namespace {

using Bytes = std::vector<uint8_t>;

// ---------------------------------------------------------------------------
// The generated program.

enum class Kind : uint8_t {
    Build,        // a chain built mbuf by mbuf (m_get/m_gethdr/m_getclr/m_mclget/m_getpacket)
    Devget,       // m_devget
    Prepend,      // M_PREPEND (m_prepend_2) or m_prepend
    Adj,          // m_adj, both signs
    Pullup,       // m_pullup
    Split,        // m_split
    Cat,          // m_cat
    CatNull,      // m_cat with a NULL side
    Copym,        // m_copym
    Copydata,     // m_copydata
    Copyback,     // m_copyback
    Free,         // m_freem
    FreeNextpkt,  // m_freem on a chain whose m_nextpkt names another chain
    FreeList,     // m_freem_list of a two-chain packet queue
};

const char *kind_name(Kind k) {
    static const char *const names[] = {"build", "devget", "prepend", "adj", "pullup",
                                        "split", "cat", "cat-null", "copym", "copydata",
                                        "copyback", "free", "free-nextpkt", "free-list"};
    return names[static_cast<int>(k)];
}

// One mbuf of a built chain.
struct Seg {
    uint8_t shape = 0;  // 0 internal buffer, 1 cluster, 2 data then m_mclget, 3 m_getclr
    uint16_t len = 0;   // raw, resolved against the room
    uint8_t lead = 0;   // raw leading space
};

struct Op {
    Kind kind = Kind::Build;
    uint32_t a = 0, b = 0, c = 0, d = 0;  // raw arguments
    uint8_t fail = 0;                     // 0: none; else nth = max(1, fail & 3), persistent = fail & 4
    std::vector<Seg> segs;                // Build only
};

std::ostream &operator<<(std::ostream &os, const Op &op) {
    os << kind_name(op.kind) << "(" << op.a << "," << op.b << "," << op.c << "," << op.d;
    if (op.fail) os << ",fail=" << int(op.fail);
    for (const Seg &s : op.segs) os << ",[" << int(s.shape) << " " << s.len << " " << int(s.lead) << "]";
    return os << ")";
}

rc::Gen<Seg> gen_seg() {
    return rc::gen::apply(
        [](uint8_t shape, uint16_t len, uint8_t lead) { return Seg{shape, len, lead}; },
        rc::gen::weightedElement<uint8_t>({{5, 0}, {3, 1}, {1, 2}, {1, 3}}),
        rc::gen::arbitrary<uint16_t>(), rc::gen::arbitrary<uint8_t>());
}

rc::Gen<Op> gen_op(bool with_failures) {
    using rc::gen::arbitrary;
    return rc::gen::apply(
        [with_failures](Kind k, uint32_t a, uint32_t b, uint32_t c, uint32_t d, uint8_t fail,
                        std::vector<Seg> segs) {
            Op op;
            op.kind = k;
            op.a = a;
            op.b = b;
            op.c = c;
            op.d = d;
            op.fail = with_failures ? fail : 0;
            if (k == Kind::Build) {
                if (segs.empty()) segs.push_back(Seg{});
                if (segs.size() > 4) segs.resize(4);
                op.segs = std::move(segs);
            }
            return op;
        },
        rc::gen::weightedElement<Kind>({{6, Kind::Build},
                                        {1, Kind::Devget},
                                        {3, Kind::Prepend},
                                        {3, Kind::Adj},
                                        {3, Kind::Pullup},
                                        {3, Kind::Split},
                                        {3, Kind::Cat},
                                        {1, Kind::CatNull},
                                        {3, Kind::Copym},
                                        {2, Kind::Copydata},
                                        {3, Kind::Copyback},
                                        {1, Kind::Free},
                                        {1, Kind::FreeNextpkt},
                                        {1, Kind::FreeList}}),
        arbitrary<uint32_t>(), arbitrary<uint32_t>(), arbitrary<uint32_t>(),
        arbitrary<uint32_t>(),
        rc::gen::weightedOneOf<uint8_t>(
            {{4, rc::gen::just<uint8_t>(0)}, {1, rc::gen::inRange<uint8_t>(1, 8)}}),
        rc::gen::container<std::vector<Seg>>(gen_seg()));
}

// ---------------------------------------------------------------------------
// Helpers over the public structure (never the functions under test).

constexpr int kMaxChains = 8;
constexpr size_t kMaxWalk = 1 << 16;  // a longer chain is a cycle

Bytes pattern(uint32_t seed, size_t n) {
    Bytes v(n);
    uint32_t x = seed * 2654435761u + 0x9e3779b9u;
    for (auto &b : v) {
        x ^= x << 13;
        x ^= x >> 17;
        x ^= x << 5;
        b = static_cast<uint8_t>(x);
    }
    return v;
}

[[noreturn]] void fail(const std::string &what) { RC_FAIL(what); }
void require(bool ok, const std::string &what) {
    if (!ok) fail(what);
}

std::vector<struct mbuf *> mbufs_of(struct mbuf *m) {
    std::vector<struct mbuf *> v;
    for (; m != nullptr; m = m->m_next) {
        if (v.size() >= kMaxWalk) fail("a chain has more than 65536 mbufs: a cycle in m_next");
        v.push_back(m);
    }
    return v;
}

Bytes bytes_of(struct mbuf *m) {
    Bytes v;
    for (struct mbuf *x : mbufs_of(m)) {
        require(x->m_len >= 0, "an mbuf has a negative m_len");
        if (x->m_len > 0) {
            const auto *p = reinterpret_cast<const uint8_t *>(x->m_data);
            v.insert(v.end(), p, p + x->m_len);
        }
    }
    return v;
}

// Where each byte of the chain lives, and whether that is cluster memory.
struct Where {
    const char *addr;
    bool in_cluster;
};
std::vector<Where> where_of(struct mbuf *m) {
    std::vector<Where> v;
    for (struct mbuf *x : mbufs_of(m))
        for (int i = 0; i < x->m_len; ++i) v.push_back({x->m_data + i, (x->m_flags & M_EXT) != 0});
    return v;
}

// The buffer an mbuf's data may occupy (spec/mbuf.md, Conventions).
std::pair<const char *, const char *> buffer_of(const struct mbuf *m) {
    if (m->m_flags & M_EXT) return {m->m_ext.ext_buf, m->m_ext.ext_buf + m->m_ext.ext_size};
    if (m->m_flags & M_PKTHDR) return {m->m_pktdat, m->m_dat + MLEN};
    return {m->m_dat, m->m_dat + MLEN};
}

// A snapshot of a chain's visible fields, for "nothing changed".
struct Shape {
    struct mbuf *addr;
    struct mbuf *next;
    char *data;
    int32_t len;
    int16_t type, flags;
    int32_t pkthdr_len;
    bool operator==(const Shape &) const = default;
};
std::vector<Shape> shape_of(struct mbuf *m) {
    std::vector<Shape> v;
    for (struct mbuf *x : mbufs_of(m))
        v.push_back({x, x->m_next, x->m_data, x->m_len, x->m_type, x->m_flags,
                     (x->m_flags & M_PKTHDR) ? x->m_pkthdr.len : -1});
    return v;
}

struct ifnet *fake_ifp(uint32_t k) {
    // Never dereferenced by the stack (MBUF-PKTHDR-003, MBUF-DEVGET-001).
    return reinterpret_cast<struct ifnet *>(static_cast<uintptr_t>(0x100000u + (k & 0xfff) * 64));
}

// ---------------------------------------------------------------------------
// The model.

struct Hdr {
    int32_t csum_flags = 0, csum_data = 0;
    uint16_t vlan_tag = 0;
    struct ifnet *rcvif = nullptr;
    std::optional<int16_t> flags;  // M_COPYFLAGS bits of the first mbuf, when specified
};

struct Chain {
    std::string name;
    Bytes bytes;
    bool hdr = false;
    Hdr h;
    std::optional<int16_t> type;  // every mbuf has this type, when specified
};

constexpr int16_t kCopyFlags = static_cast<int16_t>(M_COPYFLAGS);

// Everything a case owns.  The destructor frees what is left, so a failing
// case (RC_ASSERT throws) does not leak into the next one.
struct World {
    std::vector<Chain> model;
    std::vector<struct mbuf *> sut;
    nke_counters base = nke::test::counters();
    int next_name = 0;

    World() = default;
    World(const World &) = delete;
    World &operator=(const World &) = delete;
    ~World() {
        if (nke::test::harness().fail_alloc) nke::test::harness().fail_alloc(0, 0);
        for (struct mbuf *m : sut) m_freem(m);
    }

    size_t add(struct mbuf *m, Chain c) {
        c.name = "c" + std::to_string(next_name++);
        model.push_back(std::move(c));
        sut.push_back(m);
        return sut.size() - 1;
    }
    void erase(size_t i) {
        model.erase(model.begin() + static_cast<long>(i));
        sut.erase(sut.begin() + static_cast<long>(i));
    }
    const std::string &name(size_t i) const { return model[i].name; }
    void note(const std::string &line) {
        RC_LOG() << line << "\n";
    }
};

// Every invariant, for every live chain (the heart of the property).
void check_world(World &w, const std::string &after) {
    const std::string ctx = " (after " + after + ")";
    std::map<const char *, int> cluster_refs;  // ext_buf -> mbufs referring to it
    uint64_t total_mbufs = 0;
    std::set<struct mbuf *> seen;
    for (size_t i = 0; i < w.sut.size(); ++i) {
        const Chain &c = w.model[i];
        const std::string who = c.name + ctx;
        struct mbuf *head = w.sut[i];
        require(head != nullptr, who + ": chain lost");
        const auto ms = mbufs_of(head);
        total_mbufs += ms.size();
        int32_t sum = 0;
        for (size_t k = 0; k < ms.size(); ++k) {
            struct mbuf *x = ms[k];
            require(seen.insert(x).second, who + ": an mbuf belongs to two chains");
            sum += x->m_len;
            const auto [lo, hi] = buffer_of(x);
            require(x->m_data >= lo && x->m_data + x->m_len <= hi,
                    who + ": mbuf " + std::to_string(k) + " has data outside its buffer");
            if (k > 0) require(!(x->m_flags & M_PKTHDR), who + ": M_PKTHDR on mbuf " + std::to_string(k) + " (MBUF-PKTHDR-002)");
            if (x->m_flags & M_EXT) ++cluster_refs[x->m_ext.ext_buf];
            if (c.type) require(x->m_type == *c.type, who + ": mbuf " + std::to_string(k) + " has type " + std::to_string(x->m_type) + ", expected " + std::to_string(*c.type));
        }
        const Bytes got = bytes_of(head);
        if (got != c.bytes) {
            size_t at = 0;
            while (at < got.size() && at < c.bytes.size() && got[at] == c.bytes[at]) ++at;
            fail(who + ": bytes differ from the model at offset " + std::to_string(at) +
                 " (chain has " + std::to_string(got.size()) + " bytes, model " +
                 std::to_string(c.bytes.size()) + ")");
        }
        require(m_length(head) == sum, who + ": m_length != Σ m_len (MBUF-SPACE-003)");
        if (c.hdr) {
            require(head->m_flags & M_PKTHDR, who + ": the packet header is gone");
            require(head->m_pkthdr.len == sum,
                    who + ": m_pkthdr.len " + std::to_string(head->m_pkthdr.len) + " != Σ m_len " +
                        std::to_string(sum) + " (MBUF-PKTHDR-001)");
            require(head->m_pkthdr.csum_flags == c.h.csum_flags &&
                        head->m_pkthdr.csum_data == c.h.csum_data &&
                        head->m_pkthdr.vlan_tag == c.h.vlan_tag && head->m_pkthdr.rcvif == c.h.rcvif,
                    who + ": packet header fields not carried (MBUF-PKTHDR-003/004)");
            require(head->m_pkthdr.aux == nullptr, who + ": an aux chain appeared");
            if (c.h.flags)
                require((head->m_flags & kCopyFlags & ~M_PKTHDR) == *c.h.flags,
                        who + ": M_COPYFLAGS of the header not carried (MBUF-PKTHDR-004)");
        } else {
            require(!(head->m_flags & M_PKTHDR), who + ": a plain chain gained M_PKTHDR");
        }
    }
    // Sharing as seen from the ABI.
    for (size_t i = 0; i < w.sut.size(); ++i) {
        for (struct mbuf *x : mbufs_of(w.sut[i])) {
            const std::string who = w.model[i].name + ctx;
            const bool shared = (x->m_flags & M_EXT) && cluster_refs[x->m_ext.ext_buf] > 1;
            require(m_mclhasreference(x) == (shared ? 1 : 0),
                    who + ": m_mclhasreference disagrees with the sharing seen (MBUF-CLUSTER-005)");
            const auto [lo, hi] = buffer_of(x);
            const int lead = shared ? 0 : static_cast<int>(x->m_data - lo);
            const int trail = shared ? 0 : static_cast<int>(hi - (x->m_data + x->m_len));
            require(m_leadingspace(x) == lead, who + ": m_leadingspace " + std::to_string(m_leadingspace(x)) + ", expected " + std::to_string(lead) + " (MBUF-SPACE-001)");
            require(m_trailingspace(x) == trail, who + ": m_trailingspace " + std::to_string(m_trailingspace(x)) + ", expected " + std::to_string(trail) + " (MBUF-SPACE-002)");
        }
    }
    const nke_counters now = nke::test::counters();
    require(now.mbufs == w.base.mbufs + total_mbufs,
            "live mbufs " + std::to_string(now.mbufs - w.base.mbufs) + " != " +
                std::to_string(total_mbufs) + " reachable from the live chains" + ctx +
                " (MBUF-COUNT-001)");
    require(now.clusters == w.base.clusters + cluster_refs.size(),
            "live clusters " + std::to_string(now.clusters - w.base.clusters) + " != " +
                std::to_string(cluster_refs.size()) + " distinct clusters reachable" + ctx +
                " (MBUF-COUNT-002, MBUF-CLUSTER-006)");
}

// ---------------------------------------------------------------------------
// Allocation-failure injection around one call.

struct Injection {
    bool armed = false, persistent = false, hit = false;
    uint64_t nth = 0;
    uint64_t failed_before = 0;

    Injection(uint8_t code, bool allowed) {
        if (code == 0 || !allowed || nke::test::harness().fail_alloc == nullptr) return;
        armed = true;
        nth = std::max(1, code & 3);  // mostly the first attempt
        persistent = (code & 4) != 0;
    }
    void arm() {
        if (!armed) return;
        failed_before = nke::test::counters().allocs_failed;
        nke::test::harness().fail_alloc(nth, persistent ? 1 : 0);
    }
    void disarm() {
        if (!armed) return;
        nke::test::harness().fail_alloc(0, 0);
        hit = nke::test::counters().allocs_failed > failed_before;
    }
    std::string describe() const {
        if (!armed) return "";
        return std::string(" [fail alloc #") + std::to_string(nth) +
               (persistent ? " persistently" : "") + (hit ? ", hit]" : ", not reached]");
    }
    // The call failed: only acceptable if an injected failure was reached.
    void check_failure_allowed(const std::string &what, const char *rule) const {
        require(hit, what + " failed although no allocation failed (" + rule + ")");
    }
    // The call succeeded: not acceptable after a persistent failure was reached.
    void check_success_allowed(const std::string &what) const {
        require(!(hit && persistent),
                what + " succeeded although every allocation failed persistently (MBUF-ALLOC-008)");
    }
};

// Frees a chain returned by a call until the World takes it, so that a
// failing check does not leak it.
struct Guard {
    struct mbuf *m;
    explicit Guard(struct mbuf *x) : m(x) {}
    Guard(const Guard &) = delete;
    Guard &operator=(const Guard &) = delete;
    ~Guard() { m_freem(m); }
    struct mbuf *release() { return std::exchange(m, nullptr); }
};

int how_of(uint32_t raw) { return (raw & 1) ? M_WAIT : M_DONTWAIT; }

// Raw number -> [lo, hi].
int in_range(uint32_t raw, int lo, int hi) {
    if (hi < lo) return lo;
    return lo + static_cast<int>(raw % static_cast<uint32_t>(hi - lo + 1));
}

// ---------------------------------------------------------------------------
// Operations.

void op_build(World &w, const Op &op) {
    const bool hdr = op.a & 1;
    const int16_t type = (op.a & 6) == 2 ? MT_HEADER : (op.a & 6) == 4 ? MT_OOBDATA : MT_DATA;
    Chain c;
    c.hdr = hdr;
    c.type = type;
    struct mbuf *top = nullptr, **link = &top;
    std::ostringstream desc;
    desc << w.name(w.add(nullptr, Chain{})) << " = build(" << (hdr ? "pkthdr" : "plain")
         << ", type " << type << ":";
    const size_t slot = w.sut.size() - 1;
    uint32_t seed = op.b;
    for (size_t k = 0; k < op.segs.size(); ++k) {
        const Seg &s = op.segs[k];
        const bool first = k == 0;
        const bool h = first && hdr;
        struct mbuf *m = nullptr;
        if (s.shape == 1 && h && type == MT_DATA && (s.lead & 1)) {
            m = m_getpacket();
            require(m != nullptr, "m_getpacket failed with no failure injected (MBUF-ALLOC-003)");
            require(m->m_flags == (M_PKTHDR | M_EXT) && m->m_len == 0 &&
                        m->m_data == m->m_ext.ext_buf && m->m_pkthdr.len == 0,
                    "m_getpacket: wrong fresh mbuf (MBUF-ALLOC-007)");
        } else if (s.shape == 3 && !h) {
            m = m_getclr(how_of(s.lead), type);
            require(m != nullptr, "m_getclr failed with no failure injected (MBUF-ALLOC-003)");
            for (int i = 0; i < MLEN; ++i)
                require(m->m_dat[i] == 0, "m_getclr: data not zeroed (MBUF-ALLOC-006)");
        } else {
            m = h ? m_gethdr(how_of(s.lead), type) : m_get(how_of(s.lead), type);
            require(m != nullptr, "m_get/m_gethdr failed with no failure injected (MBUF-ALLOC-003)");
            require(m->m_next == nullptr && m->m_nextpkt == nullptr && m->m_len == 0 &&
                        m->m_type == type && m->m_flags == (h ? M_PKTHDR : 0) &&
                        m->m_data == (h ? m->m_pktdat : m->m_dat),
                    "m_get/m_gethdr: wrong fresh mbuf (MBUF-ALLOC-001/002)");
            if (h) require(m->m_pkthdr.len == 0 && m->m_pkthdr.rcvif == nullptr, "m_gethdr: header not zeroed (MBUF-ALLOC-002)");
        }
        // Link first, so that a failure below still frees it with the World.
        *link = m;
        link = &m->m_next;
        w.sut[slot] = top;
        int len;
        if (s.shape == 1 && !(m->m_flags & M_EXT)) {
            m_mclget(m, how_of(s.lead));
            require(m->m_flags & M_EXT, "m_mclget attached no cluster with no failure injected (MBUF-CLUSTER-001)");
        }
        if (s.shape == 2) {
            // Data first, then a cluster: the data moves along (MBUF-CLUSTER-003).
            len = in_range(s.len, 0, 100);
            const Bytes b = pattern(seed++, static_cast<size_t>(len));
            std::copy(b.begin(), b.end(), mtod(m, uint8_t *));
            m->m_len = len;
            m_mclget(m, how_of(s.lead));
            require(m->m_flags & M_EXT, "m_mclget attached no cluster (MBUF-CLUSTER-001)");
            require(m->m_len == len && m->m_data == m->m_ext.ext_buf &&
                        std::equal(b.begin(), b.end(), mtod(m, uint8_t *)),
                    "m_mclget lost the data of the mbuf (MBUF-CLUSTER-003)");
            c.bytes.insert(c.bytes.end(), b.begin(), b.end());
            desc << " late-cluster " << len;
            continue;
        }
        const auto [lo, hi] = buffer_of(m);
        const int room = static_cast<int>(hi - m->m_data);
        const int lead = (m->m_flags & M_EXT) ? in_range(s.lead, 0, 255) : in_range(s.lead, 0, room);
        // Mostly short mbufs; now and then a full one.
        const int max_len = room - lead;
        len = (s.len & 0x8000) ? in_range(s.len, 0, max_len) : in_range(s.len, 0, std::min(max_len, 120));
        m->m_data += lead;
        const Bytes b = pattern(seed++, static_cast<size_t>(len));
        std::copy(b.begin(), b.end(), mtod(m, uint8_t *));
        m->m_len = len;
        c.bytes.insert(c.bytes.end(), b.begin(), b.end());
        desc << " " << ((m->m_flags & M_EXT) ? "cluster " : "mbuf ") << len << "@" << lead;
    }
    if (hdr) {
        top->m_pkthdr.len = static_cast<int32_t>(c.bytes.size());
        c.h.csum_flags = static_cast<int32_t>(op.c & 0xffff);
        c.h.csum_data = static_cast<int32_t>(op.c >> 16);
        c.h.vlan_tag = static_cast<uint16_t>(op.d);
        c.h.rcvif = fake_ifp(op.d >> 16);
        const int16_t flags = static_cast<int16_t>((op.d >> 8) & (M_EOR | M_PROTO1 | M_BCAST | M_FRAG | M_LASTFRAG));
        top->m_flags = static_cast<int16_t>(top->m_flags | flags);
        c.h.flags = flags;
        top->m_pkthdr.csum_flags = c.h.csum_flags;
        top->m_pkthdr.csum_data = c.h.csum_data;
        top->m_pkthdr.vlan_tag = c.h.vlan_tag;
        top->m_pkthdr.rcvif = c.h.rcvif;
    }
    c.name = w.model[slot].name;
    w.model[slot] = std::move(c);
    desc << ") -> " << w.model[slot].bytes.size() << " bytes";
    w.note(desc.str());
}

void op_devget(World &w, const Op &op) {
    Injection inj(op.fail, true);
    const bool invalid = (op.a % 16) == 0;
    const int totlen = invalid ? static_cast<int>(op.b % 2) - 1 : 1 + in_range(op.b, 0, (op.a & 16) ? 5000 : 300);
    const int off0 = invalid && (op.b & 2) ? 1 : 0;
    const int len = invalid ? (off0 ? 10 : totlen) : totlen;
    const Bytes src = pattern(op.c, static_cast<size_t>(std::max(len, 1)));
    struct ifnet *ifp = fake_ifp(op.d);
    const auto before = nke::test::counters();
    inj.arm();
    struct mbuf *m = m_devget(reinterpret_cast<const char *>(src.data()), len, off0, ifp);
    inj.disarm();
    Guard guard(m);
    std::ostringstream desc;
    desc << "m_devget(" << len << " bytes, off0 " << off0 << ")" << inj.describe();
    if (invalid) {
        require(m == nullptr, desc.str() + ": invalid arguments accepted (MBUF-DEVGET-003)");
        w.note(desc.str() + " -> NULL");
        return;
    }
    if (m == nullptr) {
        inj.check_failure_allowed(desc.str(), "MBUF-DEVGET-004");
        require(nke::test::counters().mbufs == before.mbufs && nke::test::counters().clusters == before.clusters,
                desc.str() + ": a failed m_devget left mbufs allocated (MBUF-DEVGET-004)");
        w.note(desc.str() + " -> NULL");
        return;
    }
    inj.check_success_allowed(desc.str());
    Chain c;
    c.hdr = true;
    c.bytes = src;
    c.h.rcvif = ifp;
    c.type = MT_DATA;
    require(m->m_flags & M_PKTHDR, desc.str() + ": no packet header (MBUF-DEVGET-001)");
    require(m->m_pkthdr.csum_flags == 0 && m->m_pkthdr.csum_data == 0 && m->m_pkthdr.vlan_tag == 0 &&
                m->m_pkthdr.header == nullptr && m->m_pkthdr.aux == nullptr,
            desc.str() + ": header fields not zero (MBUF-DEVGET-001)");
    const size_t i = w.add(guard.release(), std::move(c));
    w.note(w.name(i) + " = " + desc.str());
}

void op_prepend(World &w, const Op &op) {
    const size_t i = op.a % w.sut.size();
    Chain &c = w.model[i];
    struct mbuf *m = w.sut[i];
    const bool macro = op.b & 1;
    const int cap = c.hdr ? MHLEN : MLEN;
    int len;
    switch ((op.b >> 1) % 8) {
    case 0: len = -1 - static_cast<int>(op.c % 3); break;         // invalid
    case 1: len = cap + 1 + static_cast<int>(op.c % 40); break;   // too long for a new mbuf
    case 2: len = in_range(op.c, 0, cap); break;                  // anything that fits
    default: len = in_range(op.c, 0, 16); break;                  // a header
    }
    Injection inj(op.fail, true);
    const int lead = m_leadingspace(m);
    const auto shape_before = shape_of(m);
    const auto before = nke::test::counters();
    const int16_t head_type = m->m_type;
    std::ostringstream desc;
    desc << (macro ? "M_PREPEND(" : "m_prepend(") << c.name << ", " << len << ")";
    inj.arm();
    struct mbuf *r = macro ? m_prepend_2(m, len, how_of(op.d)) : m_prepend(m, len, how_of(op.d));
    inj.disarm();
    desc << inj.describe();
    w.sut[i] = r;  // the caller now owns r (NULL: the chain was freed)
    const bool in_place = macro && len >= 0 && lead >= len;
    const bool impossible = len < 0 || (len > cap && !in_place);
    if (r == nullptr) {
        if (!impossible) inj.check_failure_allowed(desc.str(), "MBUF-PREPEND-004");
        w.note(desc.str() + " -> NULL, chain freed");
        w.sut[i] = nullptr;
        w.erase(i);
        return;
    }
    require(!impossible, desc.str() + ": succeeded with an impossible length (MBUF-PREPEND-004)");
    if (in_place) {
        require(r == m, desc.str() + ": did not use the leading space (MBUF-PREPEND-003)");
        require(r->m_data == shape_before[0].data - len && r->m_len == shape_before[0].len + len,
                desc.str() + ": m_data/m_len not moved by len (MBUF-PREPEND-003)");
        require(nke::test::counters().mbufs == before.mbufs, desc.str() + ": allocated although the leading space sufficed (MBUF-PREPEND-003)");
    } else {
        inj.check_success_allowed(desc.str());
        require(r != m && r->m_next == m && r->m_len == len && r->m_type == head_type,
                desc.str() + ": not a new mbuf of m's type with m_len == len in front of m (MBUF-PREPEND-001)");
        const auto [lo, hi] = buffer_of(r);
        const int want_off = ((c.hdr ? MHLEN : MLEN) - len) & static_cast<int>(~(sizeof(long) - 1));
        require(!(r->m_flags & M_EXT) && r->m_data - lo == want_off,
                desc.str() + ": data not placed as M_ALIGN/MH_ALIGN would (MBUF-PREPEND-001)");
        (void)hi;
    }
    // The caller writes its header into the new bytes.
    const Bytes b = pattern(op.d, static_cast<size_t>(len));
    std::copy(b.begin(), b.end(), mtod(r, uint8_t *));
    c.bytes.insert(c.bytes.begin(), b.begin(), b.end());
    w.sut[i] = r;
    w.note(desc.str() + (in_place ? " -> in place" : " -> new mbuf"));
}

void op_adj(World &w, const Op &op) {
    const size_t i = op.a % w.sut.size();
    Chain &c = w.model[i];
    const int n = static_cast<int>(c.bytes.size());
    int req;
    switch (op.b % 16) {
    case 0: req = INT_MIN; break;
    case 1: req = INT_MAX; break;
    default: req = in_range(op.c, -(n + 3), n + 3); break;
    }
    const auto shape_before = shape_of(w.sut[i]);
    m_adj(w.sut[i], req);
    const auto shape_after = shape_of(w.sut[i]);
    require(shape_after.size() == shape_before.size(), "m_adj(" + c.name + ", " + std::to_string(req) + ") freed or added an mbuf (MBUF-ADJ-003)");
    for (size_t k = 0; k < shape_after.size(); ++k)
        require(shape_after[k].addr == shape_before[k].addr && shape_after[k].next == shape_before[k].next,
                "m_adj(" + c.name + ", " + std::to_string(req) + ") changed a link (MBUF-ADJ-003)");
    if (req >= 0) {
        const size_t k = std::min(c.bytes.size(), static_cast<size_t>(req));
        c.bytes.erase(c.bytes.begin(), c.bytes.begin() + static_cast<long>(k));
    } else {
        const int64_t t = -static_cast<int64_t>(req);
        const size_t k = static_cast<size_t>(std::min<int64_t>(t, static_cast<int64_t>(c.bytes.size())));
        c.bytes.resize(c.bytes.size() - k);
    }
    w.note("m_adj(" + c.name + ", " + std::to_string(req) + ")");
}

void op_pullup(World &w, const Op &op) {
    const size_t i = op.a % w.sut.size();
    Chain &c = w.model[i];
    struct mbuf *m = w.sut[i];
    const int n = static_cast<int>(c.bytes.size());
    int len;
    switch (op.b % 8) {
    case 0: len = -static_cast<int>(op.c % 2); break;
    case 1: len = n + 1 + static_cast<int>(op.c % 4); break;   // longer than the chain
    case 2: len = MHLEN + 1 + static_cast<int>(op.c % (MLEN - MHLEN)); break;
    default: len = in_range(op.c, 1, std::min(std::max(n, 1), MLEN)); break;
    }
    Injection inj(op.fail, true);
    const auto shape_before = shape_of(m);
    const auto [lo, hi] = buffer_of(m);
    const bool room = !(m->m_flags & M_EXT) && hi - m->m_data >= len;
    std::ostringstream desc;
    desc << "m_pullup(" << c.name << ", " << len << ")";
    inj.arm();
    struct mbuf *r = m_pullup(m, len);
    inj.disarm();
    desc << inj.describe();
    w.sut[i] = r;  // the caller now owns r (NULL: the chain was freed)
    if (len <= 0 || shape_before[0].len >= len) {
        require(r == m && shape_of(r) == shape_before,
                desc.str() + ": changed a chain that was already contiguous (MBUF-PULLUP-002/003)");
        w.note(desc.str() + " -> unchanged");
        return;
    }
    const bool impossible = n < len || (!room && len > MHLEN);
    if (r == nullptr) {
        if (!impossible) {
            require(!room, desc.str() + ": failed although the first mbuf had room (MBUF-PULLUP-005)");
            inj.check_failure_allowed(desc.str(), "MBUF-PULLUP-006");
        }
        w.note(desc.str() + " -> NULL, chain freed");
        w.sut[i] = nullptr;
        w.erase(i);
        return;
    }
    require(!impossible, desc.str() + (n < len ? ": succeeded on a chain shorter than len (MBUF-PULLUP-004)"
                                                : ": succeeded with len > MHLEN needing a new mbuf (MBUF-PULLUP-005)"));
    if (!room) inj.check_success_allowed(desc.str());
    require(r->m_len >= len, desc.str() + ": first mbuf holds " + std::to_string(r->m_len) + " bytes (MBUF-PULLUP-001)");
    if (r != m) c.type.reset();  // the new mbuf's type is not specified
    w.sut[i] = r;
    w.note(desc.str() + (r == m ? " -> same head" : " -> new head"));
}

void op_split(World &w, const Op &op) {
    const size_t i = op.a % w.sut.size();
    Chain &c = w.model[i];
    struct mbuf *m = w.sut[i];
    const int n = static_cast<int>(c.bytes.size());
    int len0;
    switch (op.b % 8) {
    case 0: len0 = -1; break;
    case 1: len0 = n + 1 + static_cast<int>(op.c % 3); break;
    case 2: len0 = n; break;
    default: len0 = in_range(op.c, 0, n); break;
    }
    // A boundary of a plain chain: the byte offsets at which an mbuf starts.
    std::set<struct mbuf *> starts_at_len0;
    {
        int off = 0;
        for (struct mbuf *x : mbufs_of(m)) {
            if (off == len0 && x != m) starts_at_len0.insert(x);
            off += x->m_len;
        }
    }
    Injection inj(op.fail, true);
    const auto shape_before = shape_of(m);
    const auto before = nke::test::counters();
    std::ostringstream desc;
    desc << "m_split(" << c.name << ", " << len0 << ")";
    inj.arm();
    struct mbuf *r = m_split(m, len0, how_of(op.d));
    inj.disarm();
    desc << inj.describe();
    Guard guard(r);
    const bool invalid = len0 < 0 || len0 > n || (len0 == n && !c.hdr);
    if (r == nullptr) {
        if (!invalid) inj.check_failure_allowed(desc.str(), "MBUF-SPLIT-005");
        require(shape_of(m) == shape_before, desc.str() + ": returned NULL but changed the chain (MBUF-SPLIT-003/005)");
        w.note(desc.str() + " -> NULL");
        return;
    }
    require(!invalid, desc.str() + ": succeeded with len0 out of range (MBUF-SPLIT-003/004)");
    inj.check_success_allowed(desc.str());
    const auto after = nke::test::counters();
    require(after.clusters == before.clusters, desc.str() + ": allocated or freed a cluster (MBUF-SPLIT-006)");
    Chain tail;
    tail.hdr = c.hdr;
    tail.bytes.assign(c.bytes.begin() + len0, c.bytes.end());
    c.bytes.resize(static_cast<size_t>(len0));
    tail.type.reset();
    if (c.hdr) {
        require(r->m_flags & M_PKTHDR, desc.str() + ": the tail has no packet header (MBUF-SPLIT-002)");
        require(r->m_pkthdr.csum_flags == 0 && r->m_pkthdr.csum_data == 0 && r->m_pkthdr.vlan_tag == 0 &&
                    r->m_pkthdr.header == nullptr && r->m_pkthdr.aux == nullptr,
                desc.str() + ": the tail's other header fields are not zero (MBUF-SPLIT-002)");
        tail.h.rcvif = c.h.rcvif;  // checked by check_world
        if (len0 == n)
            require(r->m_len == 0 && r->m_next == nullptr && r->m_pkthdr.len == 0,
                    desc.str() + ": not an empty pkthdr mbuf (MBUF-SPLIT-004)");
    } else if (!starts_at_len0.empty()) {
        require(after.mbufs == before.mbufs && starts_at_len0.count(r),
                desc.str() + ": a split at an mbuf boundary allocated (MBUF-SPLIT-007)");
    }
    const size_t j = w.add(guard.release(), std::move(tail));
    w.note(w.name(j) + " = " + desc.str());
}

void op_cat(World &w, const Op &op) {
    if (w.sut.size() < 2) return;
    const size_t i = op.a % w.sut.size();
    size_t j = op.b % (w.sut.size() - 1);
    if (j >= i) ++j;
    const std::string desc = "m_cat(" + w.name(i) + ", " + w.name(j) + ")";
    m_cat(w.sut[i], w.sut[j]);
    Chain &c = w.model[i];
    const Chain &d = w.model[j];
    c.bytes.insert(c.bytes.end(), d.bytes.begin(), d.bytes.end());
    if (!(c.type && d.type && *c.type == *d.type)) c.type.reset();
    w.sut[j] = nullptr;
    w.erase(j);
    w.note(desc);
}

void op_cat_null(World &w, const Op &op) {
    const size_t i = op.a % w.sut.size();
    const auto shape_before = shape_of(w.sut[i]);
    const auto before = nke::test::counters();
    if (op.b & 1) m_cat(w.sut[i], nullptr);
    else m_cat(nullptr, w.sut[i]);
    const std::string desc = (op.b & 1) ? "m_cat(" + w.name(i) + ", NULL)" : "m_cat(NULL, " + w.name(i) + ")";
    require(shape_of(w.sut[i]) == shape_before && nke::test::live_diff(before, nke::test::counters()).empty(),
            desc + " had an effect (MBUF-CAT-006)");
    w.note(desc);
}

void op_copym(World &w, const Op &op) {
    if (w.sut.size() >= kMaxChains) return;
    const size_t i = op.a % w.sut.size();
    const Chain &c = w.model[i];
    struct mbuf *m = w.sut[i];
    const int n = static_cast<int>(c.bytes.size());
    int off, len;
    switch (op.b % 10) {
    case 0: off = -1; len = 1; break;
    case 1: off = in_range(op.c, 0, n); len = -1; break;
    case 2: off = n + 1; len = 0; break;
    case 3: off = in_range(op.c, 0, n); len = n - off + 1 + static_cast<int>(op.d % 3); break;
    case 4: case 5: off = (op.b & 16) ? 0 : in_range(op.c, 0, n); len = M_COPYALL; break;
    default:
        off = (op.b & 16) ? 0 : in_range(op.c, 0, n);
        len = in_range(op.d, 0, n - off);
        break;
    }
    Injection inj(op.fail, true);
    const auto src_shape = shape_of(m);
    const auto src_where = where_of(m);
    const auto before = nke::test::counters();
    std::ostringstream desc;
    desc << "m_copym(" << c.name << ", " << off << ", " << (len == M_COPYALL ? std::string("M_COPYALL") : std::to_string(len)) << ")";
    inj.arm();
    struct mbuf *r = m_copym(m, off, len, how_of(op.d >> 8));
    inj.disarm();
    desc << inj.describe();
    Guard guard(r);
    require(shape_of(m) == src_shape, desc.str() + ": changed the source chain (MBUF-COPYM-001)");
    const bool invalid = off < 0 || (len < 0) || off > n || (len != M_COPYALL && off + len > n);
    const int count = invalid ? 0 : (len == M_COPYALL ? n - off : len);
    if (r == nullptr) {
        if (!invalid && count > 0) inj.check_failure_allowed(desc.str(), "MBUF-COPYM-007");
        require(nke::test::counters().mbufs == before.mbufs && nke::test::counters().clusters == before.clusters,
                desc.str() + ": returned NULL and left mbufs allocated (MBUF-COPYM-003/007/008)");
        w.note(desc.str() + " -> NULL");
        return;
    }
    require(!invalid, desc.str() + ": copied with invalid arguments (MBUF-COPYM-003)");
    require(count > 0, desc.str() + ": a zero-byte copy returned a chain (MBUF-COPYM-008)");
    inj.check_success_allowed(desc.str());
    require(nke::test::counters().clusters == before.clusters, desc.str() + ": allocated a cluster (MBUF-COPYM-004)");
    // Cluster bytes are shared, not copied.
    const auto copy_where = where_of(r);
    require(copy_where.size() == static_cast<size_t>(count), desc.str() + ": wrong number of bytes (MBUF-COPYM-001)");
    for (int k = 0; k < count; ++k) {
        const Where &s = src_where[static_cast<size_t>(off + k)];
        if (s.in_cluster)
            require(copy_where[static_cast<size_t>(k)].addr == s.addr,
                    desc.str() + ": byte " + std::to_string(k) + " of cluster data was copied, not shared (MBUF-COPYM-004)");
    }
    Chain copy;
    copy.bytes.assign(c.bytes.begin() + off, c.bytes.begin() + off + count);
    copy.type = c.type;
    copy.hdr = off == 0 && c.hdr;
    if (copy.hdr) copy.h = c.h;  // every field but len and aux (MBUF-COPYM-005/006)
    const size_t j = w.add(guard.release(), std::move(copy));
    w.note(w.name(j) + " = " + desc.str());
}

void op_copydata(World &w, const Op &op) {
    const size_t i = op.a % w.sut.size();
    const Chain &c = w.model[i];
    const int n = static_cast<int>(c.bytes.size());
    int off, len;
    bool null_cp = false;
    switch (op.b % 8) {
    case 0: off = -1; len = 1; break;
    case 1: off = 0; len = -1; break;
    case 2: off = in_range(op.c, 0, n); len = n - off + 1; break;
    case 3: off = in_range(op.c, 0, n); len = 0; null_cp = true; break;
    case 4: off = 0; len = n > 0 ? 1 : 0; null_cp = len > 0; break;
    default: off = in_range(op.c, 0, n); len = in_range(op.d, 0, n - off); break;
    }
    std::vector<uint8_t> buf(static_cast<size_t>(std::max(len, 0)) + 8, 0xa5);
    const auto shape_before = shape_of(w.sut[i]);
    const int rc = m_copydata(w.sut[i], off, len, null_cp ? nullptr : buf.data());
    const std::string desc = "m_copydata(" + c.name + ", " + std::to_string(off) + ", " +
                             std::to_string(len) + (null_cp ? ", NULL" : "") + ")";
    require(shape_of(w.sut[i]) == shape_before, desc + ": changed the chain (MBUF-COPYDATA-001)");
    const bool invalid = off < 0 || len < 0 || static_cast<int64_t>(off) + len > n || (len > 0 && null_cp);
    if (invalid) {
        require(rc == EINVAL, desc + ": returned " + std::to_string(rc) + ", expected EINVAL (MBUF-COPYDATA-002/003/004)");
        require(std::all_of(buf.begin(), buf.end(), [](uint8_t x) { return x == 0xa5; }),
                desc + ": wrote to cp although it failed (MBUF-COPYDATA-002/003)");
    } else {
        require(rc == 0, desc + ": returned " + std::to_string(rc) + " (MBUF-COPYDATA-001/004)");
        require(std::equal(c.bytes.begin() + off, c.bytes.begin() + off + len, buf.begin()),
                desc + ": copied bytes differ from the model (MBUF-COPYDATA-001)");
        require(std::all_of(buf.begin() + len, buf.end(), [](uint8_t x) { return x == 0xa5; }),
                desc + ": wrote past len bytes (MBUF-COPYDATA-001)");
    }
    w.note(desc + " -> " + std::to_string(rc));
}

void op_copyback(World &w, const Op &op) {
    const size_t i = op.a % w.sut.size();
    Chain &c = w.model[i];
    struct mbuf *m = w.sut[i];
    const int n = static_cast<int>(c.bytes.size());
    int off, len;
    bool null_cp = false;
    switch (op.b % 10) {
    case 0: off = -1; len = 1; break;
    case 1: off = 0; len = -1; break;
    case 2: off = 0; len = 1; null_cp = true; break;
    case 3: off = n + in_range(op.c, 0, 40); len = in_range(op.d, 0, 60); break;           // a gap
    case 4: off = in_range(op.c, 0, n); len = in_range(op.d, 1, (op.d & 0x10000) ? 3000 : 300); break;  // extends
    default:
        off = in_range(op.c, 0, n);
        len = in_range(op.d, 0, n - off);
        break;
    }
    const Bytes src = pattern(op.d ^ 0x5a5a, static_cast<size_t>(std::max(len, 0)));
    Injection inj(op.fail, true);
    const auto shape_before = shape_of(m);
    const auto where = where_of(m);
    const auto before = nke::test::counters();
    std::ostringstream desc;
    desc << "m_copyback(" << c.name << ", " << off << ", " << len << (null_cp ? ", NULL" : "") << ")";
    inj.arm();
    const int rc = m_copyback(m, off, len, null_cp ? nullptr : src.data());
    inj.disarm();
    desc << inj.describe();
    const bool invalid = off < 0 || len < 0 || (null_cp && len > 0);
    const bool extends = !invalid && static_cast<int64_t>(off) + len > n;
    if (invalid || rc != 0) {
        if (invalid)
            require(rc == EINVAL, desc.str() + ": returned " + std::to_string(rc) + ", expected EINVAL (MBUF-COPYBACK-005)");
        else {
            require(rc == ENOBUFS, desc.str() + ": returned " + std::to_string(rc) + " (MBUF-COPYBACK-004)");
            require(extends, desc.str() + ": failed without needing to extend the chain (MBUF-COPYBACK-001)");
            inj.check_failure_allowed(desc.str(), "MBUF-COPYBACK-004");
        }
        require(shape_of(m) == shape_before && nke::test::live_diff(before, nke::test::counters()).empty(),
                desc.str() + ": failed but changed the chain or allocated (MBUF-COPYBACK-004/005)");
        w.note(desc.str() + " -> " + std::to_string(rc));
        return;  // check_world verifies that no byte changed
    }
    if (extends) inj.check_success_allowed(desc.str());
    else {
        require(shape_of(m).size() == shape_before.size() &&
                    nke::test::counters().mbufs == before.mbufs && nke::test::counters().clusters == before.clusters,
                desc.str() + ": added or removed mbufs without extending (MBUF-COPYBACK-001)");
    }
    // In place, also in clusters shared with other chains (MBUF-COPYBACK-006).
    const int in_place = std::max(0, std::min(len, n - off));
    std::map<const char *, uint8_t> written;
    for (int k = 0; k < in_place; ++k) {
        const Where &x = where[static_cast<size_t>(off + k)];
        if (x.in_cluster) written[x.addr] = src[static_cast<size_t>(k)];
    }
    if (extends) c.bytes.resize(static_cast<size_t>(off + len), 0);  // a gap reads as zero (MBUF-COPYBACK-003)
    std::copy(src.begin(), src.end(), c.bytes.begin() + off);
    if (!written.empty()) {
        // Every byte of every chain (this one included: m_cat may have put two
        // views of one cluster into it) that lives at a written address.
        for (size_t j = 0; j < w.sut.size(); ++j) {
            const auto wj = j == i ? where : where_of(w.sut[j]);
            for (size_t k = 0; k < wj.size() && k < w.model[j].bytes.size(); ++k)
                if (wj[k].in_cluster)
                    if (auto it = written.find(wj[k].addr); it != written.end()) w.model[j].bytes[k] = it->second;
        }
    }
    w.note(desc.str() + " -> 0");
}

void op_free(World &w, const Op &op) {
    const size_t i = op.a % w.sut.size();
    w.note("m_freem(" + w.name(i) + ")");
    struct mbuf *m = w.sut[i];
    w.sut[i] = nullptr;
    w.erase(i);
    m_freem(m);
}

void op_free_queue(World &w, const Op &op, bool list) {
    if (w.sut.size() < 2) return;
    const size_t i = op.a % w.sut.size();
    size_t j = op.b % (w.sut.size() - 1);
    if (j >= i) ++j;
    struct mbuf *m = w.sut[i], *n = w.sut[j];
    const std::string ni = w.name(i), nj = w.name(j);
    m->m_nextpkt = n;
    if (list) {
        w.note("m_freem_list(" + ni + " -> " + nj + ")");
        w.sut[i] = w.sut[j] = nullptr;
        w.erase(std::max(i, j));
        w.erase(std::min(i, j));
        const int rc = m_freem_list(m);
        require(rc == 2, "m_freem_list of a two-chain queue returned " + std::to_string(rc) + " (MBUF-FREE-009)");
    } else {
        w.note("m_freem(" + ni + " with m_nextpkt = " + nj + ")");
        w.sut[i] = nullptr;
        w.erase(i);
        m_freem(m);  // must not follow m_nextpkt (MBUF-FREE-007): check_world sees nj intact
    }
}

void run_op(World &w, const Op &op) {
    if (op.kind != Kind::Build && op.kind != Kind::Devget && w.sut.empty()) return;
    switch (op.kind) {
    case Kind::Build:
        if (w.sut.size() < kMaxChains) op_build(w, op);
        break;
    case Kind::Devget:
        if (w.sut.size() < kMaxChains) op_devget(w, op);
        break;
    case Kind::Prepend: op_prepend(w, op); break;
    case Kind::Adj: op_adj(w, op); break;
    case Kind::Pullup: op_pullup(w, op); break;
    case Kind::Split:
        if (w.sut.size() < kMaxChains) op_split(w, op);
        break;
    case Kind::Cat: op_cat(w, op); break;
    case Kind::CatNull: op_cat_null(w, op); break;
    case Kind::Copym: op_copym(w, op); break;
    case Kind::Copydata: op_copydata(w, op); break;
    case Kind::Copyback: op_copyback(w, op); break;
    case Kind::Free: op_free(w, op); break;
    case Kind::FreeNextpkt: op_free_queue(w, op, false); break;
    case Kind::FreeList: op_free_queue(w, op, true); break;
    }
}

void run_program(const std::vector<Op> &ops) {
    World w;
    size_t step = 0;
    for (const Op &op : ops) {
        run_op(w, op);
        check_world(w, "step " + std::to_string(step++));
    }
    // Free everything; the counters must come back (checked by NKE_PROP too).
    while (!w.sut.empty()) {
        struct mbuf *m = w.sut.back();
        w.sut.pop_back();
        w.model.pop_back();
        m_freem(m);
    }
    const nke_counters now = nke::test::counters();
    require(now.mbufs == w.base.mbufs && now.clusters == w.base.clusters,
            "mbufs or clusters left after freeing every chain (MBUF-COUNT-001/002)");
    require(now.mbuf_double_frees == w.base.mbuf_double_frees,
            "a free was refused as a double free (MBUF-FREE-004)");
}

}  // namespace

NKE_PROP(MbufProps, AlgebraMatchesByteModel,
         "MBUF-ALLOC-001", "MBUF-ALLOC-002", "MBUF-ALLOC-003", "MBUF-ALLOC-006", "MBUF-ALLOC-007",
         "MBUF-CLUSTER-001", "MBUF-CLUSTER-003", "MBUF-CLUSTER-005", "MBUF-CLUSTER-006",
         "MBUF-SPACE-001", "MBUF-SPACE-002", "MBUF-SPACE-003",
         "MBUF-PKTHDR-001", "MBUF-PKTHDR-002", "MBUF-PKTHDR-003", "MBUF-PKTHDR-004",
         "MBUF-FREE-001", "MBUF-FREE-003", "MBUF-FREE-007", "MBUF-FREE-009",
         "MBUF-COPYDATA-001", "MBUF-COPYDATA-002", "MBUF-COPYDATA-003", "MBUF-COPYDATA-004",
         "MBUF-COPYBACK-001", "MBUF-COPYBACK-002", "MBUF-COPYBACK-003", "MBUF-COPYBACK-005",
         "MBUF-COPYBACK-006",
         "MBUF-COPYM-001", "MBUF-COPYM-002", "MBUF-COPYM-003", "MBUF-COPYM-004", "MBUF-COPYM-005",
         "MBUF-COPYM-006", "MBUF-COPYM-008",
         "MBUF-ADJ-001", "MBUF-ADJ-002", "MBUF-ADJ-003", "MBUF-ADJ-004",
         "MBUF-PULLUP-001", "MBUF-PULLUP-002", "MBUF-PULLUP-003", "MBUF-PULLUP-004",
         "MBUF-PULLUP-005",
         "MBUF-PREPEND-001", "MBUF-PREPEND-002", "MBUF-PREPEND-003", "MBUF-PREPEND-004",
         "MBUF-CAT-001", "MBUF-CAT-002", "MBUF-CAT-003", "MBUF-CAT-004", "MBUF-CAT-006",
         "MBUF-SPLIT-001", "MBUF-SPLIT-002", "MBUF-SPLIT-003", "MBUF-SPLIT-004", "MBUF-SPLIT-006",
         "MBUF-SPLIT-007", "MBUF-DEVGET-001", "MBUF-DEVGET-003",
         "MBUF-COUNT-001", "MBUF-COUNT-002", "HARN-COUNT-002") {
    run_program(*rc::gen::container<std::vector<Op>>(gen_op(false)).as("program"));
}

NKE_PROP(MbufProps, AlgebraUnderAllocationFailure,
         "MBUF-ALLOC-008", "MBUF-COPYM-007", "MBUF-PULLUP-006", "MBUF-PREPEND-004",
         "MBUF-SPLIT-005", "MBUF-COPYBACK-004", "MBUF-DEVGET-004", "HARN-FAIL-004") {
    NKE_PROP_REQUIRE_HOOK(fail_alloc);
    run_program(*rc::gen::container<std::vector<Op>>(gen_op(true)).as("program"));
}

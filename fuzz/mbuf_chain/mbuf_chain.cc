// mbuf_chain — a differential fuzz target for the mbuf algebra
// (spec/mbuf.md, MBUF-*).
//
// The input decodes (FuzzedDataProvider) into up to kMaxOps operations on
// kSlots chain slots.  Each slot holds a real chain built with the ABI and a
// flat byte model of it (what the chain must contain).  Chains are built from
// plain, pkthdr and cluster mbufs with fuzzer-chosen leading space and
// lengths; the operations are m_prepend / m_prepend_2, m_adj (±), m_pullup,
// m_split, m_cat, m_copym (M_COPYALL included), m_copydata, m_copyback,
// m_mclget, m_free / m_freem / m_freem_list, m_devget, m_getpacket, the
// refused frees (double free, interior pointer, foreign memory), bad types
// and armed allocation failures.
//
// Every call's result is predicted from the spec and the model (NULL or not,
// errno, same pointer or not, which chain is freed, whether anything is
// allocated), and after every operation the whole state is checked:
//   - every chain's bytes equal its model (bytes written through a shared
//     cluster are propagated to every chain that maps the same address:
//     MBUF-COPYBACK-006), and aliased storage lies in clusters only;
//   - M_PKTHDR only on a first mbuf; pkthdr.len == sum of m_len; the header
//     fields travel as MBUF-PKTHDR-004 / COPYM-005 / SPLIT-002 say;
//   - every mbuf is MSIZE-aligned, distinct, of a valid type, with its data
//     inside its buffer; clusters are MCLBYTES-aligned stack clusters;
//   - m_length, m_leadingspace, m_trailingspace and m_mclhasreference agree
//     with the structure (sharing is computed from all live chains);
//   - the harness counters `mbufs` and `clusters` equal exactly the number of
//     mbufs and distinct clusters held in the slots, and `mbuf_double_frees`
//     the number of refused frees: nothing leaks, nothing is freed early.
// At the end of each input everything is freed and every live counter must
// be back at its starting value.
#include <fuzzer/FuzzedDataProvider.h>

#include <algorithm>
#include <array>
#include <climits>
#include <cstdint>
#include <cstdlib>
#include <memory>
#include <string>
#include <unordered_map>
#include <unordered_set>
#include <vector>

#include "fdp_writer.hpp"
#include "fuzz_common.hpp"  // last: <nke/mbuf.h> macros

namespace {

using nke::fuzz::counters;
using nke::fuzz::trace;

constexpr int kSlots = 6;
constexpr int kMaxOps = 48;
constexpr int kMaxPieces = 6;
constexpr int64_t kMaxChainBytes = 32 * 1024;  // ops that would grow a chain past this are skipped

// ---------------------------------------------------------------------------
// Decoded operations
// ---------------------------------------------------------------------------

enum class Kind : uint8_t {
    kBuild,
    kDevget,
    kGetpacket,
    kPrepend,
    kAdj,
    kPullup,
    kSplit,
    kCat,
    kCopym,
    kCopydata,
    kCopyback,
    kFreem,
    kFreeHead,
    kFreemList,
    kMclget,
    kDoubleFree,
    kForeignFree,
    kBadType,
    kArmFail,
    kMaxValue = kArmFail,
};

const char *kind_name(Kind k) {
    static const char *names[] = {"build",     "devget",     "getpacket",  "prepend",   "adj",
                                  "pullup",    "split",      "cat",        "copym",     "copydata",
                                  "copyback",  "freem",      "free_head",  "freem_list", "mclget",
                                  "double_free", "foreign_free", "bad_type", "arm_fail"};
    return names[static_cast<int>(k)];
}

// A length or offset argument: small, special, raw, or relative to the
// current length of the chain it applies to (resolved at execution).
struct Len {
    uint8_t mode = 0;  // 0 small, 1 special, 2 raw int32, 3 relative
    int32_t v = 0;
};

constexpr int32_t kSpecials[] = {0,          1,         -1,         MHLEN,     MHLEN + 1,
                                 MLEN,       MLEN + 1,  MINCLSIZE,  MCLBYTES,  MCLBYTES + 1,
                                 M_COPYALL,  INT_MIN,   INT_MAX,    -MLEN,     2 * MCLBYTES,
                                 MHLEN - 1,  MLEN - 1,  -MCLBYTES};
constexpr size_t kNumSpecials = sizeof kSpecials / sizeof kSpecials[0];

struct Piece {
    uint8_t kind = 0;  // 0 m_get, 1 m_getclr, 2 m_get + m_mclget
    uint16_t lead = 0;
    uint16_t len = 0;
};

constexpr int kTypes[] = {MT_DATA, MT_HEADER, MT_OOBDATA, MT_CONTROL, MT_SONAME};
constexpr uint16_t kHdrFlags[] = {0, M_EOR, M_BCAST, M_MCAST | M_PROTO1, M_FRAG | M_FIRSTFRAG,
                                  M_PROTO5 | M_LASTFRAG, M_PROTO2 | M_PROTO3 | M_PROTO4};
constexpr int kBadTypes[] = {MT_FREE, -1, MT_MAX, MT_MAX + 1, 1000, INT_MIN};

struct Op {
    Kind kind = Kind::kBuild;
    uint8_t a = 0, b = 0, c = 0;  // slots
    Len off, len;
    uint8_t variant = 0;          // per-op switch (which call, NULL buffer, ...)
    // build
    bool pkthdr = false, aux = false;
    uint8_t type_idx = 0, flags_idx = 0;
    uint32_t hdr_tag = 0;         // seeds rcvif/header/csum/vlan
    std::vector<Piece> pieces;
    std::vector<uint8_t> seed;    // content seed bytes (build, copyback, devget)
    // arm_fail
    uint8_t nth = 0;
    bool persistent = false;
};

Len decode_len(FuzzedDataProvider &p) {
    Len l;
    l.mode = p.ConsumeIntegralInRange<uint8_t>(0, 3);
    switch (l.mode) {
    case 0: l.v = p.ConsumeIntegralInRange<int32_t>(0, 600); break;
    case 1: l.v = p.ConsumeIntegralInRange<int32_t>(0, kNumSpecials - 1); break;
    case 2: l.v = p.ConsumeIntegral<int32_t>(); break;
    default: l.v = p.ConsumeIntegralInRange<int32_t>(-8, 8); break;
    }
    return l;
}

void encode_len(nke::fuzz::FdpWriter &w, const Len &l) {
    w.range<uint8_t>(0, 3, l.mode);
    switch (l.mode) {
    case 0: w.range<int32_t>(0, 600, l.v); break;
    case 1: w.range<int32_t>(0, kNumSpecials - 1, l.v); break;
    case 2: w.integral<int32_t>(l.v); break;
    default: w.range<int32_t>(-8, 8, l.v); break;
    }
}

std::vector<uint8_t> decode_seed(FuzzedDataProvider &p) {
    const size_t n = p.ConsumeIntegralInRange<size_t>(0, 16);
    return p.ConsumeBytes<uint8_t>(n);
}

void encode_seed(nke::fuzz::FdpWriter &w, const std::vector<uint8_t> &s) {
    w.range<size_t>(0, 16, s.size());
    w.bytes(s.data(), s.size());
}

Op decode(FuzzedDataProvider &p) {
    Op op;
    op.kind = p.ConsumeEnum<Kind>();
    op.a = p.ConsumeIntegralInRange<uint8_t>(0, kSlots - 1);
    switch (op.kind) {
    case Kind::kBuild: {
        op.pkthdr = p.ConsumeBool();
        op.aux = p.ConsumeBool();
        op.type_idx = p.ConsumeIntegralInRange<uint8_t>(0, std::size(kTypes) - 1);
        op.flags_idx = p.ConsumeIntegralInRange<uint8_t>(0, std::size(kHdrFlags) - 1);
        op.hdr_tag = p.ConsumeIntegral<uint32_t>();
        const int n = p.ConsumeIntegralInRange<int>(1, kMaxPieces);
        for (int i = 0; i < n; ++i) {
            Piece pc;
            pc.kind = p.ConsumeIntegralInRange<uint8_t>(0, 2);
            pc.lead = p.ConsumeIntegralInRange<uint16_t>(0, MCLBYTES);
            pc.len = p.ConsumeIntegralInRange<uint16_t>(0, MCLBYTES);
            op.pieces.push_back(pc);
        }
        op.seed = decode_seed(p);
        break;
    }
    case Kind::kDevget:
        op.len = decode_len(p);
        op.variant = p.ConsumeIntegralInRange<uint8_t>(0, 3);  // 0 ok, 1 off0 != 0, 2 NULL buf, 3 fake ifp 2
        op.seed = decode_seed(p);
        break;
    case Kind::kGetpacket: op.len = decode_len(p); op.seed = decode_seed(p); break;
    case Kind::kPrepend:
        op.len = decode_len(p);
        op.variant = p.ConsumeIntegralInRange<uint8_t>(0, 1);  // m_prepend / m_prepend_2
        break;
    case Kind::kAdj:
    case Kind::kPullup: op.len = decode_len(p); break;
    case Kind::kSplit:
        op.b = p.ConsumeIntegralInRange<uint8_t>(0, kSlots - 1);
        op.len = decode_len(p);
        break;
    case Kind::kCat: op.b = p.ConsumeIntegralInRange<uint8_t>(0, kSlots - 1); break;
    case Kind::kCopym:
        op.b = p.ConsumeIntegralInRange<uint8_t>(0, kSlots - 1);
        op.off = decode_len(p);
        op.len = decode_len(p);
        break;
    case Kind::kCopydata:
        op.off = decode_len(p);
        op.len = decode_len(p);
        op.variant = p.ConsumeIntegralInRange<uint8_t>(0, 1);  // 1: cp == NULL
        break;
    case Kind::kCopyback:
        op.off = decode_len(p);
        op.len = decode_len(p);
        op.variant = p.ConsumeIntegralInRange<uint8_t>(0, 1);  // 1: cp == NULL
        op.seed = decode_seed(p);
        break;
    case Kind::kFreem:
        op.b = p.ConsumeIntegralInRange<uint8_t>(0, kSlots - 1);  // linked through m_nextpkt
        op.variant = p.ConsumeIntegralInRange<uint8_t>(0, 1);
        break;
    case Kind::kFreeHead: break;
    case Kind::kFreemList:
        op.b = p.ConsumeIntegralInRange<uint8_t>(0, kSlots - 1);
        op.c = p.ConsumeIntegralInRange<uint8_t>(0, kSlots - 1);
        break;
    case Kind::kMclget: op.variant = p.ConsumeIntegralInRange<uint8_t>(0, 7); break;  // mbuf index
    case Kind::kDoubleFree: op.variant = p.ConsumeIntegralInRange<uint8_t>(0, 1); break;  // m_free / m_freem
    case Kind::kForeignFree: op.variant = p.ConsumeIntegralInRange<uint8_t>(0, 63); break;
    case Kind::kBadType: op.variant = p.ConsumeIntegralInRange<uint8_t>(0, 3 * std::size(kBadTypes) - 1); break;
    case Kind::kArmFail:
        op.nth = p.ConsumeIntegralInRange<uint8_t>(1, 8);
        op.persistent = p.ConsumeBool();
        break;
    }
    return op;
}

void encode(nke::fuzz::FdpWriter &w, const Op &op) {
    w.enumerator(op.kind);
    w.range<uint8_t>(0, kSlots - 1, op.a);
    switch (op.kind) {
    case Kind::kBuild:
        w.boolean(op.pkthdr).boolean(op.aux);
        w.range<uint8_t>(0, std::size(kTypes) - 1, op.type_idx);
        w.range<uint8_t>(0, std::size(kHdrFlags) - 1, op.flags_idx);
        w.integral<uint32_t>(op.hdr_tag);
        w.range<int>(1, kMaxPieces, static_cast<int>(op.pieces.size()));
        for (const auto &pc : op.pieces) {
            w.range<uint8_t>(0, 2, pc.kind);
            w.range<uint16_t>(0, MCLBYTES, pc.lead);
            w.range<uint16_t>(0, MCLBYTES, pc.len);
        }
        encode_seed(w, op.seed);
        break;
    case Kind::kDevget:
        encode_len(w, op.len);
        w.range<uint8_t>(0, 3, op.variant);
        encode_seed(w, op.seed);
        break;
    case Kind::kGetpacket: encode_len(w, op.len); encode_seed(w, op.seed); break;
    case Kind::kPrepend: encode_len(w, op.len); w.range<uint8_t>(0, 1, op.variant); break;
    case Kind::kAdj:
    case Kind::kPullup: encode_len(w, op.len); break;
    case Kind::kSplit: w.range<uint8_t>(0, kSlots - 1, op.b); encode_len(w, op.len); break;
    case Kind::kCat: w.range<uint8_t>(0, kSlots - 1, op.b); break;
    case Kind::kCopym:
        w.range<uint8_t>(0, kSlots - 1, op.b);
        encode_len(w, op.off);
        encode_len(w, op.len);
        break;
    case Kind::kCopydata:
        encode_len(w, op.off);
        encode_len(w, op.len);
        w.range<uint8_t>(0, 1, op.variant);
        break;
    case Kind::kCopyback:
        encode_len(w, op.off);
        encode_len(w, op.len);
        w.range<uint8_t>(0, 1, op.variant);
        encode_seed(w, op.seed);
        break;
    case Kind::kFreem: w.range<uint8_t>(0, kSlots - 1, op.b); w.range<uint8_t>(0, 1, op.variant); break;
    case Kind::kFreeHead: break;
    case Kind::kFreemList:
        w.range<uint8_t>(0, kSlots - 1, op.b);
        w.range<uint8_t>(0, kSlots - 1, op.c);
        break;
    case Kind::kMclget: w.range<uint8_t>(0, 7, op.variant); break;
    case Kind::kDoubleFree: w.range<uint8_t>(0, 1, op.variant); break;
    case Kind::kForeignFree: w.range<uint8_t>(0, 63, op.variant); break;
    case Kind::kBadType: w.range<uint8_t>(0, 3 * std::size(kBadTypes) - 1, op.variant); break;
    case Kind::kArmFail: w.range<uint8_t>(1, 8, op.nth).boolean(op.persistent); break;
    }
}

// ---------------------------------------------------------------------------
// The model
// ---------------------------------------------------------------------------

// Packet-header fields the stack carries but never interprets (MBUF-PKTHDR-003).
struct Hdr {
    struct ifnet *rcvif = nullptr;
    void *header = nullptr;
    int32_t csum_flags = 0, csum_data = 0;
    uint16_t vlan_tag = 0;
    uint16_t flags = 0;       // M_COPYFLAGS bits of the first mbuf, M_PKTHDR excluded
    struct mbuf *aux = nullptr;
};

struct Slot {
    struct mbuf *m = nullptr;
    std::vector<uint8_t> bytes;
    bool pkthdr = false;
    Hdr hdr;                   // meaningful when pkthdr
    int type = -1;             // uniform type of every mbuf, -1 when mixed
    bool live() const { return m != nullptr; }
};

// Fake, never-dereferenced pointers for rcvif and header: if the stack
// dereferenced one, the process would fault (MBUF-PKTHDR-003).
template <class T>
T *fake_ptr(uint32_t tag, unsigned salt) {
    return reinterpret_cast<T *>(static_cast<uintptr_t>(0x10 + 8 * ((tag >> (salt * 4)) & 0xff)));
}

uint8_t content(const std::vector<uint8_t> &seed, size_t i, uint32_t gen) {
    const uint32_t mix = static_cast<uint32_t>(i) * 2654435761u + gen * 40503u;
    const uint8_t s = seed.empty() ? 0 : seed[i % seed.size()];
    return static_cast<uint8_t>((mix >> 13) ^ s);
}

// What a walk of one chain found.
// A run of bytes of one mbuf: where it lies, and where it is in the chain.
struct Seg {
    const uint8_t *p;
    size_t len;
    size_t off;  // offset of its first byte in the chain
    bool ext;    // lies in a cluster
};

struct Walk {
    std::vector<struct mbuf *> mbufs;
    std::vector<Seg> segs;
    size_t bytes = 0;
};

// Bytes written at an address range (for MBUF-COPYBACK-006 propagation).
struct Written {
    const uint8_t *p;
    size_t len;
    const uint8_t *src;
};

const char *buf_start(const struct mbuf *m) {
    if (m->m_flags & M_EXT) return m->m_ext.ext_buf;
    return (m->m_flags & M_PKTHDR) ? m->m_pktdat : m->m_dat;
}
const char *buf_end(const struct mbuf *m) {
    if (m->m_flags & M_EXT) return m->m_ext.ext_buf + m->m_ext.ext_size;
    return m->m_dat + MLEN;
}

class Fuzzer {
public:
    Fuzzer() : start_(counters()) {}

    void run(FuzzedDataProvider &p) {
        for (int n = 0; n < kMaxOps && p.remaining_bytes() > 0; ++n) {
            const Op op = decode(p);
            step(op);
        }
        finish();
    }

    void run_ops(const std::vector<Op> &ops) {
        for (const auto &op : ops) step(op);
        finish();
    }

private:
    Slot slot_[kSlots];
    nke_counters start_;
    uint64_t double_frees_ = 0;  // refused frees so far
    uint32_t gen_ = 1;           // content generation
    uint8_t fail_nth_ = 0;       // armed for the next op
    bool fail_persistent_ = false;
    bool armed_ = false;         // the current op runs with a failure armed

    // ---- helpers -----------------------------------------------------------

    static std::string name(int s) { return "m" + std::to_string(s); }

    int64_t resolve(const Len &l, int64_t cur) const {
        switch (l.mode) {
        case 0: return l.v;
        case 1: return kSpecials[l.v];
        case 2: return l.v;
        default: return cur + l.v;
        }
    }

    static int clamp_int(int64_t v) {
        return static_cast<int>(std::clamp<int64_t>(v, INT_MIN, INT_MAX));
    }

    // Free a slot's chain through the ABI (used to make room; not a checked op).
    void drop(int s) {
        if (!slot_[s].live()) return;
        m_freem(slot_[s].m);
        slot_[s] = Slot{};
    }

    // Every mbuf of every live chain and aux chain; the cluster reference
    // counts by ext_buf.
    std::unordered_map<const char *, int> cluster_refs() const {
        std::unordered_map<const char *, int> refs;
        for (const auto &s : slot_) {
            for (const struct mbuf *m = s.m; m; m = m->m_next)
                if (m->m_flags & M_EXT) ++refs[m->m_ext.ext_buf];
        }
        return refs;
    }

    Walk walk(int s) const {
        Walk w;
        const Slot &sl = slot_[s];
        size_t guard = 0;
        for (struct mbuf *m = sl.m; m; m = m->m_next) {
            FUZZ_CHECK(++guard < 100000, "%s: chain does not end (cycle?)", name(s).c_str());
            w.mbufs.push_back(m);
            if (m->m_len > 0) {
                const bool ext = (m->m_flags & M_EXT) != 0;
                const char *end = buf_end(m);
                FUZZ_CHECK(m->m_data >= buf_start(m) && m->m_data + m->m_len <= end,
                           "%s: mbuf %p data [%p, +%d) outside its buffer [%p, %p)", name(s).c_str(),
                           static_cast<void *>(m), static_cast<void *>(m->m_data), m->m_len,
                           static_cast<const void *>(buf_start(m)), static_cast<const void *>(end));
                w.segs.push_back(Seg{reinterpret_cast<const uint8_t *>(m->m_data), static_cast<size_t>(m->m_len),
                                     w.bytes, ext});
                w.bytes += static_cast<size_t>(m->m_len);
            }
        }
        return w;
    }

    // ---- the global invariant ----------------------------------------------

    [[noreturn]] static void fail_bytes(const char *after, const char *n, size_t i, uint8_t got, uint8_t want) {
        nke::fuzz::fail(__FILE__, __LINE__, "after %s: %s byte %zu is %02x, model %02x", after, n, i, got, want);
    }

    void check_all(const char *after) {
        const auto refs = cluster_refs();
        std::unordered_set<const struct mbuf *> seen;
        struct Range {
            const uint8_t *p;
            size_t len;
            int slot;
            bool ext;
        };
        std::vector<Range> ranges;
        uint64_t mbufs = 0;
        for (int s = 0; s < kSlots; ++s) {
            Slot &sl = slot_[s];
            if (!sl.live()) continue;
            const Walk w = walk(s);
            const std::string nm = name(s);
            const char *n = nm.c_str();
            // Bytes.
            FUZZ_CHECK(w.bytes == sl.bytes.size(), "after %s: %s holds %zu bytes, model %zu", after, n, w.bytes,
                       sl.bytes.size());
            for (const Seg &g : w.segs) {
                if (std::memcmp(g.p, sl.bytes.data() + g.off, g.len) != 0) {
                    size_t i = 0;
                    while (g.p[i] == sl.bytes[g.off + i]) ++i;
                    fail_bytes(after, n, g.off + i, g.p[i], sl.bytes[g.off + i]);
                }
                ranges.push_back(Range{g.p, g.len, s, g.ext});
            }
            FUZZ_CHECK(m_length(sl.m) == static_cast<int>(sl.bytes.size()), "after %s: m_length(%s) %d, model %zu",
                       after, n, m_length(sl.m), sl.bytes.size());
            // Per mbuf.
            for (size_t k = 0; k < w.mbufs.size(); ++k) {
                const struct mbuf *m = w.mbufs[k];
                ++mbufs;
                FUZZ_CHECK(seen.insert(m).second, "after %s: mbuf %p appears twice (%s)", after,
                           static_cast<const void *>(m), n);
                FUZZ_CHECK(reinterpret_cast<uintptr_t>(m) % MSIZE == 0, "after %s: mbuf %p of %s not MSIZE-aligned",
                           after, static_cast<const void *>(m), n);
                FUZZ_CHECK(m->m_type > 0 && m->m_type < MT_MAX, "after %s: %s mbuf %zu has type %d", after, n, k,
                           m->m_type);
                if (sl.type >= 0)
                    FUZZ_CHECK(m->m_type == sl.type, "after %s: %s mbuf %zu has type %d, expected %d", after, n, k,
                               m->m_type, sl.type);
                FUZZ_CHECK(m->m_len >= 0, "after %s: %s mbuf %zu has m_len %d", after, n, k, m->m_len);
                if (k > 0)
                    FUZZ_CHECK(!(m->m_flags & M_PKTHDR), "after %s: %s mbuf %zu (not first) has M_PKTHDR", after,
                               n, k);
                bool shared = false;
                if (m->m_flags & M_EXT) {
                    FUZZ_CHECK(reinterpret_cast<uintptr_t>(m->m_ext.ext_buf) % MCLBYTES == 0 &&
                                   m->m_ext.ext_size == MCLBYTES && m->m_ext.ext_free == nullptr,
                               "after %s: %s mbuf %zu: bad cluster (buf %p size %u)", after, n, k,
                               static_cast<void *>(m->m_ext.ext_buf), m->m_ext.ext_size);
                    shared = refs.at(m->m_ext.ext_buf) > 1;
                }
                auto *mm = const_cast<struct mbuf *>(m);
                const int lead = shared ? 0 : static_cast<int>(m->m_data - buf_start(m));
                const int trail = shared ? 0 : static_cast<int>(buf_end(m) - (m->m_data + m->m_len));
                FUZZ_CHECK(m_leadingspace(mm) == lead, "after %s: m_leadingspace(%s mbuf %zu) %d, expected %d", after,
                           n, k, m_leadingspace(mm), lead);
                FUZZ_CHECK(m_trailingspace(mm) == trail, "after %s: m_trailingspace(%s mbuf %zu) %d, expected %d",
                           after, n, k, m_trailingspace(mm), trail);
                FUZZ_CHECK(m_mclhasreference(mm) == (shared ? 1 : 0),
                           "after %s: m_mclhasreference(%s mbuf %zu) %d, expected %d", after, n, k,
                           m_mclhasreference(mm), shared ? 1 : 0);
            }
            // Packet header.
            const bool has = (sl.m->m_flags & M_PKTHDR) != 0;
            FUZZ_CHECK(has == sl.pkthdr, "after %s: %s M_PKTHDR is %d, expected %d", after, n, has, sl.pkthdr);
            if (has) {
                const auto &h = sl.m->m_pkthdr;
                FUZZ_CHECK(h.len == static_cast<int32_t>(sl.bytes.size()), "after %s: %s pkthdr.len %d, length %zu",
                           after, n, h.len, sl.bytes.size());
                FUZZ_CHECK(h.rcvif == sl.hdr.rcvif && h.header == sl.hdr.header &&
                               h.csum_flags == sl.hdr.csum_flags && h.csum_data == sl.hdr.csum_data &&
                               h.vlan_tag == sl.hdr.vlan_tag,
                           "after %s: %s packet header fields changed (rcvif %p/%p header %p/%p csum %d,%d/%d,%d "
                           "vlan %u/%u)",
                           after, n, static_cast<void *>(h.rcvif), static_cast<void *>(sl.hdr.rcvif), h.header,
                           sl.hdr.header, h.csum_flags, h.csum_data, sl.hdr.csum_flags, sl.hdr.csum_data,
                           h.vlan_tag, sl.hdr.vlan_tag);
                FUZZ_CHECK(h.aux == sl.hdr.aux, "after %s: %s pkthdr.aux %p, expected %p", after, n,
                           static_cast<void *>(h.aux), static_cast<void *>(sl.hdr.aux));
                const uint16_t f = static_cast<uint16_t>(sl.m->m_flags) & (M_COPYFLAGS & ~M_PKTHDR);
                FUZZ_CHECK(f == sl.hdr.flags, "after %s: %s first-mbuf flags %#x, expected %#x", after, n, f,
                           sl.hdr.flags);
                if (sl.hdr.aux) {
                    FUZZ_CHECK(seen.insert(sl.hdr.aux).second, "after %s: aux mbuf %p also in a chain", after,
                               static_cast<void *>(sl.hdr.aux));
                    ++mbufs;
                }
            }
        }
        // Two chains (or two places of one chain) may map the same bytes only
        // inside a shared cluster (MBUF-COPYM-004, MBUF-SPLIT-006).
        std::sort(ranges.begin(), ranges.end(), [](const Range &x, const Range &y) { return x.p < y.p; });
        for (size_t i = 1; i < ranges.size(); ++i) {
            const Range &x = ranges[i - 1], &y = ranges[i];
            if (y.p < x.p + x.len)
                FUZZ_CHECK(x.ext && y.ext, "after %s: %s and %s map the same bytes outside a cluster", after,
                           name(x.slot).c_str(), name(y.slot).c_str());
        }
        const nke_counters c = counters();
        FUZZ_CHECK(c.mbufs == start_.mbufs + mbufs, "after %s: harness counts %llu live mbufs, the chains hold %llu",
                   after, static_cast<unsigned long long>(c.mbufs - start_.mbufs),
                   static_cast<unsigned long long>(mbufs));
        FUZZ_CHECK(c.clusters == start_.clusters + refs.size(),
                   "after %s: harness counts %llu live clusters, the chains hold %zu", after,
                   static_cast<unsigned long long>(c.clusters - start_.clusters), refs.size());
        FUZZ_CHECK(c.mbuf_double_frees == start_.mbuf_double_frees + double_frees_,
                   "after %s: mbuf_double_frees rose by %llu, expected %llu", after,
                   static_cast<unsigned long long>(c.mbuf_double_frees - start_.mbuf_double_frees),
                   static_cast<unsigned long long>(double_frees_));
    }

    // ---- operations ------------------------------------------------------------

    void step(const Op &op) {
        const int a = op.a;
        // An armed failure applies to exactly one operation.
        nke::fuzz::FailAlloc fail(op.kind == Kind::kArmFail ? 0 : fail_nth_, fail_persistent_);
        armed_ = fail.armed();
        fail_nth_ = 0;
        switch (op.kind) {
        case Kind::kBuild: build(op); break;
        case Kind::kDevget: devget(op); break;
        case Kind::kGetpacket: getpacket(op); break;
        case Kind::kPrepend: prepend(op); break;
        case Kind::kAdj: adj(op); break;
        case Kind::kPullup: pullup(op); break;
        case Kind::kSplit: split(op); break;
        case Kind::kCat: cat(op); break;
        case Kind::kCopym: copym(op); break;
        case Kind::kCopydata: copydata(op); break;
        case Kind::kCopyback: copyback(op); break;
        case Kind::kFreem: freem(op); break;
        case Kind::kFreeHead: free_head(a); break;
        case Kind::kFreemList: freem_list(op); break;
        case Kind::kMclget: mclget(op); break;
        case Kind::kDoubleFree: double_free(op); break;
        case Kind::kForeignFree: foreign_free(op); break;
        case Kind::kBadType: bad_type(op); break;
        case Kind::kArmFail:
            fail_nth_ = op.nth;
            fail_persistent_ = op.persistent;
            trace("harness.fail_alloc(%u, %d)  // armed for the next call\n", op.nth, op.persistent);
            break;
        }
        armed_ = false;
        check_all(kind_name(op.kind));
    }

    // A fresh mbuf must look like MBUF-ALLOC-001/002.
    void check_fresh(const struct mbuf *m, int type, bool hdr, const char *what) {
        FUZZ_CHECK(m->m_next == nullptr && m->m_nextpkt == nullptr && m->m_len == 0 && m->m_type == type,
                   "%s: fresh mbuf next %p nextpkt %p len %d type %d (asked %d)", what,
                   static_cast<void *>(m->m_next), static_cast<void *>(m->m_nextpkt), m->m_len, m->m_type, type);
        if (hdr) {
            FUZZ_CHECK(m->m_flags == M_PKTHDR && m->m_data == m->m_pktdat, "%s: flags %#x data %+td", what,
                       m->m_flags, m->m_data - m->m_pktdat);
            static const struct pkthdr zero{};
            FUZZ_CHECK(std::memcmp(&m->m_pkthdr, &zero, sizeof zero) == 0, "%s: packet header not zeroed", what);
        } else {
            FUZZ_CHECK(m->m_flags == 0 && m->m_data == m->m_dat, "%s: flags %#x data %+td", what, m->m_flags,
                       m->m_data - m->m_dat);
        }
    }

    void build(const Op &op) {
        const int s = op.a;
        drop(s);
        const int type = kTypes[op.type_idx];
        const uint32_t gen = gen_++;
        Slot sl;
        sl.type = type;
        sl.pkthdr = op.pkthdr;
        struct mbuf *head = nullptr, *tail = nullptr;
        size_t total = 0;
        trace("%s = build(%s, type %d, %zu mbufs)\n", name(s).c_str(), op.pkthdr ? "pkthdr" : "plain", type,
              op.pieces.size());
        for (size_t i = 0; i < op.pieces.size(); ++i) {
            const Piece &pc = op.pieces[i];
            const bool hdr = op.pkthdr && i == 0;
            struct mbuf *m;
            if (hdr) m = m_gethdr(M_DONTWAIT, type);
            else if (pc.kind == 1) m = m_getclr(M_WAIT, type);
            else m = m_get(M_WAIT, type);
            trace("  %s(%d) -> %p\n", hdr ? "m_gethdr" : pc.kind == 1 ? "m_getclr" : "m_get", type,
                  static_cast<void *>(m));
            if (m == nullptr) {
                FUZZ_CHECK(armed_, "m_get/m_gethdr/m_getclr returned NULL with no failure armed (MBUF-ALLOC-003)");
                m_freem(head);
                return;  // the slot stays empty
            }
            check_fresh(m, type, hdr, "m_get/m_gethdr/m_getclr");
            if (pc.kind == 1 && !hdr) {
                for (int k = 0; k < MLEN; ++k)
                    FUZZ_CHECK(m->m_dat[k] == 0, "m_getclr: data byte %d is %d (MBUF-ALLOC-006)", k, m->m_dat[k]);
            }
            if (pc.kind == 2) {
                struct mbuf *r = m_mclget(m, M_DONTWAIT);
                trace("  m_mclget(%p, M_DONTWAIT) -> %s\n", static_cast<void *>(m),
                      (m->m_flags & M_EXT) ? "cluster" : "no cluster");
                FUZZ_CHECK(r == m, "m_mclget returned %p, not its mbuf %p", static_cast<void *>(r),
                           static_cast<void *>(m));
                if (!(m->m_flags & M_EXT))
                    FUZZ_CHECK(armed_, "m_mclget attached no cluster with no failure armed");
                else
                    FUZZ_CHECK(m->m_data == m->m_ext.ext_buf, "m_mclget: m_data not at the cluster start");
            }
            char *start = const_cast<char *>(buf_start(m));
            const int cap = static_cast<int>(buf_end(m) - start);
            const int lead = pc.lead % (cap + 1);
            const int len = std::min<int>(pc.len, cap - lead);
            m->m_data = start + lead;
            for (int k = 0; k < len; ++k) {
                const uint8_t v = content(op.seed, total + k, gen);
                m->m_data[k] = static_cast<char>(v);
                sl.bytes.push_back(v);
            }
            m->m_len = len;
            trace("  m->m_data = buffer + %d; m->m_len = %d\n", lead, len);
            total += len;
            if (tail) tail->m_next = m;
            else head = m;
            tail = m;
        }
        if (op.pkthdr) {
            Hdr h;
            h.rcvif = fake_ptr<struct ifnet>(op.hdr_tag, 0);
            h.header = fake_ptr<void>(op.hdr_tag, 2);
            h.csum_flags = static_cast<int32_t>(op.hdr_tag & 0xf0f);
            h.csum_data = static_cast<int32_t>(op.hdr_tag >> 7);
            h.vlan_tag = static_cast<uint16_t>(op.hdr_tag >> 16);
            h.flags = kHdrFlags[op.flags_idx];
            head->m_pkthdr.len = static_cast<int32_t>(total);
            head->m_pkthdr.rcvif = h.rcvif;
            head->m_pkthdr.header = h.header;
            head->m_pkthdr.csum_flags = h.csum_flags;
            head->m_pkthdr.csum_data = h.csum_data;
            head->m_pkthdr.vlan_tag = h.vlan_tag;
            head->m_flags = static_cast<int16_t>(head->m_flags | h.flags);
            if (op.aux) {
                struct mbuf *x = m_get(M_DONTWAIT, MT_DATA);
                FUZZ_CHECK(x != nullptr || armed_, "m_get for aux returned NULL with no failure armed");
                if (x) {
                    x->m_len = 4;
                    std::memcpy(x->m_data, "aux!", 4);
                    head->m_pkthdr.aux = x;
                    h.aux = x;
                }
            }
            sl.hdr = h;
        }
        sl.m = head;
        slot_[s] = std::move(sl);
        trace("  -> %s: %zu bytes\n", name(s).c_str(), total);
    }

    void devget(const Op &op) {
        const int s = op.a;
        drop(s);
        const int64_t want = resolve(op.len, 0);
        const int totlen = clamp_int(want);
        const int off0 = op.variant == 1 ? 1 + (op.seed.empty() ? 0 : op.seed[0] % 16) : 0;
        struct ifnet *ifp = fake_ptr<struct ifnet>(op.variant == 3 ? 0x42 : 0x17, 0);
        // The source buffer is exactly as large as the valid lengths need.
        const bool sane = totlen > 0 && totlen <= 3 * MCLBYTES;
        const size_t bufsize = sane ? static_cast<size_t>(totlen) : 16;
        std::unique_ptr<char[]> buf(new char[bufsize]);
        const uint32_t gen = gen_++;
        for (size_t i = 0; i < bufsize; ++i) buf[i] = static_cast<char>(content(op.seed, i, gen));
        const bool null_buf = op.variant == 2;
        if (!sane && totlen > 0) return;  // too large to model cheaply
        const nke_counters before = counters();
        struct mbuf *m = m_devget(null_buf ? nullptr : buf.get(), totlen, off0, ifp);
        trace("%s = m_devget(%s, %d, %d, %p) -> %p\n", name(s).c_str(), null_buf ? "NULL" : "buf", totlen, off0,
              static_cast<void *>(ifp), static_cast<void *>(m));
        if (off0 != 0 || totlen <= 0 || null_buf) {
            FUZZ_CHECK(m == nullptr, "m_devget(off0 %d, totlen %d, buf %s) must return NULL (MBUF-DEVGET-003)",
                       off0, totlen, null_buf ? "NULL" : "ok");
            nke::fuzz::expect_no_leak(before, "by a refused m_devget");
            return;
        }
        if (m == nullptr) {
            FUZZ_CHECK(armed_, "m_devget failed with no failure armed");
            nke::fuzz::expect_no_leak(before, "by a failed m_devget (MBUF-DEVGET-004)");
            return;
        }
        FUZZ_CHECK(m->m_flags & M_PKTHDR, "m_devget: no packet header");
        FUZZ_CHECK(m->m_pkthdr.len == totlen && m->m_pkthdr.rcvif == ifp && m->m_pkthdr.header == nullptr &&
                       m->m_pkthdr.csum_flags == 0 && m->m_pkthdr.csum_data == 0 && m->m_pkthdr.vlan_tag == 0 &&
                       m->m_pkthdr.aux == nullptr,
                   "m_devget: packet header (len %d rcvif %p) not as MBUF-DEVGET-001", m->m_pkthdr.len,
                   static_cast<void *>(m->m_pkthdr.rcvif));
        Slot sl;
        sl.m = m;
        sl.pkthdr = true;
        sl.type = MT_DATA;
        sl.hdr.rcvif = ifp;
        sl.hdr.flags = static_cast<uint16_t>(m->m_flags) & (M_COPYFLAGS & ~M_PKTHDR);  // not specified
        sl.bytes.assign(buf.get(), buf.get() + totlen);
        slot_[s] = std::move(sl);
    }

    void getpacket(const Op &op) {
        const int s = op.a;
        drop(s);
        const nke_counters before = counters();
        struct mbuf *m = m_getpacket();
        trace("%s = m_getpacket() -> %p\n", name(s).c_str(), static_cast<void *>(m));
        if (m == nullptr) {
            FUZZ_CHECK(armed_, "m_getpacket failed with no failure armed");
            nke::fuzz::expect_no_leak(before, "by a failed m_getpacket (MBUF-ALLOC-007)");
            return;
        }
        FUZZ_CHECK(m->m_flags == (M_PKTHDR | M_EXT) && m->m_data == m->m_ext.ext_buf && m->m_len == 0 &&
                       m->m_type == MT_DATA && m->m_next == nullptr,
                   "m_getpacket: flags %#x, data at %+td of the cluster, len %d (MBUF-ALLOC-007)", m->m_flags,
                   m->m_data - m->m_ext.ext_buf, m->m_len);
        static const struct pkthdr zero{};
        FUZZ_CHECK(std::memcmp(&m->m_pkthdr, &zero, sizeof zero) == 0, "m_getpacket: packet header not zeroed");
        FUZZ_CHECK(m_trailingspace(m) == MCLBYTES, "m_getpacket: trailing space %d", m_trailingspace(m));
        const int len = static_cast<int>(std::clamp<int64_t>(resolve(op.len, 0), 0, MCLBYTES));
        const uint32_t gen = gen_++;
        Slot sl;
        sl.m = m;
        sl.pkthdr = true;
        sl.type = MT_DATA;
        for (int i = 0; i < len; ++i) {
            const uint8_t v = content(op.seed, i, gen);
            m->m_data[i] = static_cast<char>(v);
            sl.bytes.push_back(v);
        }
        m->m_len = len;
        m->m_pkthdr.len = len;
        slot_[s] = std::move(sl);
    }

    // Leading space of the first mbuf, from the structure and the sharing
    // computed over all chains (MBUF-SPACE-001).
    int model_leading(const struct mbuf *m) const {
        if (m->m_flags & M_EXT) {
            if (cluster_refs().at(m->m_ext.ext_buf) > 1) return 0;
        }
        return static_cast<int>(m->m_data - buf_start(m));
    }

    void prepend(const Op &op) {
        const int s = op.a;
        Slot &sl = slot_[s];
        const bool two = op.variant == 1;
        const char *fn = two ? "m_prepend_2" : "m_prepend";
        const int len = clamp_int(resolve(op.len, 0));
        const nke_counters before = counters();
        if (!sl.live()) {
            struct mbuf *r = two ? m_prepend_2(nullptr, len, M_DONTWAIT) : m_prepend(nullptr, len, M_DONTWAIT);
            trace("%s(NULL, %d) -> %p\n", fn, len, static_cast<void *>(r));
            FUZZ_CHECK(r == nullptr, "%s(NULL) must return NULL (MBUF-PREPEND-005)", fn);
            nke::fuzz::expect_no_leak(before, "by a prepend to NULL");
            return;
        }
        if (len > 0 && static_cast<int64_t>(sl.bytes.size()) + len > kMaxChainBytes) return;
        struct mbuf *old = sl.m;
        const int lead = model_leading(old);
        const int cap = sl.pkthdr ? MHLEN : MLEN;
        const bool in_place = two && len >= 0 && lead >= len;
        char *old_data = old->m_data;
        const int old_len = old->m_len;
        struct mbuf *r = two ? m_prepend_2(old, len, M_DONTWAIT) : m_prepend(old, len, M_DONTWAIT);
        trace("%s = %s(%s, %d) -> %p  // leading space %d\n", name(s).c_str(), fn, name(s).c_str(), len,
              static_cast<void *>(r), lead);
        const bool impossible = len < 0 || (!in_place && len > cap);
        if (impossible) {
            FUZZ_CHECK(r == nullptr, "%s(len %d, leading %d, pkthdr %d) must fail and free the chain (MBUF-PREPEND-004)",
                       fn, len, lead, sl.pkthdr);
            forget_freed(s);
            return;
        }
        if (r == nullptr) {
            FUZZ_CHECK(armed_ && !in_place, "%s(len %d) returned NULL with %s", fn, len,
                       in_place ? "enough leading space (MBUF-PREPEND-003)" : "no failure armed");
            forget_freed(s);
            return;
        }
        if (in_place) {
            FUZZ_CHECK(r == old && old->m_data == old_data - len && old->m_len == old_len + len,
                       "%s with leading space %d >= %d must prepend in place (MBUF-PREPEND-003)", fn, lead, len);
        } else {
            FUZZ_CHECK(r != old && r->m_next == old && r->m_len == len,
                       "%s: expected a new first mbuf of %d bytes linked to the old one (MBUF-PREPEND-001)", fn, len);
            const char *want = sl.pkthdr ? r->m_pktdat + ((MHLEN - len) & NKE_M_ALIGN_MASK_)
                                         : r->m_dat + ((MLEN - len) & NKE_M_ALIGN_MASK_);
            FUZZ_CHECK(r->m_data == want, "%s: data of the new mbuf at %+td, expected %+td (M_ALIGN/MH_ALIGN)", fn,
                       r->m_data - buf_start(r), want - buf_start(r));
            if (sl.type >= 0)
                FUZZ_CHECK(r->m_type == sl.type, "%s: new mbuf type %d, expected %d", fn, r->m_type, sl.type);
            if (!sl.pkthdr) {
                // Type of the new mbuf = type of the old first mbuf; flags are not specified.
            } else {
                FUZZ_CHECK(!(old->m_flags & M_PKTHDR), "%s: the old first mbuf kept M_PKTHDR", fn);
            }
        }
        // The new bytes are unspecified: give them known values.
        const uint32_t gen = gen_++;
        std::vector<uint8_t> fresh(static_cast<size_t>(len));
        for (int i = 0; i < len; ++i) {
            fresh[i] = content({}, i, gen);
            r->m_data[i] = static_cast<char>(fresh[i]);
        }
        sl.bytes.insert(sl.bytes.begin(), fresh.begin(), fresh.end());
        sl.m = r;
    }

    // The chain of slot s was freed by the call under test.
    void forget_freed(int s) {
        slot_[s] = Slot{};
    }

    void adj(const Op &op) {
        const int s = op.a;
        Slot &sl = slot_[s];
        const int req = clamp_int(resolve(op.len, static_cast<int64_t>(sl.bytes.size())));
        if (!sl.live()) {
            const nke_counters before = counters();
            m_adj(nullptr, req);
            trace("m_adj(NULL, %d)\n", req);
            nke::fuzz::expect_no_leak(before, "by m_adj(NULL) (MBUF-ADJ-005)");
            return;
        }
        const Walk w0 = walk(s);
        m_adj(sl.m, req);
        trace("m_adj(%s, %d)\n", name(s).c_str(), req);
        const size_t n = sl.bytes.size();
        if (req >= 0) {
            const size_t k = std::min<size_t>(n, static_cast<size_t>(req));
            sl.bytes.erase(sl.bytes.begin(), sl.bytes.begin() + static_cast<ptrdiff_t>(k));
        } else {
            const size_t k = std::min<size_t>(n, static_cast<size_t>(-static_cast<int64_t>(req)));
            sl.bytes.resize(n - k);
        }
        const Walk w1 = walk(s);
        FUZZ_CHECK(w0.mbufs == w1.mbufs, "m_adj changed the links of the chain (MBUF-ADJ-003)");
    }

    void pullup(const Op &op) {
        const int s = op.a;
        Slot &sl = slot_[s];
        const int len = clamp_int(resolve(op.len, static_cast<int64_t>(sl.bytes.size())));
        const nke_counters before = counters();
        if (!sl.live()) {
            struct mbuf *r = m_pullup(nullptr, len);
            trace("m_pullup(NULL, %d) -> %p\n", len, static_cast<void *>(r));
            FUZZ_CHECK(r == nullptr, "m_pullup(NULL) must return NULL (MBUF-PULLUP-007)");
            nke::fuzz::expect_no_leak(before, "by m_pullup(NULL)");
            return;
        }
        struct mbuf *old = sl.m;
        const Walk w0 = walk(s);
        const int first = old->m_len;
        const bool can_hold =
            !(old->m_flags & M_EXT) && (old->m_dat + MLEN) - old->m_data >= static_cast<ptrdiff_t>(len);
        struct mbuf *r = m_pullup(old, len);
        trace("%s = m_pullup(%s, %d) -> %p  // first mbuf %d bytes, chain %zu\n", name(s).c_str(), name(s).c_str(),
              len, static_cast<void *>(r), first, sl.bytes.size());
        if (len <= 0 || first >= len) {
            FUZZ_CHECK(r == old, "m_pullup(len %d) with %d contiguous bytes must return the chain (MBUF-PULLUP-002/003)",
                       len, first);
            FUZZ_CHECK(walk(s).mbufs == w0.mbufs, "m_pullup with nothing to do changed the chain");
            return;
        }
        if (static_cast<int64_t>(len) > static_cast<int64_t>(sl.bytes.size())) {
            FUZZ_CHECK(r == nullptr, "m_pullup(len %d) of a %zu-byte chain must fail and free it (MBUF-PULLUP-004)",
                       len, sl.bytes.size());
            forget_freed(s);
            return;
        }
        if (!can_hold && len > MHLEN) {
            FUZZ_CHECK(r == nullptr, "m_pullup(len %d > MHLEN) needing a new mbuf must fail and free (MBUF-PULLUP-005)",
                       len);
            forget_freed(s);
            return;
        }
        if (r == nullptr) {
            FUZZ_CHECK(armed_, "m_pullup(len %d) failed with no failure armed", len);
            forget_freed(s);
            return;
        }
        // `old` may have been freed (emptied mbufs leave the chain): never
        // touch it; the global check finds a stray M_PKTHDR.
        FUZZ_CHECK(r->m_len >= len, "m_pullup(len %d): first mbuf holds %d bytes (MBUF-PULLUP-001)", len, r->m_len);
        sl.m = r;
    }

    void split(const Op &op) {
        const int s = op.a;
        int d = op.b == s ? (s + 1) % kSlots : op.b;
        Slot &sl = slot_[s];
        const int len0 = clamp_int(resolve(op.len, static_cast<int64_t>(sl.bytes.size())));
        drop(d);
        const nke_counters before = counters();
        if (!sl.live()) {
            struct mbuf *r = m_split(nullptr, len0, M_DONTWAIT);
            trace("m_split(NULL, %d) -> %p\n", len0, static_cast<void *>(r));
            FUZZ_CHECK(r == nullptr, "m_split(NULL) must return NULL (MBUF-SPLIT-003)");
            nke::fuzz::expect_no_leak(before, "by m_split(NULL)");
            return;
        }
        const int64_t n = static_cast<int64_t>(sl.bytes.size());
        const Walk w0 = walk(s);
        // A plain chain split at an mbuf boundary allocates nothing (MBUF-SPLIT-007).
        bool boundary = false;
        {
            int64_t acc = 0;
            for (auto *m : w0.mbufs) {
                acc += m->m_len;
                if (acc == len0) boundary = true;
            }
        }
        struct mbuf *r = m_split(sl.m, len0, M_DONTWAIT);
        trace("%s = m_split(%s, %d) -> %p  // chain %lld bytes\n", name(d).c_str(), name(s).c_str(), len0,
              static_cast<void *>(r), static_cast<long long>(n));
        if (len0 < 0 || len0 > n || (len0 == n && !sl.pkthdr)) {
            FUZZ_CHECK(r == nullptr, "m_split(len0 %d) of a %lld-byte %s chain must return NULL (MBUF-SPLIT-003/004)",
                       len0, static_cast<long long>(n), sl.pkthdr ? "pkthdr" : "plain");
            FUZZ_CHECK(walk(s).mbufs == w0.mbufs, "a refused m_split changed the chain");
            nke::fuzz::expect_no_leak(before, "by a refused m_split");
            return;
        }
        if (r == nullptr) {
            FUZZ_CHECK(armed_, "m_split(len0 %d) of a %lld-byte chain failed with no failure armed", len0,
                       static_cast<long long>(n));
            FUZZ_CHECK(walk(s).mbufs == w0.mbufs, "a failed m_split changed the chain (MBUF-SPLIT-005)");
            nke::fuzz::expect_no_leak(before, "by a failed m_split (MBUF-SPLIT-005)");
            return;
        }
        if (!sl.pkthdr && boundary) {
            const nke_counters after = counters();
            FUZZ_CHECK(after.mbufs == before.mbufs && after.clusters == before.clusters,
                       "m_split of a plain chain at an mbuf boundary allocated (MBUF-SPLIT-007)");
        }
        if (len0 == n) {
            FUZZ_CHECK(r->m_len == 0 && r->m_next == nullptr && (r->m_flags & M_PKTHDR) && r->m_pkthdr.len == 0,
                       "m_split at the end of a pkthdr chain must return an empty pkthdr mbuf (MBUF-SPLIT-004)");
        }
        Slot t;
        t.m = r;
        t.type = sl.type;
        t.pkthdr = sl.pkthdr;
        if (sl.pkthdr) {
            FUZZ_CHECK(r->m_flags & M_PKTHDR, "m_split of a pkthdr chain: the tail has no packet header");
            const auto &h = r->m_pkthdr;
            FUZZ_CHECK(h.rcvif == sl.hdr.rcvif && h.header == nullptr && h.csum_flags == 0 && h.csum_data == 0 &&
                           h.vlan_tag == 0 && h.aux == nullptr,
                       "m_split: tail header must carry rcvif only, other fields zero (MBUF-SPLIT-002)");
            t.hdr.rcvif = sl.hdr.rcvif;
            t.hdr.flags = static_cast<uint16_t>(r->m_flags) & (M_COPYFLAGS & ~M_PKTHDR);  // not specified
        }
        t.bytes.assign(sl.bytes.begin() + len0, sl.bytes.end());
        sl.bytes.resize(static_cast<size_t>(len0));
        slot_[d] = std::move(t);
    }

    void cat(const Op &op) {
        const int s = op.a;
        const int d = op.b == s ? (s + 1) % kSlots : op.b;
        Slot &x = slot_[s];
        Slot &y = slot_[d];
        const nke_counters before = counters();
        if (!x.live() || !y.live()) {
            if (!x.live() && !y.live()) return;
            if (!x.live()) {
                m_cat(nullptr, y.m);
                trace("m_cat(NULL, %s)  // the caller keeps %s\n", name(d).c_str(), name(d).c_str());
            } else {
                m_cat(x.m, nullptr);
                trace("m_cat(%s, NULL)\n", name(s).c_str());
            }
            nke::fuzz::expect_no_leak(before, "by m_cat with a NULL chain (MBUF-CAT-006)");
            return;
        }
        if (static_cast<int64_t>(x.bytes.size() + y.bytes.size()) > kMaxChainBytes) return;
        m_cat(x.m, y.m);
        trace("m_cat(%s, %s)  // %zu + %zu bytes\n", name(s).c_str(), name(d).c_str(), x.bytes.size(),
              y.bytes.size());
        x.bytes.insert(x.bytes.end(), y.bytes.begin(), y.bytes.end());
        if (x.type != y.type) x.type = -1;
        y = Slot{};  // its mbufs are x's now (or freed); its aux was freed (MBUF-CAT-003)
    }

    void copym(const Op &op) {
        const int s = op.a;
        const int d = op.b == s ? (s + 1) % kSlots : op.b;
        drop(d);
        Slot &src = slot_[s];
        const int64_t n = static_cast<int64_t>(src.bytes.size());
        const int off = clamp_int(resolve(op.off, n));
        const int len = clamp_int(resolve(op.len, n - off));
        const nke_counters before = counters();
        struct mbuf *r = m_copym(src.m, off, len, M_DONTWAIT);
        trace("%s = m_copym(%s, %d, %s, M_DONTWAIT) -> %p  // chain %lld bytes\n", name(d).c_str(),
              src.live() ? name(s).c_str() : "NULL", off,
              len == M_COPYALL ? "M_COPYALL" : std::to_string(len).c_str(), static_cast<void *>(r),
              static_cast<long long>(n));
        const int64_t count = len == M_COPYALL ? n - off : len;
        const bool bad = !src.live() || off < 0 || len < 0 || off > n || (len != M_COPYALL && int64_t{off} + len > n);
        if (bad || count == 0) {
            FUZZ_CHECK(r == nullptr, "m_copym(off %d, len %d) of a %lld-byte chain must return NULL (MBUF-COPYM-003/008)",
                       off, len, static_cast<long long>(n));
            nke::fuzz::expect_no_leak(before, "by a refused m_copym");
            return;
        }
        if (r == nullptr) {
            FUZZ_CHECK(armed_, "m_copym(off %d, len %d) failed with no failure armed", off, len);
            nke::fuzz::expect_no_leak(before, "by a failed m_copym (MBUF-COPYM-007)");
            return;
        }
        FUZZ_CHECK(counters().clusters == before.clusters, "m_copym allocated a cluster (MBUF-COPYM-004)");
        Slot t;
        t.m = r;
        t.type = src.type;
        t.bytes.assign(src.bytes.begin() + off, src.bytes.begin() + off + count);
        t.pkthdr = off == 0 && src.pkthdr;
        if (t.pkthdr) {
            t.hdr = src.hdr;
            t.hdr.aux = nullptr;  // MBUF-COPYM-006
        }
        slot_[d] = std::move(t);
    }

    void copydata(const Op &op) {
        const int s = op.a;
        Slot &sl = slot_[s];
        if (!sl.live()) return;  // m_copydata(NULL, ...) is not specified
        const int64_t n = static_cast<int64_t>(sl.bytes.size());
        const int off = clamp_int(resolve(op.off, n));
        const int len = clamp_int(resolve(op.len, n - off));
        const bool null_cp = op.variant == 1;
        const bool bad = off < 0 || len < 0 || int64_t{off} + len > n || (len > 0 && null_cp);
        // Exactly the bytes a correct copy may write: an overflow is an ASan report.
        const size_t size = bad ? 8 : static_cast<size_t>(len);
        std::unique_ptr<uint8_t[]> buf(new uint8_t[size ? size : 1]);
        std::memset(buf.get(), 0xa5, size ? size : 1);
        const int rc = m_copydata(sl.m, off, len, null_cp ? nullptr : buf.get());
        trace("m_copydata(%s, %d, %d, %s) -> %s\n", name(s).c_str(), off, len, null_cp ? "NULL" : "buf",
              nke::fuzz::errno_name(rc));
        if (bad) {
            FUZZ_CHECK(rc == EINVAL, "m_copydata(off %d, len %d%s) of %lld bytes returned %d, expected EINVAL",
                       off, len, null_cp ? ", NULL" : "", static_cast<long long>(n), rc);
            for (size_t i = 0; i < size; ++i)
                FUZZ_CHECK(buf[i] == 0xa5, "a refused m_copydata wrote to cp (MBUF-COPYDATA-002/003)");
            return;
        }
        FUZZ_CHECK(rc == 0, "m_copydata(off %d, len %d) of %lld bytes returned %d", off, len,
                   static_cast<long long>(n), rc);
        if (!null_cp && size > 0)
            FUZZ_CHECK(std::memcmp(buf.get(), sl.bytes.data() + off, size) == 0, "m_copydata copied wrong bytes");
    }

    void copyback(const Op &op) {
        const int s = op.a;
        Slot &sl = slot_[s];
        const int64_t n = static_cast<int64_t>(sl.bytes.size());
        int off = clamp_int(resolve(op.off, n));
        int len = clamp_int(resolve(op.len, std::max<int64_t>(0, n - off)));
        // Huge extensions would allocate megabytes; bound them (the rule is
        // the same for any size).
        if (off > 0 && int64_t{off} > n + 4096) off = static_cast<int>(n + off % 4097);
        if (len > 4096) len = 4096 + len % 64;
        const bool null_cp = op.variant == 1;
        const bool valid_len = len >= 0;
        const size_t size = valid_len ? static_cast<size_t>(len) : 0;
        std::unique_ptr<uint8_t[]> data(new uint8_t[size ? size : 1]);
        const uint32_t gen = gen_++;
        for (size_t i = 0; i < size; ++i) data[i] = content(op.seed, i, gen);
        const nke_counters before = counters();
        const bool bad = !sl.live() || off < 0 || len < 0 || (null_cp && len > 0);
        if (!bad && static_cast<int64_t>(off) + len > kMaxChainBytes) return;
        // Which addresses the write reaches in the existing bytes: other chains
        // mapping them see the new bytes (MBUF-COPYBACK-006).
        std::vector<Written> written;
        if (!bad) {
            const size_t lo = static_cast<size_t>(off);
            const size_t hi = static_cast<size_t>(std::min<int64_t>(n, int64_t{off} + len));
            for (const Seg &g : walk(s).segs) {
                const size_t a = std::max(lo, g.off), b = std::min(hi, g.off + g.len);
                if (a < b) written.push_back(Written{g.p + (a - g.off), b - a, data.get() + (a - lo)});
            }
        }
        const int rc = m_copyback(sl.m, off, len, null_cp ? nullptr : data.get());
        trace("m_copyback(%s, %d, %d, %s) -> %s  // chain %lld bytes\n", sl.live() ? name(s).c_str() : "NULL", off,
              len, null_cp ? "NULL" : "data", nke::fuzz::errno_name(rc), static_cast<long long>(n));
        if (bad) {
            FUZZ_CHECK(rc == EINVAL, "m_copyback(off %d, len %d%s) returned %d, expected EINVAL (MBUF-COPYBACK-005)",
                       off, len, null_cp ? ", NULL" : "", rc);
            nke::fuzz::expect_no_leak(before, "by a refused m_copyback");
            return;
        }
        if (rc != 0) {
            FUZZ_CHECK(rc == ENOBUFS && armed_ && int64_t{off} + len > n,
                       "m_copyback(off %d, len %d) of %lld bytes returned %d", off, len, static_cast<long long>(n),
                       rc);
            nke::fuzz::expect_no_leak(before, "by a failed m_copyback (MBUF-COPYBACK-004)");
            return;
        }
        if (int64_t{off} + len > n) sl.bytes.resize(static_cast<size_t>(off + len), 0);  // gap reads zero
        for (int i = 0; i < len; ++i) sl.bytes[static_cast<size_t>(off + i)] = data[static_cast<size_t>(i)];
        propagate(written);
    }

    // Bytes written at `written` addresses appear in every chain that maps them.
    void propagate(const std::vector<Written> &written) {
        if (written.empty()) return;
        for (int t = 0; t < kSlots; ++t) {
            if (!slot_[t].live()) continue;
            auto &model = slot_[t].bytes;
            for (const Seg &g : walk(t).segs) {
                for (const Written &x : written) {
                    const uint8_t *a = std::max(g.p, x.p);
                    const uint8_t *b = std::min(g.p + g.len, x.p + x.len);
                    if (a >= b) continue;
                    const size_t at = g.off + static_cast<size_t>(a - g.p);
                    if (at + static_cast<size_t>(b - a) > model.size()) continue;  // not this chain's bytes
                    std::memcpy(model.data() + at, x.src + (a - x.p), static_cast<size_t>(b - a));
                }
            }
        }
    }

    void freem(const Op &op) {
        const int s = op.a;
        Slot &sl = slot_[s];
        if (!sl.live()) {
            const nke_counters before = counters();
            m_freem(nullptr);
            trace("m_freem(NULL)\n");
            nke::fuzz::expect_no_leak(before, "by m_freem(NULL) (MBUF-FREE-006)");
            return;
        }
        // Optionally queue another chain behind it: m_freem must not follow
        // m_nextpkt (MBUF-FREE-007).
        const int q = op.b;
        const bool link = op.variant == 1 && q != s && slot_[q].live();
        if (link) sl.m->m_nextpkt = slot_[q].m;
        trace("m_freem(%s)%s\n", name(s).c_str(), link ? ("  // m_nextpkt -> " + name(q)).c_str() : "");
        m_freem(sl.m);
        sl = Slot{};
    }

    void free_head(int s) {
        Slot &sl = slot_[s];
        if (!sl.live()) {
            struct mbuf *r = m_free(nullptr);
            trace("m_free(NULL) -> %p\n", static_cast<void *>(r));
            FUZZ_CHECK(r == nullptr, "m_free(NULL) must return NULL (MBUF-FREE-006)");
            return;
        }
        struct mbuf *head = sl.m;
        struct mbuf *next = head->m_next;
        const int first = head->m_len;
        struct mbuf *r = m_free(head);
        trace("%s = m_free(%s) -> %p\n", name(s).c_str(), name(s).c_str(), static_cast<void *>(r));
        FUZZ_CHECK(r == next, "m_free returned %p, not m_next %p (MBUF-FREE-001)", static_cast<void *>(r),
                   static_cast<void *>(next));
        sl.bytes.erase(sl.bytes.begin(), sl.bytes.begin() + static_cast<ptrdiff_t>(first));
        sl.m = r;
        sl.pkthdr = false;  // the aux chain went with the header (MBUF-FREE-002)
        sl.hdr = Hdr{};
        if (!r) sl = Slot{};
    }

    void freem_list(const Op &op) {
        int order[3] = {op.a, op.b, op.c};
        std::vector<int> q;
        for (int s : order)
            if (slot_[s].live() && std::find(q.begin(), q.end(), s) == q.end()) q.push_back(s);
        if (q.empty()) {
            const int r = m_freem_list(nullptr);
            trace("m_freem_list(NULL) -> %d\n", r);
            FUZZ_CHECK(r == 0, "m_freem_list(NULL) returned %d (MBUF-FREE-009)", r);
            return;
        }
        for (size_t i = 0; i < q.size(); ++i)
            slot_[q[i]].m->m_nextpkt = i + 1 < q.size() ? slot_[q[i + 1]].m : nullptr;
        const int r = m_freem_list(slot_[q[0]].m);
        trace("m_freem_list(%s...) -> %d  // %zu chains queued\n", name(q[0]).c_str(), r, q.size());
        FUZZ_CHECK(r == static_cast<int>(q.size()), "m_freem_list freed %d chains, %zu queued (MBUF-FREE-009)", r,
                   q.size());
        for (int s : q) slot_[s] = Slot{};
    }

    void mclget(const Op &op) {
        const int s = op.a;
        Slot &sl = slot_[s];
        const nke_counters before = counters();
        if (!sl.live()) {
            struct mbuf *r = m_mclget(nullptr, M_DONTWAIT);
            trace("m_mclget(NULL) -> %p\n", static_cast<void *>(r));
            FUZZ_CHECK(r == nullptr, "m_mclget(NULL) must return NULL (MBUF-CLUSTER-004)");
            nke::fuzz::expect_no_leak(before, "by m_mclget(NULL)");
            return;
        }
        const Walk w = walk(s);
        struct mbuf *m = w.mbufs[op.variant % w.mbufs.size()];
        const bool had = (m->m_flags & M_EXT) != 0;
        const int16_t flags = m->m_flags;
        const int len = m->m_len;
        struct mbuf *r = m_mclget(m, M_DONTWAIT);
        trace("m_mclget(%s mbuf %zu) -> %s\n", name(s).c_str(), op.variant % w.mbufs.size(),
              r == m ? "same" : "other");
        FUZZ_CHECK(r == m, "m_mclget must return its mbuf");
        FUZZ_CHECK(m->m_len == len, "m_mclget changed m_len (MBUF-CLUSTER-003)");
        if (had) {
            nke::fuzz::expect_no_leak(before, "by m_mclget on an mbuf with a cluster (MBUF-CLUSTER-004)");
            return;
        }
        if (!(m->m_flags & M_EXT)) {
            FUZZ_CHECK(armed_, "m_mclget attached no cluster with no failure armed");
            FUZZ_CHECK(m->m_flags == flags, "a failed m_mclget changed the flags (MBUF-CLUSTER-002)");
            return;
        }
        FUZZ_CHECK(m->m_flags == (flags | M_EXT), "m_mclget changed the flags %#x -> %#x (MBUF-CLUSTER-001)", flags,
                   m->m_flags);
        FUZZ_CHECK(m->m_data == m->m_ext.ext_buf, "m_mclget did not move the data to the cluster start");
    }

    void double_free(const Op &op) {
        const int s = op.a;
        Slot &sl = slot_[s];
        if (!sl.live()) return;
        struct mbuf *head = sl.m;
        free_head(s);
        check_all("free_head (before the double free)");
        const nke_counters before = counters();
        if (op.variant == 0) {
            struct mbuf *r = m_free(head);
            trace("m_free(<freed %p>) -> %p  // double free\n", static_cast<void *>(head), static_cast<void *>(r));
            FUZZ_CHECK(r == nullptr, "m_free of a free mbuf returned %p (MBUF-FREE-004)", static_cast<void *>(r));
        } else {
            m_freem(head);
            trace("m_freem(<freed %p>)  // double free\n", static_cast<void *>(head));
        }
        ++double_frees_;
        nke::fuzz::expect_no_leak(before, "by a double free (MBUF-FREE-004/008)");
    }

    void foreign_free(const Op &op) {
        const int s = op.a;
        Slot &sl = slot_[s];
        const nke_counters before = counters();
        const bool chain = (op.variant & 32) != 0;
        const int k = op.variant & 31;
        struct mbuf *bogus;
        // Either an address inside a live mbuf, or memory the stack never
        // handed out, dressed up as a copy of a real mbuf.
        std::unique_ptr<void, decltype(&std::free)> foreign(std::aligned_alloc(MSIZE, MSIZE), &std::free);
        if (sl.live() && k != 0) {
            bogus = reinterpret_cast<struct mbuf *>(reinterpret_cast<char *>(sl.m) + 8 * k);
        } else {
            std::memset(foreign.get(), 0, MSIZE);
            if (sl.live()) std::memcpy(foreign.get(), sl.m, MSIZE);
            bogus = static_cast<struct mbuf *>(foreign.get());
            bogus->m_next = nullptr;
        }
        if (chain) {
            m_freem(bogus);
            trace("m_freem(<not an mbuf %p>)\n", static_cast<void *>(bogus));
        } else {
            struct mbuf *r = m_free(bogus);
            trace("m_free(<not an mbuf %p>) -> %p\n", static_cast<void *>(bogus), static_cast<void *>(r));
            FUZZ_CHECK(r == nullptr, "m_free of a foreign pointer returned %p (MBUF-FREE-005)", static_cast<void *>(r));
        }
        ++double_frees_;
        nke::fuzz::expect_no_leak(before, "by freeing a foreign pointer (MBUF-FREE-005)");
    }

    void bad_type(const Op &op) {
        const int type = kBadTypes[op.variant % std::size(kBadTypes)];
        const int which = op.variant / static_cast<int>(std::size(kBadTypes));
        const nke_counters before = counters();
        struct mbuf *m = which == 0 ? m_get(M_DONTWAIT, type) : which == 1 ? m_gethdr(M_WAIT, type)
                                                                           : m_getclr(M_DONTWAIT, type);
        trace("%s(%d) -> %p  // invalid type\n", which == 0 ? "m_get" : which == 1 ? "m_gethdr" : "m_getclr", type,
              static_cast<void *>(m));
        FUZZ_CHECK(m == nullptr, "allocation with invalid type %d returned an mbuf (MBUF-ALLOC-004)", type);
        nke::fuzz::expect_no_leak(before, "by an allocation with an invalid type");
    }

    void finish() {
        for (int s = 0; s < kSlots; ++s) {
            if (slot_[s].live()) trace("m_freem(%s)  // end of input\n", name(s).c_str());
            drop(s);
        }
        nke::fuzz::expect_no_leak(start_, "by the input as a whole");
        const nke_counters c = counters();
        FUZZ_CHECK(c.mbuf_double_frees == start_.mbuf_double_frees + double_frees_,
                   "mbuf_double_frees rose by %llu, expected %llu",
                   static_cast<unsigned long long>(c.mbuf_double_frees - start_.mbuf_double_frees),
                   static_cast<unsigned long long>(double_frees_));
    }
};

// ---------------------------------------------------------------------------
// Scripted seeds
// ---------------------------------------------------------------------------

Op mk(Kind k, int a = 0) {
    Op op;
    op.kind = k;
    op.a = static_cast<uint8_t>(a);
    return op;
}
Len small(int v) { return Len{0, v}; }
Len special(int32_t value) {
    for (size_t i = 0; i < kNumSpecials; ++i)
        if (kSpecials[i] == value) return Len{1, static_cast<int32_t>(i)};
    return Len{2, value};
}
Len rel(int d) { return Len{3, d}; }

Op build(int s, bool pkthdr, std::vector<Piece> pieces, bool aux = false, uint32_t tag = 0x12345678) {
    Op op = mk(Kind::kBuild, s);
    op.pkthdr = pkthdr;
    op.aux = aux;
    op.hdr_tag = tag;
    op.flags_idx = pkthdr ? 3 : 0;
    op.pieces = std::move(pieces);
    op.seed = {0x4e, 0x4b, 0x45, static_cast<uint8_t>(s)};
    return op;
}
Op with(Op op, Len off, Len len, uint8_t b = 0, uint8_t variant = 0) {
    op.off = off;
    op.len = len;
    op.b = b;
    op.variant = variant;
    return op;
}

std::vector<std::pair<std::string, std::vector<Op>>> scripts() {
    const Piece plain{0, 0, 100}, full{0, 0, MLEN}, lead{0, 64, 40}, clus{2, 0, 1500}, clus_lead{2, 100, 900},
        empty{0, 0, 0}, clr{1, 8, 16};
    std::vector<std::pair<std::string, std::vector<Op>>> v;
    v.push_back({"build_free", {build(0, true, {plain, clus, empty, lead}, true), mk(Kind::kFreem, 0)}});
    v.push_back({"copym_share_then_copyback",
                 {build(0, true, {plain, clus, clus_lead}), with(mk(Kind::kCopym, 0), small(0), special(M_COPYALL), 1),
                  with(mk(Kind::kCopyback, 1), small(150), small(200)), with(mk(Kind::kCopydata, 0), small(0), rel(0))}});
    v.push_back({"split_cat_roundtrip",
                 {build(0, true, {plain, clus, lead}, true), with(mk(Kind::kSplit, 0), Len{}, small(130), 2),
                  with(mk(Kind::kCat, 0), Len{}, Len{}, 2), with(mk(Kind::kSplit, 0), Len{}, rel(0), 3)}});
    v.push_back({"plain_split_boundary",
                 {build(1, false, {plain, plain, empty, plain}), with(mk(Kind::kSplit, 1), Len{}, small(200), 4),
                  with(mk(Kind::kSplit, 1), Len{}, small(0), 5)}});
    v.push_back({"pullup_paths",
                 {build(0, true, {lead, clus, plain}), with(mk(Kind::kPullup, 0), Len{}, small(100)),
                  build(1, false, {clus_lead, plain}), with(mk(Kind::kPullup, 1), Len{}, special(MHLEN + 1)),
                  build(2, true, {empty, plain, plain}), with(mk(Kind::kPullup, 2), Len{}, rel(1))}});
    v.push_back({"prepend_paths",
                 {build(0, true, {lead, plain}), with(mk(Kind::kPrepend, 0), Len{}, small(32), 0, 1),
                  with(mk(Kind::kPrepend, 0), Len{}, small(100), 0, 1),
                  with(mk(Kind::kPrepend, 0), Len{}, special(MHLEN), 0, 0),
                  with(mk(Kind::kPrepend, 0), Len{}, special(-1), 0, 0)}});
    v.push_back({"adj_both_ways",
                 {build(0, true, {plain, clus, plain}), with(mk(Kind::kAdj, 0), Len{}, small(150)),
                  with(mk(Kind::kAdj, 0), Len{}, small(-1 * 0 + 7)), with(mk(Kind::kAdj, 0), Len{}, special(INT_MIN))}});
    v.push_back({"copym_edges",
                 {build(0, true, {clus, plain}), with(mk(Kind::kCopym, 0), rel(0), special(M_COPYALL), 1),
                  with(mk(Kind::kCopym, 0), small(10), rel(1), 2), with(mk(Kind::kCopym, 0), small(5), small(0), 3),
                  with(mk(Kind::kCopym, 0), small(3), small(500), 4)}});
    v.push_back({"copyback_extend",
                 {build(0, false, {full}), with(mk(Kind::kCopyback, 0), rel(5), small(300)),
                  with(mk(Kind::kCopyback, 0), small(-0 + 2), special(MCLBYTES))}});
    v.push_back({"devget_getpacket",
                 {with(mk(Kind::kDevget, 0), Len{}, special(MCLBYTES + 1)), with(mk(Kind::kGetpacket, 1), Len{}, small(500)),
                  with(mk(Kind::kCat, 0), Len{}, Len{}, 1), with(mk(Kind::kMclget, 0), Len{}, Len{}, 0, 2)}});
    v.push_back({"refused_frees",
                 {build(0, true, {plain, plain}, true), with(mk(Kind::kDoubleFree, 0), Len{}, Len{}, 0, 0),
                  build(1, false, {plain}), with(mk(Kind::kForeignFree, 1), Len{}, Len{}, 0, 3),
                  with(mk(Kind::kForeignFree, 1), Len{}, Len{}, 0, 32), with(mk(Kind::kBadType, 0), Len{}, Len{}, 0, 7)}});
    v.push_back({"freem_list_queue",
                 {build(0, true, {plain}), build(1, false, {clus}), build(2, true, {clr}),
                  with(mk(Kind::kFreem, 0), Len{}, Len{}, 1, 1), [] {
                      Op o = mk(Kind::kFreemList, 1);
                      o.b = 2;
                      o.c = 1;
                      return o;
                  }()}});
    v.push_back({"alloc_failures",
                 {build(0, true, {plain, clus}), [] {
                      Op o = mk(Kind::kArmFail);
                      o.nth = 1;
                      return o;
                  }(),
                  with(mk(Kind::kCopym, 0), small(0), special(M_COPYALL), 1), [] {
                      Op o = mk(Kind::kArmFail);
                      o.nth = 1;
                      o.persistent = true;
                      return o;
                  }(),
                  with(mk(Kind::kCopyback, 0), rel(0), small(400)), [] {
                      Op o = mk(Kind::kArmFail);
                      o.nth = 1;
                      return o;
                  }(),
                  with(mk(Kind::kSplit, 0), Len{}, small(50), 2)}});
    return v;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    FuzzedDataProvider p(data, size);
    Fuzzer f;
    f.run(p);
    return 0;
}

extern "C" int NkeFuzzWriteSeeds(const char *dir) {
    int n = 0;
    for (const auto &[name, ops] : scripts()) {
        nke::fuzz::FdpWriter w;
        for (const auto &op : ops) encode(w, op);
        if (!w.write(std::string(dir) + "/" + name)) return 1;
        // Round trip: the file must decode to the same script and pass.
        const auto bytes = w.finish();
        FuzzedDataProvider p(bytes.data(), bytes.size());
        size_t k = 0;
        while (p.remaining_bytes() > 0 && k < ops.size()) {
            const Op d = decode(p);
            if (d.kind != ops[k].kind || d.a != ops[k].a) {
                std::fprintf(stderr, "seed %s: op %zu does not round-trip\n", name.c_str(), k);
                return 1;
            }
            ++k;
        }
        if (k != ops.size() || p.remaining_bytes() != 0) {
            std::fprintf(stderr, "seed %s: decoded %zu of %zu ops\n", name.c_str(), k, ops.size());
            return 1;
        }
        ++n;
    }
    std::fprintf(stderr, "wrote %d seeds to %s\n", n, dir);
    return 0;
}

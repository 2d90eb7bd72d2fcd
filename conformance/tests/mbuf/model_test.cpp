// spec/mbuf.md — the mbuf algebra against a byte model.  A seeded random
// sequence of operations runs on one pkthdr chain and, in parallel, on a
// std::vector of the bytes the chain must hold; after every step the chain
// must equal the model and satisfy the structural invariants.  The seed is
// fixed so a failure reproduces; the step number and operation are printed.
#include <random>
#include <string>

#include "mbuf_helpers.hpp"

namespace {

using Bytes = std::vector<uint8_t>;

// Structural invariants of a pkthdr chain (MBUF-PKTHDR-001/002 and the
// buffer bounds every operation must respect).
void check_invariants(const struct mbuf *m, const Bytes &model, const std::string &step) {
    ASSERT_NE(m, nullptr) << step;
    ASSERT_TRUE(m->m_flags & M_PKTHDR) << step;
    EXPECT_EQ(m->m_pkthdr.len, static_cast<int>(model.size())) << step << ": pkthdr.len";
    EXPECT_EQ(mbt::bytes(m), model) << step << ": bytes";
    for (const struct mbuf *n = m; n != nullptr; n = n->m_next) {
        if (n != m) {
            EXPECT_FALSE(n->m_flags & M_PKTHDR) << step << ": M_PKTHDR inside the chain";
        }
        ASSERT_GE(n->m_len, 0) << step;
        const char *start;
        const char *end;
        if (n->m_flags & M_EXT) {
            start = n->m_ext.ext_buf;
            end = start + n->m_ext.ext_size;
        } else {
            start = (n->m_flags & M_PKTHDR) ? n->m_pktdat : n->m_dat;
            end = n->m_dat + MLEN;
        }
        EXPECT_GE(n->m_data, start) << step << ": data before the buffer";
        EXPECT_LE(n->m_data + n->m_len, end) << step << ": data past the buffer";
        EXPECT_GE(m_leadingspace(const_cast<struct mbuf *>(n)), 0) << step;
        EXPECT_GE(m_trailingspace(const_cast<struct mbuf *>(n)), 0) << step;
    }
}

Bytes random_bytes(std::mt19937 &rng, int n) {
    Bytes v(static_cast<size_t>(n));
    for (auto &b : v) b = static_cast<uint8_t>(rng());
    return v;
}

// A fresh chain holding `data` (built by m_copyback, which extends with
// mbufs and clusters; the operations then reshape it at random).
struct mbuf *chain_of(const Bytes &data, bool hdr) {
    struct mbuf *m = hdr ? m_gethdr(M_DONTWAIT, MT_DATA) : m_get(M_DONTWAIT, MT_DATA);
    if (m == nullptr) return nullptr;
    if (!data.empty() && m_copyback(m, 0, static_cast<int>(data.size()), data.data()) != 0) {
        m_freem(m);
        return nullptr;
    }
    return m;
}

}  // namespace

NKE_TEST(MbufModel, RandomOperationsMatchAByteModel, "MBUF-PKTHDR-001", "MBUF-PKTHDR-002",
         "MBUF-ADJ-001", "MBUF-ADJ-002", "MBUF-PULLUP-001", "MBUF-PREPEND-001", "MBUF-PREPEND-003",
         "MBUF-CAT-001", "MBUF-SPLIT-001", "MBUF-COPYM-001", "MBUF-COPYBACK-001", "MBUF-COPYBACK-002",
         "MBUF-COPYDATA-001") {
    for (unsigned seed = 1; seed <= 40; ++seed) {
        std::mt19937 rng(seed);
        auto pick = [&](int lo, int hi) { return std::uniform_int_distribution<int>(lo, hi)(rng); };
        Bytes model = random_bytes(rng, pick(0, 3000));
        struct mbuf *m = chain_of(model, true);
        ASSERT_NE(m, nullptr);
        for (int step = 0; step < 150 && !::testing::Test::HasFailure(); ++step) {
            const int len = static_cast<int>(model.size());
            std::string what = "seed " + std::to_string(seed) + " step " + std::to_string(step) + ": ";
            switch (pick(0, 10)) {
            case 0: {  // trim the head
                const int k = pick(0, len + 10);
                what += "m_adj(" + std::to_string(k) + ")";
                m_adj(m, k);
                model.erase(model.begin(), model.begin() + std::min(k, len));
                break;
            }
            case 1: {  // trim the tail
                const int k = pick(0, len + 10);
                what += "m_adj(-" + std::to_string(k) + ")";
                m_adj(m, -k);
                model.resize(static_cast<size_t>(std::max(0, len - k)));
                break;
            }
            case 2: {  // make the head contiguous (fits an mbuf, or already contiguous)
                const int k = pick(1, MHLEN);
                what += "m_pullup(" + std::to_string(k) + ")";
                struct mbuf *r = m_pullup(m, k);
                if (k > len) {
                    EXPECT_EQ(r, nullptr) << what;
                    m = chain_of(model, true);  // the chain was freed: rebuild it
                    ASSERT_NE(m, nullptr);
                } else {
                    ASSERT_NE(r, nullptr) << what;
                    EXPECT_GE(r->m_len, k) << what;
                    m = r;
                }
                break;
            }
            case 3: {  // prepend a header, through M_PREPEND or m_prepend
                const int k = pick(0, 60);
                const Bytes hdr = random_bytes(rng, k);
                const bool two = pick(0, 1) == 1;
                what += (two ? "m_prepend_2(" : "m_prepend(") + std::to_string(k) + ")";
                m = two ? m_prepend_2(m, k, M_DONTWAIT) : m_prepend(m, k, M_DONTWAIT);
                ASSERT_NE(m, nullptr) << what;
                for (int i = 0; i < k; ++i) m->m_data[i] = static_cast<char>(hdr[static_cast<size_t>(i)]);
                model.insert(model.begin(), hdr.begin(), hdr.end());
                break;
            }
            case 4: {  // append another packet
                const Bytes more = random_bytes(rng, pick(0, 2500));
                what += "m_cat(" + std::to_string(more.size()) + ")";
                struct mbuf *n = chain_of(more, pick(0, 1) == 1);
                ASSERT_NE(n, nullptr);
                m_cat(m, n);
                model.insert(model.end(), more.begin(), more.end());
                break;
            }
            case 5: {  // split and join again
                const int at = pick(0, len);
                what += "m_split(" + std::to_string(at) + ") + m_cat";
                struct mbuf *t = m_split(m, at, M_DONTWAIT);
                if (t == nullptr) {
                    EXPECT_EQ(at, len) << what;  // only a split at the very end may give nothing
                } else {
                    EXPECT_EQ(mbt::chain_len(m), at) << what;
                    EXPECT_EQ(mbt::chain_len(t), len - at) << what;
                    m_cat(m, t);
                }
                break;
            }
            case 6: {  // copy a range and compare it
                const int off = pick(0, len);
                const int k = pick(0, len - off);
                what += "m_copym(" + std::to_string(off) + ", " + std::to_string(k) + ")";
                struct mbuf *c = m_copym(m, off, k, M_DONTWAIT);
                if (k == 0) {
                    EXPECT_EQ(c, nullptr) << what;
                } else {
                    ASSERT_NE(c, nullptr) << what;
                    EXPECT_EQ(mbt::bytes(c), Bytes(model.begin() + off, model.begin() + off + k)) << what;
                }
                m_freem(c);
                break;
            }
            case 7: {  // overwrite or extend
                const int off = pick(0, len + 100);
                const Bytes src = random_bytes(rng, pick(0, 1500));
                what += "m_copyback(" + std::to_string(off) + ", " + std::to_string(src.size()) + ")";
                ASSERT_EQ(m_copyback(m, off, static_cast<int>(src.size()), src.data()), 0) << what;
                if (off + src.size() > model.size()) model.resize(off + src.size(), 0);
                std::copy(src.begin(), src.end(), model.begin() + off);
                break;
            }
            case 8: {  // read a range out
                const int off = pick(0, len);
                const int k = pick(0, len - off);
                what += "m_copydata(" + std::to_string(off) + ", " + std::to_string(k) + ")";
                Bytes out(static_cast<size_t>(k));
                ASSERT_EQ(m_copydata(m, off, k, out.data()), 0) << what;
                EXPECT_EQ(out, Bytes(model.begin() + off, model.begin() + off + k)) << what;
                break;
            }
            case 9: {  // share the whole packet with a copy, then keep working on the original
                what += "m_copym(all) kept across the next step";
                struct mbuf *c = m_copym(m, 0, M_COPYALL, M_DONTWAIT);
                const Bytes snapshot = model;
                const int k = pick(1, 40);
                m_adj(m, k);  // must not disturb the copy
                model.erase(model.begin(), model.begin() + std::min(k, len));
                if (c != nullptr) {
                    EXPECT_EQ(mbt::bytes(c), snapshot) << what;
                } else {
                    EXPECT_EQ(len, 0) << what;
                }
                m_freem(c);
                break;
            }
            default: {  // m_length agrees
                what += "m_length";
                EXPECT_EQ(m_length(m), len) << what;
                break;
            }
            }
            check_invariants(m, model, what);
        }
        m_freem(m);
    }
}

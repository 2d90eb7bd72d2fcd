// mbuf workloads (spec/mbuf.md) and their baselines: allocator pairs against
// glibc malloc+free, m_copydata against memcpy, and the header-shaping calls
// of a typical Ethernet/IPv4/TCP packet (14 + 20 + 20 bytes).
#include "workload.hpp"

#include <cstdlib>
#include <cstring>
#include <memory>
#include <new>
#include <stdexcept>
#include <vector>

#include <nke/mbuf.h>  // last: it defines m_* macros

namespace nke::bench {
namespace {

constexpr int kChainBytes = 64 * 1024;
constexpr int kClusters = kChainBytes / MCLBYTES;

// Page-aligned flat buffers.  Both copies write to a page-aligned
// destination and read from a source aligned to at least 2 KiB, so neither
// pays for 4 KiB aliasing between its loads and stores (a destination 16
// bytes past the source, as two consecutive heap blocks would be, slows
// memcpy down by a third on this machine and would flatter m_copydata).
struct FreeDeleter {
    void operator()(char *p) const noexcept { std::free(p); }
};
using Flat = std::unique_ptr<char, FreeDeleter>;
Flat flat(int fill) {
    Flat p(static_cast<char *>(std::aligned_alloc(4096, kChainBytes)));
    if (!p) throw std::bad_alloc();
    std::memset(p.get(), fill, kChainBytes);
    return p;
}

// --- baselines ---------------------------------------------------------------

const Register malloc256{{"baseline/malloc_free_256", "", 0, 2,
                          [] {
                              return loop([] {
                                  void *p = std::malloc(256);
                                  keep(p);
                                  std::free(p);
                              });
                          },
                          "glibc malloc+free of 256 B (the size of an mbuf)"}};

const Register malloc2k{{"baseline/malloc_free_2048", "", 0, 2,
                         [] {
                             return loop([] {
                                 void *p = std::malloc(2048);
                                 keep(p);
                                 std::free(p);
                             });
                         },
                         "glibc malloc+free of 2 KiB (the size of a cluster)"}};

// --- allocator pairs -----------------------------------------------------------

const Register gethdr{{"mbuf/gethdr_freem", "baseline/malloc_free_256", 0, 2,
                       [] {
                           return loop([] {
                               struct mbuf *m = m_gethdr(M_DONTWAIT, MT_DATA);
                               keep(m);
                               m_freem(m);
                           });
                       },
                       "m_gethdr + m_freem (header mbuf)"}};

const Register get{{"mbuf/get_free", "baseline/malloc_free_256", 0, 1,
                    [] {
                        return loop([] {
                            struct mbuf *m = m_get(M_DONTWAIT, MT_DATA);
                            keep(m);
                            m_free(m);
                        });
                    },
                    "m_get + m_free (plain mbuf)"}};

const Register getpacket{{"mbuf/getpacket_freem", "baseline/malloc_free_2048", 0, 2,
                          [] {
                              return loop([] {
                                  struct mbuf *m = m_getpacket();
                                  keep(m);
                                  m_freem(m);
                              });
                          },
                          "m_getpacket + m_freem (header mbuf with a cluster)"}};

const Register mclget{{"mbuf/gethdr_mclget_freem", "baseline/malloc_free_2048", 0, 2,
                       [] {
                           return loop([] {
                               struct mbuf *m = m_gethdr(M_DONTWAIT, MT_DATA);
                               m = m_mclget(m, M_DONTWAIT);
                               keep(m);
                               m_freem(m);
                           });
                       },
                       "m_gethdr + m_mclget + m_freem"}};

// --- m_copydata of a 64 KiB chain ----------------------------------------------

// A packet of 32 full clusters.  With `scatter`, the clusters are taken so
// that no two are adjacent in memory (every other one of 64 fresh
// clusters), as after a while of traffic; without, they come straight from
// the allocator, which usually hands out neighbours.
class ChainCopy final : public Case {
public:
    explicit ChainCopy(bool scatter) : out_(flat(0)) {
        std::vector<struct mbuf *> spare;
        struct mbuf **link = &head_;
        for (int i = 0; i < kClusters; ++i) {
            if (scatter) {
                struct mbuf *skip = m_get(M_DONTWAIT, MT_DATA);
                spare.push_back(m_mclget(skip, M_DONTWAIT));
            }
            struct mbuf *m = i == 0 ? m_gethdr(M_DONTWAIT, MT_DATA) : m_get(M_DONTWAIT, MT_DATA);
            if (m == nullptr || (m = m_mclget(m, M_DONTWAIT)) == nullptr || !(m->m_flags & M_EXT))
                throw std::runtime_error("no cluster");
            std::memset(m->m_data, i, MCLBYTES);
            m->m_len = MCLBYTES;
            *link = m;
            link = &m->m_next;
        }
        head_->m_pkthdr.len = kChainBytes;
        for (struct mbuf *m : spare) m_freem(m);
    }
    ~ChainCopy() override { m_freem(head_); }
    void run(int64_t n) override {
        for (int64_t i = 0; i < n; ++i) {
            m_copydata(head_, 0, kChainBytes, out_.get());
            clobber();
        }
    }

private:
    struct mbuf *head_ = nullptr;
    Flat out_;
};

class FlatCopy final : public Case {
public:
    FlatCopy() : in_(flat(1)), out_(flat(0)) {}
    void run(int64_t n) override {
        for (int64_t i = 0; i < n; ++i) {
            keep(in_.get());
            std::memcpy(out_.get(), in_.get(), kChainBytes);
            clobber();
        }
    }

private:
    Flat in_, out_;
};

// memcpy of the same 64 KiB in 32 calls of 2 KiB.  glibc copies a 64 KiB
// block with `rep movsb` and a 2 KiB one with vector loads and stores, which
// on this machine's CPU is faster; a chain of non-adjacent clusters gets the
// latter, so this is the baseline that does not flatter m_copydata.
class FlatCopyBy2k final : public Case {
public:
    FlatCopyBy2k() : in_(flat(1)), out_(flat(0)) {}
    void run(int64_t n) override {
        for (int64_t i = 0; i < n; ++i) {
            keep(in_.get());
            for (int k = 0; k < kChainBytes; k += MCLBYTES)
                std::memcpy(out_.get() + k, in_.get() + k, MCLBYTES);
            clobber();
        }
    }

private:
    Flat in_, out_;
};

const Register memcpy64k_2k{{"baseline/memcpy_64k_by_2k", "", kChainBytes, 1,
                             [] { return std::make_unique<FlatCopyBy2k>(); },
                             "memcpy of 64 KiB as 32 calls of 2 KiB"}};

const Register memcpy64k{{"baseline/memcpy_64k", "", kChainBytes, 1,
                          [] { return std::make_unique<FlatCopy>(); },
                          "memcpy of 64 KiB between two flat buffers"}};

const Register copydata{{"mbuf/copydata_64k", "baseline/memcpy_64k", kChainBytes, 1,
                         [] { return std::make_unique<ChainCopy>(false); },
                         "m_copydata of a 32-cluster chain, clusters as allocated"}};

const Register copydata_sc{{"mbuf/copydata_64k_scattered", "baseline/memcpy_64k_by_2k", kChainBytes, 1,
                            [] { return std::make_unique<ChainCopy>(true); },
                            "m_copydata of a 32-cluster chain, no two clusters adjacent"}};

// --- header shaping: 14 (Ethernet) + 20 (IPv4) + 20 (TCP) --------------------

// A received frame as a driver that splits headers would hand it up: three
// small mbufs of 14, 20 and 20 bytes, then the 1460-byte payload in a cluster.
struct mbuf *split_header_chain() {
    struct mbuf *eth = m_gethdr(M_DONTWAIT, MT_DATA);
    struct mbuf *ip = m_get(M_DONTWAIT, MT_DATA);
    struct mbuf *tcp = m_get(M_DONTWAIT, MT_DATA);
    struct mbuf *pay = m_mclget(m_get(M_DONTWAIT, MT_DATA), M_DONTWAIT);
    eth->m_len = 14;
    ip->m_len = 20;
    tcp->m_len = 20;
    pay->m_len = 1460;
    eth->m_next = ip;
    ip->m_next = tcp;
    tcp->m_next = pay;
    eth->m_pkthdr.len = 14 + 20 + 20 + 1460;
    return eth;
}

const Register build{{"mbuf/build_14_20_20_freem", "", 0, 1,
                      [] {
                          return loop([] {
                              struct mbuf *m = split_header_chain();
                              keep(m);
                              m_freem(m);
                          });
                      },
                      "build the 14|20|20|1460 chain and free it (pull-up baseline)"}};

const Register pullup{{"mbuf/pullup_14_20_20", "mbuf/build_14_20_20_freem", 0, 1,
                       [] {
                           return loop([] {
                               struct mbuf *m = split_header_chain();
                               m = m_pullup(m, 14 + 20 + 20);
                               keep(m);
                               m_freem(m);
                           });
                       },
                       "the same plus m_pullup(m, 54)"}};

const Register payload{{"mbuf/getpacket_1460_freem", "", 0, 1,
                        [] {
                            return loop([] {
                                struct mbuf *m = m_getpacket();
                                m->m_len = m->m_pkthdr.len = 1460;
                                keep(m);
                                m_freem(m);
                            });
                        },
                        "a 1460-byte payload in a cluster, freed (prepend baseline)"}};

const Register prepend{{"mbuf/prepend_20_20_14", "mbuf/getpacket_1460_freem", 0, 1,
                        [] {
                            return loop([] {
                                struct mbuf *m = m_getpacket();
                                m->m_len = m->m_pkthdr.len = 1460;
                                M_PREPEND(m, 20, M_DONTWAIT);
                                M_PREPEND(m, 20, M_DONTWAIT);
                                M_PREPEND(m, 14, M_DONTWAIT);
                                keep(m);
                                m_freem(m);
                            });
                        },
                        "the same plus M_PREPEND of 20, 20 and 14 bytes"}};

}  // namespace
}  // namespace nke::bench

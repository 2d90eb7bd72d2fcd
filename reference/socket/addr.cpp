// Socket addresses allocated by the stack (spec/socket.md, SOCK-ADDR-*):
// what pru_accept, pru_sockaddr and pru_peeraddr return, and what a
// receive hands to the system-call layer.
#include "core/alloc.hpp"
#include "socket/socket_impl.hpp"

#include <cstdlib>
#include <cstring>

namespace nke::ref::sock {

struct nke_sockaddr *sockaddr_dup(const struct nke_sockaddr *sa) noexcept {
    if (sa == nullptr || sa->sa_len < 2) return nullptr;
    if (!alloc_permitted()) return nullptr;
    // At least a whole struct nke_sockaddr, so that code reading sa_data of
    // a short address stays inside the allocation.
    const size_t size = sa->sa_len < sizeof(nke_sockaddr) ? sizeof(nke_sockaddr) : sa->sa_len;
    auto *copy = static_cast<nke_sockaddr *>(std::calloc(1, size));
    if (copy == nullptr) return nullptr;
    std::memcpy(copy, sa, sa->sa_len);
    return copy;
}

void sockaddr_free(struct nke_sockaddr *sa) noexcept { std::free(sa); }

}  // namespace nke::ref::sock

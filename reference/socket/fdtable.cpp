// Descriptors are indexes into one fixed table of NKE_OPEN_MAX slots, like
// a process's file table whose standard streams (0, 1, 2) are open: the
// first descriptor handed out is NKE_FD_FIRST (3), the lowest free slot is
// always taken (SOCK-SYS-FD-001/002), and a full table means EMFILE.
#include "socket/fdtable.hpp"

#include "core/counters.hpp"

#include <array>

namespace nke::ref::sock {
namespace {

std::array<struct socket *, NKE_OPEN_MAX> g_table{};  // funnel
int g_open = 0;                                       // funnel

}  // namespace

int fd_alloc(struct socket *so) noexcept {
    for (int fd = NKE_FD_FIRST; fd < NKE_OPEN_MAX; ++fd) {
        if (g_table[static_cast<size_t>(fd)] == nullptr) {
            g_table[static_cast<size_t>(fd)] = so;
            ++g_open;
            live_add(Live::descriptors, 1);
            return fd;
        }
    }
    return -1;
}

bool fd_available(int n) noexcept { return g_open + n <= NKE_OPEN_MAX - NKE_FD_FIRST; }

struct socket *fd_get(int fd) noexcept {
    if (fd < NKE_FD_FIRST || fd >= NKE_OPEN_MAX) return nullptr;
    return g_table[static_cast<size_t>(fd)];
}

void fd_release(int fd) noexcept {
    if (fd < NKE_FD_FIRST || fd >= NKE_OPEN_MAX || g_table[static_cast<size_t>(fd)] == nullptr) return;
    g_table[static_cast<size_t>(fd)] = nullptr;
    --g_open;
    live_add(Live::descriptors, -1);
}

}  // namespace nke::ref::sock

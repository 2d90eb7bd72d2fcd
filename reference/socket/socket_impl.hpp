// The socket layer's internal interface (spec/socket.md, SOCK-*).
//
// struct socket, struct sockbuf and struct uio are opaque in the ABI
// (SOCK-OPAQUE-001); this is their only definition.  Every field and every
// function here is guarded by the funnel (socket/funnel.hpp): call with it
// held.  The exported KPI (abi.cpp) and the system-call layer (syscalls*.cpp)
// take it and then call these.
//
// Lifetime of a socket.  A socket is created by socreate (nke_socket,
// nke_socketpair) or sonewconn (a protocol accepting a connection), and
// freed exactly once by sofree_final, which runs sf_sofree, drops
// dom_refs/pr_refs and frees the memory.  What leads there:
//   - the descriptor is closed and no user call is still in flight on the
//     socket (so_usecount == 0): soclose (sf_soclose, abort of queued
//     connections, disconnect, pru_detach, sofree_final);
//   - a queued connection whose listener is closed: soabort;
//   - a creation that fails half-way (pru_attach, sf_sonewconn, accept);
// In-flight calls pin the socket with so_usecount, so a socket is never
// freed under a thread blocked on it: close marks it so_fdclosed, wakes
// every sleeper, and the last call to leave tears it down (SOCK-SYS-CLOSE-*).
#pragma once

#include "socket/funnel.hpp"

#include <sys/socket.h>
#include <sys/types.h>
#include <sys/uio.h>

#include <cstddef>
#include <cstdint>
#include <memory>
#include <new>

#include "core/alloc.hpp"

#include <nke/kext_net.h>
#include <nke/protosw.h>
#include <nke/socket.h>

namespace nke::ref::dom {
class ProtoEntry;
}

// --- the opaque ABI structures ----------------------------------------------

struct sockbuf {
    struct socket *sb_so = nullptr;
    // Records, oldest first, chained through m_nextpkt of their first mbuf;
    // a record is a chain through m_next: [MT_SONAME] [MT_CONTROL...] data...
    struct mbuf *sb_mb = nullptr;
    struct mbuf *sb_lastrecord = nullptr;
    uint32_t sb_cc = 0;     // bytes of every mbuf queued (address and control included)
    uint32_t sb_hiwat = 0;  // the reservation (soreserve, SO_SNDBUF/SO_RCVBUF)
};

// The queue of a listener's pending connections (intrusive, FIFO).
struct SockQueue {
    struct socket *first = nullptr;
    struct socket *last = nullptr;
    int len = 0;
};

struct socket {
    int so_type = 0;
    int so_options = 0;  // SOF_* bits
    int so_state = 0;    // SS_* bits
    int so_error = 0;
    void *so_pcb = nullptr;
    struct protosw *so_proto = nullptr;
    nke::ref::dom::ProtoEntry *so_entry = nullptr;  // the protosw's registry entry

    // Listener side: connections not yet complete, and complete ones that
    // accept can take.
    SockQueue so_incomp;
    SockQueue so_comp;
    int so_qlimit = 0;
    // Connection side: the listener this socket is queued on, and the links.
    struct socket *so_head = nullptr;
    struct socket *so_qprev = nullptr;
    struct socket *so_qnext = nullptr;

    struct sockbuf so_rcv;
    struct sockbuf so_snd;
    struct kextcb *so_ext = nullptr;  // socket filters, head first

    // Every sleeper on this socket (receive, send, connect, accept).
    nke::ref::WaitChannel so_wait;
    int so_usecount = 0;        // user calls in flight on it
    bool so_fdclosed = false;   // its descriptor was closed: sleepers fail EBADF
    bool so_attached = false;   // pru_attach succeeded: other usrreqs may be called
    bool so_counted = false;    // it holds one dom_refs and one pr_refs
    bool so_dying = false;      // being torn down: no more state changes
};

// A user I/O request: the caller's buffers, consumed front to back.
struct uio {
    struct iovec *uio_iov = nullptr;
    int uio_iovcnt = 0;
    int uio_rw = 0;            // kUioRead: into the caller's buffers; kUioWrite: out of them
    size_t uio_resid = 0;      // bytes left
};

namespace nke::ref::sock {

constexpr int kUioRead = 0;
constexpr int kUioWrite = 1;

// Historical limits (hist §2.3: sb_max 256 KiB → 233016 after the mbuf
// overhead factor; SOMAXCONN 128).
constexpr uint32_t kSbMax = 233016;
constexpr int kSomaxconn = 128;

// An array of n value-initialised T behind the failure point, or nullptr.
template <class T>
std::unique_ptr<T[]> try_make_array(size_t n) noexcept {
    if (!alloc_permitted()) return nullptr;
    return std::unique_ptr<T[]>(new (std::nothrow) T[n]());
}

// --- results of NKE code --------------------------------------------------------
// What a user request or hook result means to the caller: 0 and EJUSTRETURN
// are success, a positive value is that errno, any other negative value is
// EIO (PROTO-USRREQ-004).
inline int user_result(int rc) noexcept {
    if (rc == 0 || rc == EJUSTRETURN) return 0;
    return rc > 0 ? rc : EIO;
}

// --- creation and destruction (socreate.cpp) -----------------------------------
int socreate(int family, int type, int protocol, struct socket **out) noexcept;
void soclose(struct socket *so) noexcept;
void soabort(struct socket *so) noexcept;
void sofree_final(struct socket *so) noexcept;
struct socket *so_newconn(struct socket *head, int connstatus) noexcept;
// Take the first completed connection off head's queue (nullptr if none).
struct socket *dequeue_completed(struct socket *head) noexcept;

// --- operations (ops.cpp) --------------------------------------------------------
int sobind(struct socket *so, struct nke_sockaddr *nam) noexcept;
int solisten(struct socket *so, int backlog) noexcept;
int soaccept(struct socket *so, struct nke_sockaddr **nam) noexcept;
int soconnect(struct socket *so, struct nke_sockaddr *nam) noexcept;
int soconnect2(struct socket *so1, struct socket *so2) noexcept;
int sodisconnect(struct socket *so) noexcept;
int soshutdown(struct socket *so, int how) noexcept;
void sorflush(struct socket *so) noexcept;
int soaddr(struct socket *so, bool peer, struct nke_sockaddr **nam) noexcept;
int socontrol(struct socket *so, unsigned long cmd, void *data) noexcept;

// --- data (sosend.cpp, soreceive.cpp) ----------------------------------------------
// *done: bytes taken from uio (counted even when an error follows).
int sosend(struct socket *so, struct nke_sockaddr *addr, struct uio *uio, struct mbuf *control,
           int flags, size_t *done) noexcept;
int soreceive(struct socket *so, struct nke_sockaddr **paddr, struct uio *uio,
              struct mbuf **controlp, int *flagsp) noexcept;
// Data bytes a receive could return (FIONREAD).
uint32_t readable_bytes(const struct socket *so) noexcept;

// --- options (sockopt.cpp) -------------------------------------------------------
int sosetopt(struct socket *so, struct sockopt *sopt) noexcept;
int sogetopt(struct socket *so, struct sockopt *sopt) noexcept;
int sopt_copyin(struct sockopt *sopt, void *buf, size_t len, size_t minlen) noexcept;
int sopt_copyout(struct sockopt *sopt, const void *buf, size_t len) noexcept;

// --- state changes made by protocols (state.cpp) ------------------------------------
void isconnecting(struct socket *so) noexcept;
void isconnected(struct socket *so) noexcept;
void isdisconnecting(struct socket *so) noexcept;
void isdisconnected(struct socket *so) noexcept;
void cantsendmore(struct socket *so) noexcept;
void cantrcvmore(struct socket *so) noexcept;
int so_reserve(struct socket *so, uint32_t sndcc, uint32_t rcvcc) noexcept;
// One buffer, no hook (SO_SNDBUF / SO_RCVBUF).
int sbreserve(struct sockbuf &sb, uint32_t cc) noexcept;
void wakeup(struct socket *so) noexcept;
// Listener queues (state.cpp).
void queue_insert(SockQueue &q, struct socket *so) noexcept;
void queue_unlink(SockQueue &q, struct socket *so) noexcept;

// --- socket buffers (sockbuf.cpp) ------------------------------------------------------
// The KPI operations: run the su_* hooks, then act.
void sb_append(struct sockbuf *sb, struct mbuf *m) noexcept;
void sb_append_record(struct sockbuf *sb, struct mbuf *m0) noexcept;
int sb_append_addr(struct sockbuf *sb, const struct nke_sockaddr *asa, struct mbuf *m0,
                 struct mbuf *control) noexcept;
int sb_append_control(struct sockbuf *sb, struct mbuf *m0, struct mbuf *control) noexcept;
void sb_flush(struct sockbuf *sb) noexcept;
void sb_drop(struct sockbuf *sb, int len) noexcept;
void sb_drop_record(struct sockbuf *sb) noexcept;
long sb_space(const struct sockbuf &sb) noexcept;
// The socket layer's own bookkeeping: no hooks.
void sb_release(struct sockbuf &sb) noexcept;        // free everything
void sb_remove_record(struct sockbuf &sb) noexcept;  // unlink + free the first record
// Bytes of the mbufs of one chain, for sb_cc.
uint32_t chain_bytes(const struct mbuf *m) noexcept;

// --- user I/O (uio.cpp) -------------------------------------------------------------------
int uio_move(const void *cp, size_t n, struct uio *uio) noexcept;

// --- addresses (addr.cpp) -------------------------------------------------------------------
struct nke_sockaddr *sockaddr_dup(const struct nke_sockaddr *sa) noexcept;
void sockaddr_free(struct nke_sockaddr *sa) noexcept;

}  // namespace nke::ref::sock

/*
 * OpenNKE ABI — the user side: the stack's own system-call layer.
 *
 * Normative: spec/socket.md (SOCK-SYS-*).  The names carry an nke_ prefix
 * because socket(), connect() and friends belong to the host C library.  The
 * arguments use the host's types (struct sockaddr, socklen_t, struct msghdr)
 * as opaque byte carriers, so a legacy client such as the seed's Listing 1-2
 * compiles with only the calls renamed.  Every call returns -1 and sets errno
 * on failure.  Descriptors are small integers from 3 upward in the stack's
 * own table; they are not host file descriptors.  Option levels, MSG_* flags
 * and FIONBIO/FIONREAD are the host's values.
 */
#ifndef NKE_SYSCALLS_H
#define NKE_SYSCALLS_H

#include <nke/types.h>
#include <sys/types.h>
#include <sys/socket.h>

/* Apple socket options at level SOL_SOCKET that the host does not define. */
#define SO_NKE 0x1021       /* insert a programmatic socket filter (struct so_nke) */
#define SO_DONTTRUNC 0x2000 /* keep the unread rest of an atomic record */

/* Lowest descriptor the table hands out (SOCK-SYS-FD-001). */
#define NKE_FD_FIRST 3
/* Size of the descriptor table (SOCK-SYS-FD-003). */
#define NKE_OPEN_MAX 1024

NKE_BEGIN_DECLS

NKE_API int nke_socket(int domain, int type, int protocol);
NKE_API int nke_socketpair(int domain, int type, int protocol, int sv[2]);
NKE_API int nke_bind(int s, const struct sockaddr *name, socklen_t namelen);
NKE_API int nke_listen(int s, int backlog);
NKE_API int nke_accept(int s, struct sockaddr *addr, socklen_t *addrlen);
NKE_API int nke_connect(int s, const struct sockaddr *name, socklen_t namelen);
NKE_API ssize_t nke_send(int s, const void *buf, size_t len, int flags);
NKE_API ssize_t nke_sendto(int s, const void *buf, size_t len, int flags,
                           const struct sockaddr *to, socklen_t tolen);
NKE_API ssize_t nke_sendmsg(int s, const struct msghdr *msg, int flags);
NKE_API ssize_t nke_recv(int s, void *buf, size_t len, int flags);
NKE_API ssize_t nke_recvfrom(int s, void *buf, size_t len, int flags, struct sockaddr *from,
                             socklen_t *fromlen);
NKE_API ssize_t nke_recvmsg(int s, struct msghdr *msg, int flags);
NKE_API int nke_setsockopt(int s, int level, int optname, const void *optval, socklen_t optlen);
NKE_API int nke_getsockopt(int s, int level, int optname, void *optval, socklen_t *optlen);
NKE_API int nke_ioctl(int s, unsigned long request, void *argp);
NKE_API int nke_shutdown(int s, int how);
NKE_API int nke_close(int s);
NKE_API int nke_getsockname(int s, struct sockaddr *name, socklen_t *namelen);
NKE_API int nke_getpeername(int s, struct sockaddr *name, socklen_t *namelen);

NKE_END_DECLS

#endif /* NKE_SYSCALLS_H */

/*
 * OpenNKE ABI — basic types, version, project constants.
 *
 * Normative: spec/abi.md. Every header in <nke/...> is plain C11 that also
 * compiles as C++17/20, includes only <stddef.h>/<stdint.h> (and, for the
 * user-side system-call layer only, <sys/socket.h>), and never defines a name
 * that the host C library defines.  Sizes and offsets are for LP64 and are
 * pinned below with static assertions.
 */
#ifndef NKE_TYPES_H
#define NKE_TYPES_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
#define NKE_BEGIN_DECLS extern "C" {
#define NKE_END_DECLS }
#define NKE_STATIC_ASSERT(cond, msg) static_assert(cond, msg)
#else
#define NKE_BEGIN_DECLS
#define NKE_END_DECLS
#define NKE_STATIC_ASSERT(cond, msg) _Static_assert(cond, msg)
#endif

/* Marks every function of the ABI.  Tools in spec/tools read the headers and
 * take each declaration that starts with NKE_API as one exported symbol. */
#define NKE_API __attribute__((visibility("default")))

/* ABI version (ABI-VERSION-001).  An implementation reports the version it was
 * built against through nke_harness_v1(); the runner refuses a different major
 * version and a lower minor version. */
#define NKE_ABI_VERSION_MAJOR 1
#define NKE_ABI_VERSION_MINOR 0
#define NKE_ABI_VERSION ((NKE_ABI_VERSION_MAJOR << 16) | NKE_ABI_VERSION_MINOR)

/* The kernel-only pseudo-error (ABI-CONST-002).  Negative, so it never
 * collides with a host errno.  EJUSTRETURN from a hook means "stop here,
 * report success to the caller; I own whatever was handed to me".  (The
 * historical ERESTART, -1, is not part of the ABI: no rule uses it, and the
 * host C library defines a positive ERESTART of its own.) */
#ifndef EJUSTRETURN
#define EJUSTRETURN (-2)
#endif

/* The kernel-side socket address: 4.4BSD layout with a length byte.  The
 * user-side calls take the host's struct sockaddr and copy bytes only; the
 * stack overwrites sa_len with the length the caller passed (SOCK-ADDR-002). */
struct nke_sockaddr {
    uint8_t sa_len;
    uint8_t sa_family;
    char sa_data[14];
};
#define NKE_SOCK_MAXADDRLEN 255

/* Forward declarations of the structures the ABI passes around. */
struct mbuf;
struct socket;
struct sockbuf;
struct sockopt;
struct uio;
struct proc;
struct domain;
struct protosw;
struct pr_usrreqs;
struct kextcb;
struct NFDescriptor;
struct sockif;
struct sockutil;
struct ifnet;
struct if_proto;
struct kern_event_msg;

NKE_STATIC_ASSERT(sizeof(struct nke_sockaddr) == 16, "nke_sockaddr is 16 bytes");
NKE_STATIC_ASSERT(sizeof(void *) == 8, "the OpenNKE ABI is defined for LP64 hosts");

#endif /* NKE_TYPES_H */

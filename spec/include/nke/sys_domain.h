/*
 * OpenNKE ABI — the PF_SYSTEM domain.
 *
 * Normative: spec/kern_control.md and spec/kern_event.md.  The seed's
 * heading "PF_NKE Domain" names no real constant; the domain is PF_SYSTEM.
 */
#ifndef NKE_SYS_DOMAIN_H
#define NKE_SYS_DOMAIN_H

#include <nke/types.h>

#ifndef AF_SYSTEM
#define AF_SYSTEM 32
#endif
#ifndef PF_SYSTEM
#define PF_SYSTEM AF_SYSTEM
#endif

#define SYSPROTO_EVENT 1   /* kernel events: SOCK_RAW */
#define SYSPROTO_CONTROL 2 /* kernel controllers: SOCK_DGRAM */

#define AF_SYS_CONTROL 2   /* ss_sysaddr of a struct sockaddr_ctl */

/* Generic PF_SYSTEM address. */
struct sockaddr_sys {
    uint8_t ss_len;
    uint8_t ss_family;
    uint16_t ss_sysaddr;
    uint32_t ss_reserved[7];
};

NKE_STATIC_ASSERT(sizeof(struct sockaddr_sys) == 32, "struct sockaddr_sys is 32 bytes");

#endif /* NKE_SYS_DOMAIN_H */

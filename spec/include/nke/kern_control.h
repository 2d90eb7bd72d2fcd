/*
 * OpenNKE ABI — kernel controllers (PF_SYSTEM / SYSPROTO_CONTROL).
 *
 * Normative: spec/kern_control.md (CTL-*).  An NKE registers a controller
 * with ctl_register; a user process reaches it with
 * nke_socket(PF_SYSTEM, SOCK_DGRAM, SYSPROTO_CONTROL) and nke_connect with a
 * struct sockaddr_ctl naming (sc_id, sc_unit).
 */
#ifndef NKE_KERN_CONTROL_H
#define NKE_KERN_CONTROL_H

#include <nke/types.h>
#include <nke/sys_domain.h>

#define CTL_FLAG_PRIVILEGED 0x1   /* only the superuser (euid 0) may connect */
#define CTL_DATA_NOWAKEUP 0x1     /* ctl_enqueue*: do not wake the reader */

/* Kernel events posted by this chapter: KEV_VENDOR_APPLE / KEV_SYSTEM_CLASS /
 * KEV_CTL_SUBCLASS, payload struct ctl_event_data. */
#define KEV_CTL_SUBCLASS 1
#define KEV_CTL_REGISTERED 1
#define KEV_CTL_DEREGISTERED 2

/* ioctl: number of registered controllers (uint32_t out). */
#define CTLIOCGCOUNT 0x40044e01UL

/* Default buffer sizes when ctl_sendsize / ctl_recvsize is 0. */
#define CTL_SENDSIZE 2048
#define CTL_RECVSIZE 8192
/* Largest ctl_sendsize / ctl_recvsize accepted by ctl_register. */
#define CTL_MAXBUFSIZE 233016
/* Largest option value accepted by setsockopt/getsockopt at SYSPROTO_CONTROL. */
#define CTL_MAXOPTLEN 16384

struct ctl_event_data {
    uint32_t ctl_id;
    uint32_t ctl_unit;
};

struct sockaddr_ctl {
    uint8_t sc_len;          /* ignored: the stack uses the length passed to connect */
    uint8_t sc_family;       /* AF_SYSTEM */
    uint16_t ss_sysaddr;     /* AF_SYS_CONTROL */
    uint32_t sc_id;          /* controller id (ctl_id) */
    uint32_t sc_unit;        /* controller unit (ctl_unit) */
    uint32_t sc_reserved[5];
};

typedef void *kern_ctl_ref;

struct kern_ctl_reg {
    uint32_t ctl_id;
    uint32_t ctl_unit;
    uint32_t ctl_flags;      /* CTL_FLAG_PRIVILEGED or 0 */
    uint32_t ctl_sendsize;   /* 0: CTL_SENDSIZE */
    uint32_t ctl_recvsize;   /* 0: CTL_RECVSIZE */
    uint32_t ctl_reserved0;
    int (*ctl_connect)(kern_ctl_ref ctlref, void *userdata);
    void (*ctl_disconnect)(kern_ctl_ref ctlref, void *userdata);
    int (*ctl_write)(kern_ctl_ref ctlref, void *userdata, struct mbuf *m);
    int (*ctl_set)(kern_ctl_ref ctlref, void *userdata, int opt, void *data, size_t len);
    int (*ctl_get)(kern_ctl_ref ctlref, void *userdata, int opt, void *data, size_t *len);
    uint32_t ctl_reserved[4];
};

NKE_BEGIN_DECLS

NKE_API int ctl_register(struct kern_ctl_reg *userctl, void *userdata, kern_ctl_ref *ctlref);
NKE_API int ctl_deregister(kern_ctl_ref ctlref);
NKE_API int ctl_enqueuedata(kern_ctl_ref ctlref, void *data, size_t len, uint32_t flags);
NKE_API int ctl_enqueuembuf(kern_ctl_ref ctlref, struct mbuf *m, uint32_t flags);

NKE_END_DECLS

NKE_STATIC_ASSERT(sizeof(struct sockaddr_ctl) == 32, "struct sockaddr_ctl is 32 bytes");
NKE_STATIC_ASSERT(offsetof(struct sockaddr_ctl, ss_sysaddr) == 2, "ss_sysaddr offset");
NKE_STATIC_ASSERT(offsetof(struct sockaddr_ctl, sc_id) == 4, "sc_id offset");
NKE_STATIC_ASSERT(offsetof(struct sockaddr_ctl, sc_unit) == 8, "sc_unit offset");
NKE_STATIC_ASSERT(sizeof(struct kern_ctl_reg) == 80, "struct kern_ctl_reg is 80 bytes");
NKE_STATIC_ASSERT(offsetof(struct kern_ctl_reg, ctl_connect) == 24, "ctl_connect offset");
NKE_STATIC_ASSERT(sizeof(struct ctl_event_data) == 8, "struct ctl_event_data is 8 bytes");

#endif /* NKE_KERN_CONTROL_H */

/*
 * OpenNKE ABI — kernel events (PF_SYSTEM / SYSPROTO_EVENT).
 *
 * Normative: spec/kern_event.md (KEV-*).  The message fields are 32-bit on
 * every host, which reproduces the historical 32-bit layout exactly
 * (24-byte header) and keeps the ioctl numbers of Mac OS X 10.2.
 */
#ifndef NKE_KERN_EVENT_H
#define NKE_KERN_EVENT_H

#include <nke/types.h>
#include <nke/sys_domain.h>

#define KEVENTS_ON 1
#define KEV_SNDSPACE 4096
#define KEV_RECVSPACE 8192   /* receive queue bound per event socket (bytes) */

#define KEV_ANY_VENDOR 0
#define KEV_ANY_CLASS 0
#define KEV_ANY_SUBCLASS 0
#define KEV_VENDOR_NONE 0xffffffffu /* the filter of a new event socket matches nothing */

#define KEV_VENDOR_APPLE 1
#define KEV_NETWORK_CLASS 1
#define KEV_IOKIT_CLASS 2
#define KEV_SYSTEM_CLASS 3

#define N_KEV_VECTORS 5
#define KEV_MSG_HEADER_SIZE 24
/* Largest total payload of one event (the sum of its vectors). */
#define KEV_MAX_DATA 2024

struct kern_event_msg {
    uint32_t total_size;   /* header plus payload, bytes */
    uint32_t vendor_code;
    uint32_t kev_class;
    uint32_t kev_subclass;
    uint32_t id;           /* monotonic, per stack instance, from 1 */
    uint32_t event_code;
    uint32_t event_data[1];
};

struct kev_request {
    uint32_t vendor_code;
    uint32_t kev_class;
    uint32_t kev_subclass;
};

#define SIOCGKEVID 0x40046501UL   /* _IOR('e', 1, uint32_t): last id assigned */
#define SIOCSKEVFILT 0x800c6502UL /* _IOW('e', 2, struct kev_request) */
#define SIOCGKEVFILT 0x400c6503UL /* _IOR('e', 3, struct kev_request) */

struct kev_d_vectors {
    uint32_t data_length;  /* 0 ends the list */
    uint32_t reserved;
    void *data_ptr;
};

struct kev_msg {
    uint32_t vendor_code;
    uint32_t kev_class;
    uint32_t kev_subclass;
    uint32_t event_code;
    struct kev_d_vectors dv[N_KEV_VECTORS];
};

NKE_BEGIN_DECLS

NKE_API int kev_post_msg(struct kev_msg *event_msg);

NKE_END_DECLS

NKE_STATIC_ASSERT(sizeof(struct kern_event_msg) == 28, "kern_event_msg: 24-byte header + 1 word");
NKE_STATIC_ASSERT(offsetof(struct kern_event_msg, event_data) == KEV_MSG_HEADER_SIZE, "header");
NKE_STATIC_ASSERT(sizeof(struct kev_request) == 12, "struct kev_request is 12 bytes");
NKE_STATIC_ASSERT(sizeof(struct kev_msg) == 96, "struct kev_msg is 96 bytes");

#endif /* NKE_KERN_EVENT_H */

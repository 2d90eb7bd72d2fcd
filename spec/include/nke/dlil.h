/*
 * OpenNKE ABI — the Data Link Interface Layer (DLIL): interfaces, attached
 * protocols (dl_tag), interface-family modules (demux and framing), protocol
 * and interface filters, input, output, ioctl, events and injection.
 *
 * Normative: spec/dlil.md (DLIL-*).
 *
 * Each filter list runs from the protocol side (head) to the wire side
 * (tail).  Output and ioctl walk it head to tail; input and events walk it
 * tail to head.  DLIL_LAST_FILTER therefore puts a filter nearest the driver.
 */
#ifndef NKE_DLIL_H
#define NKE_DLIL_H

#include <nke/types.h>
#include <sys/queue.h>

#define NKE_IFNAMSIZ 16

/* Interface families (ifnet.if_family). */
#define APPLE_IF_FAM_LOOPBACK 1
#define APPLE_IF_FAM_ETHERNET 2
#define APPLE_IF_FAM_SLIP 3
#define APPLE_IF_FAM_TUN 4
#define APPLE_IF_FAM_VLAN 5
#define APPLE_IF_FAM_PPP 6
#define APPLE_IF_FAM_PVC 7
#define APPLE_IF_FAM_DISC 8
#define APPLE_IF_FAM_MDECAP 9
#define APPLE_IF_FAM_GIF 10
#define APPLE_IF_FAM_FAITH 11
#define APPLE_IF_FAM_STF 12
#define APPLE_IF_FAM_FIREWIRE 13

/* Interface flags (ifnet.if_flags); BSD values, named apart from <net/if.h>. */
#define NKE_IFF_UP 0x1
#define NKE_IFF_BROADCAST 0x2
#define NKE_IFF_LOOPBACK 0x8
#define NKE_IFF_RUNNING 0x40
#define NKE_IFF_PROMISC 0x100
#define NKE_IFF_MULTICAST 0x8000

#define DLIL_LAST_FILTER (-1)
#define DLIL_NULL_FILTER (-2)
#define DLIL_WAIT_FOR_FREE (-2)
#define DLIL_BLUEBOX 1
#define DLIL_PR_FILTER 1
#define DLIL_IF_FILTER 2

/* Demux descriptor types. */
#define DLIL_DESC_RAW 1        /* Ethernet II type under a mask (variants.bitmask) */
#define DLIL_DESC_802_2 2      /* obsolete: use DLIL_DESC_SAP */
#define DLIL_DESC_802_2_SNAP 3 /* obsolete: use DLIL_DESC_SNAP */
#define DLIL_DESC_ETYPE2 4     /* native_type: 2 bytes, network order */
#define DLIL_DESC_SAP 5        /* native_type: DSAP, SSAP, control (3 bytes) */
#define DLIL_DESC_SNAP 6       /* native_type: OUI (3 bytes) + type (2 bytes) */

/* Link-level event subclass and codes (KEV_VENDOR_APPLE / KEV_NETWORK_CLASS). */
#define KEV_DL_SUBCLASS 2
#define KEV_DL_SIFFLAGS 1
#define KEV_DL_SIFMETRICS 2
#define KEV_DL_SIFMTU 3
#define KEV_DL_SIFPHYS 4
#define KEV_DL_SIFMEDIA 5
#define KEV_DL_SIFGENERIC 6
#define KEV_DL_ADDMULTI 7
#define KEV_DL_DELMULTI 8
#define KEV_DL_IF_ATTACHED 9
#define KEV_DL_IF_DETACHING 10
#define KEV_DL_IF_DETACHED 11
#define KEV_DL_LINK_OFF 12
#define KEV_DL_LINK_ON 13
#define KEV_DL_PROTO_ATTACHED 14
#define KEV_DL_PROTO_DETACHED 15

struct net_event_data {
    uint32_t if_family;
    uint32_t if_unit;
    char if_name[NKE_IFNAMSIZ];
};

struct kev_dl_proto_data {
    struct net_event_data link_data;
    uint32_t proto_family;
    uint32_t proto_remaining_count;
};

/* Interface counters, kept by the DLIL (DLIL-STATS-*). */
struct if_data {
    uint64_t ifi_ipackets;  /* frames handed to dlil_input */
    uint64_t ifi_ierrors;   /* frames dropped as malformed */
    uint64_t ifi_opackets;  /* frames handed to if_output */
    uint64_t ifi_oerrors;   /* frames dropped on output with an error */
    uint64_t ifi_ibytes;
    uint64_t ifi_obytes;
    uint64_t ifi_imcasts;   /* broadcast or multicast frames received */
    uint64_t ifi_omcasts;
    uint64_t ifi_iqdrops;   /* frames dropped on input by a filter or a demux decision */
    uint64_t ifi_noproto;   /* frames no attached protocol claimed */
};

/* An interface, allocated and owned by its driver.  The driver fills the
 * identity, the link-level address and its callbacks before dlil_if_attach;
 * the family module's add_if may set if_demux and if_framer.  The stack owns
 * if_data and if_dlil while the interface is attached. */
struct ifnet {
    char if_name[NKE_IFNAMSIZ];  /* e.g. "en" */
    int16_t if_unit;             /* e.g. 0 for en0 */
    uint16_t if_reserved0;
    uint32_t if_family;          /* APPLE_IF_FAM_xxx */
    uint32_t if_flags;           /* NKE_IFF_xxx */
    uint32_t if_mtu;
    uint8_t if_addrlen;          /* bytes of if_lladdr in use (6 for Ethernet) */
    uint8_t if_hdrlen;           /* link header length (14 for Ethernet) */
    uint16_t if_reserved1;
    uint8_t if_lladdr[16];       /* link-level address */
    void *if_softc;              /* driver-private */
    int (*if_output)(struct ifnet *ifp, struct mbuf *m);
    int (*if_ioctl)(struct ifnet *ifp, unsigned long cmd, void *arg);
    int (*if_set_bpf_tap)(struct ifnet *ifp, int mode,
                          int (*tap)(struct ifnet *ifp, struct mbuf *m));
    void (*if_free)(struct ifnet *ifp);
    int (*if_event)(struct ifnet *ifp, struct kern_event_msg *event);
    int (*if_demux)(struct ifnet *ifp, struct mbuf *m, char *frame_header,
                    struct if_proto **proto);
    int (*if_framer)(struct ifnet *ifp, struct mbuf **m, const struct nke_sockaddr *dest,
                     const char *dest_linkaddr, const char *frame_type);
    struct if_data if_data;
    void *if_dlil;               /* implementation-private */
    uintptr_t reserved[4];
};

/* Protocol callbacks (one set per attached protocol). */
typedef int (*dl_input_func)(struct mbuf *m, char *frame_header, struct ifnet *ifp,
                             unsigned long dl_tag, int sync_ok);
typedef int (*dl_pre_output_func)(struct ifnet *ifp, struct mbuf **m,
                                  const struct nke_sockaddr *dest, void *route,
                                  char *frame_type, char *dst_addr, unsigned long dl_tag);
typedef int (*dl_event_func)(struct kern_event_msg *event, unsigned long dl_tag);
typedef int (*dl_offer_func)(struct mbuf *m, char *frame_header);
typedef int (*dl_ioctl_func)(unsigned long dl_tag, struct ifnet *ifp, unsigned long cmd,
                             void *arg);

/* Size of the frame_type and dst_addr buffers pre_output fills. */
#define DLIL_FRAME_TYPE_MAX 16
#define DLIL_LINKADDR_MAX 16

struct dlil_demux_desc {
    TAILQ_ENTRY(dlil_demux_desc) next;
    int type;                    /* DLIL_DESC_xxx */
    unsigned char *native_type;
    union {
        struct {
            uint32_t proto_id_length;
            unsigned char *proto_id;
            unsigned char *proto_id_mask;
        } bitmask;
        struct {
            unsigned char dsap;
            unsigned char ssap;
            unsigned char control_code;
            unsigned char pad;
        } desc_802_2;
        struct {
            unsigned char dsap;
            unsigned char ssap;
            unsigned char control_code;
            unsigned char org[3];
            uint16_t protocol_type;
        } desc_802_2_SNAP;
        uint32_t native_type_length;
    } variants;
};

TAILQ_HEAD(ddesc_head_str, dlil_demux_desc);

struct dlil_proto_reg_str {
    struct ddesc_head_str demux_desc_head;
    uint32_t interface_family;
    uint32_t protocol_family;
    int16_t unit_number;
    int16_t reserved0;
    int default_proto;           /* 0 or 1 */
    dl_input_func input;
    dl_pre_output_func pre_output;
    dl_event_func event;
    dl_offer_func offer;
    dl_ioctl_func ioctl;
    uintptr_t reserved[4];
};

/* Protocol filter (between the DLIL and one attached protocol).  Copied by
 * value at attach time. */
struct dlil_pr_flt_str {
    void *cookie;
    int (*filter_dl_input)(void *cookie, struct mbuf **m, char **frame_header,
                           struct ifnet **ifp);
    int (*filter_dl_output)(void *cookie, struct mbuf **m, struct ifnet **ifp,
                            struct nke_sockaddr **dest, char *dest_linkaddr, char *frame_type);
    int (*filter_dl_event)(void *cookie, struct kern_event_msg *event_msg);
    int (*filter_dl_ioctl)(void *cookie, struct ifnet *ifp, unsigned long ioctl_cmd,
                           void *ioctl_arg);
    int (*filter_detach)(void *cookie);
    uintptr_t reserved[2];
};

/* Interface filter (between the DLIL and one interface).  Note the
 * historical argument order: ifp comes before the mbuf here. */
struct dlil_if_flt_str {
    void *cookie;
    int (*filter_if_input)(void *cookie, struct ifnet **ifp, struct mbuf **mbuf_ptr,
                           char **frame_ptr);
    int (*filter_if_event)(void *cookie, struct ifnet **ifp, struct kern_event_msg **event_msg);
    int (*filter_if_output)(void *cookie, struct ifnet **ifp, struct mbuf **mbuf_ptr);
    int (*filter_if_ioctl)(void *cookie, struct ifnet *ifp, unsigned long ioctl_code,
                           void *ioctl_arg);
    int (*filter_if_free)(void *cookie, struct ifnet *ifp);
    int (*filter_detach)(void *cookie);
    uintptr_t reserved[2];
};

/* Interface-family module: demux, framing and per-family ioctls. */
struct dlil_ifmod_reg_str {
    int (*add_if)(struct ifnet *ifp);
    int (*del_if)(struct ifnet *ifp);
    int (*add_proto)(struct ddesc_head_str *demux_desc_head, struct if_proto *proto,
                     unsigned long dl_tag);
    int (*del_proto)(struct if_proto *proto, unsigned long dl_tag);
    int (*ifmod_ioctl)(struct ifnet *ifp, unsigned long cmd, void *arg);
    int (*shutdown)(void);
    int (*init_if)(struct ifnet *ifp);
    uintptr_t reserved[3];
};

NKE_BEGIN_DECLS

NKE_API int dlil_reg_if_modules(uint32_t interface_family, struct dlil_ifmod_reg_str *ifmod_reg);
NKE_API int dlil_dereg_if_modules(uint32_t interface_family);

NKE_API int dlil_if_attach(struct ifnet *ifp);
NKE_API int dlil_if_detach(struct ifnet *ifp);
NKE_API struct ifnet *ifunit(const char *name);

NKE_API int dlil_attach_protocol(struct dlil_proto_reg_str *proto, unsigned long *dl_tag);
NKE_API int dlil_detach_protocol(unsigned long dl_tag);
NKE_API int dlil_find_dltag(uint32_t if_family, int16_t unit, uint32_t proto_family,
                            unsigned long *dl_tag);

NKE_API int dlil_attach_interface_filter(struct ifnet *ifp, struct dlil_if_flt_str *if_filter,
                                         unsigned long *filter_id, int insertion_point);
NKE_API int dlil_attach_protocol_filter(unsigned long dl_tag,
                                        struct dlil_pr_flt_str *proto_filter,
                                        unsigned long *filter_id, int insertion_point);
NKE_API int dlil_detach_filter(unsigned long filter_id);

NKE_API int dlil_input(struct ifnet *ifp, struct mbuf *m_head, struct mbuf *m_tail);
NKE_API int dlil_output(unsigned long dl_tag, struct mbuf *m, void *route,
                        const struct nke_sockaddr *dest, int raw);
NKE_API int dlil_ioctl(uint32_t proto_family, struct ifnet *ifp, unsigned long ioctl_code,
                       void *ioctl_arg);
NKE_API int dlil_event(struct ifnet *ifp, struct kern_event_msg *event);

NKE_API int dlil_inject_if_input(struct mbuf *m, char *frame_header, unsigned long from_id);
NKE_API int dlil_inject_pr_input(struct mbuf *m, char *frame_header, unsigned long from_id);
NKE_API int dlil_inject_pr_output(struct mbuf *m, struct nke_sockaddr *dest, int raw,
                                  char *frame_type, char *dst_linkaddr, unsigned long from_id);
NKE_API int dlil_inject_if_output(struct mbuf *m, unsigned long from_id);

NKE_END_DECLS

NKE_STATIC_ASSERT(sizeof(struct net_event_data) == 24, "struct net_event_data is 24 bytes");
NKE_STATIC_ASSERT(sizeof(struct kev_dl_proto_data) == 32, "struct kev_dl_proto_data is 32 bytes");
NKE_STATIC_ASSERT(sizeof(struct if_data) == 80, "struct if_data is 80 bytes");
NKE_STATIC_ASSERT(sizeof(struct ifnet) == 240, "struct ifnet is 240 bytes");
NKE_STATIC_ASSERT(offsetof(struct ifnet, if_output) == 64, "if_output offset");
NKE_STATIC_ASSERT(sizeof(struct dlil_demux_desc) == 56, "struct dlil_demux_desc is 56 bytes");
NKE_STATIC_ASSERT(sizeof(struct dlil_proto_reg_str) == 104, "struct dlil_proto_reg_str is 104 bytes");
NKE_STATIC_ASSERT(sizeof(struct dlil_pr_flt_str) == 64, "struct dlil_pr_flt_str is 64 bytes");
NKE_STATIC_ASSERT(sizeof(struct dlil_if_flt_str) == 72, "struct dlil_if_flt_str is 72 bytes");
NKE_STATIC_ASSERT(sizeof(struct dlil_ifmod_reg_str) == 80, "struct dlil_ifmod_reg_str is 80 bytes");

#endif /* NKE_DLIL_H */

/*
 * dl_proto — a protocol handler attached to an Ethernet interface by
 * ethertype (a DLIL protocol, as a protocol-family NKE attaches its stack).
 *
 * It attaches protocol family `pf` to the interface with one
 * DLIL_DESC_ETYPE2 descriptor for `type`, counts what its dl_input receives,
 * and with echo=1 sends each frame's payload back to its sender through
 * dlil_output: its dl_pre_output fills the destination link address (from
 * the nke_sockaddr it is given) and the frame type, and the Ethernet framer
 * of the DLIL builds the header.
 *
 * Arguments: if=en0, type=0x88b5 (default), pf=NUMBER (default 0x4e4b4550),
 * echo=1, report=PATH.
 */
#include <errno.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <nke/dlil.h>
#include <nke/kern.h>
#include <nke/kmod.h>
#include <nke/mbuf.h>

static struct {
    unsigned type;
    unsigned long tag;
    int echo;
    char report[512];
    atomic_ulong frames, bytes, echoed, echo_errors;
} g;

static int arg_get(const char *args, const char *key, char *out, size_t n) {
    size_t klen = strlen(key);
    for (const char *p = args; p && *p;) {
        const char *end = strchr(p, ',');
        size_t len = end ? (size_t)(end - p) : strlen(p);
        if (len > klen && strncmp(p, key, klen) == 0 && p[klen] == '=') {
            size_t vlen = len - klen - 1;
            if (vlen >= n) vlen = n - 1;
            memcpy(out, p + klen + 1, vlen);
            out[vlen] = '\0';
            return 1;
        }
        p = end ? end + 1 : NULL;
    }
    return 0;
}

/* The reply's destination travels in an nke_sockaddr: 6 address bytes in sa_data. */
static int proto_pre_output(struct ifnet *ifp, struct mbuf **m, const struct nke_sockaddr *dest,
                            void *route, char *frame_type, char *dst_addr, unsigned long dl_tag) {
    (void)ifp;
    (void)m;
    (void)route;
    (void)dl_tag;
    if (dest == NULL) return EINVAL;  /* the DLIL frees the frame */
    memcpy(dst_addr, dest->sa_data, 6);
    frame_type[0] = (char)(g.type >> 8);
    frame_type[1] = (char)(g.type & 0xff);
    return 0;
}

static int proto_input(struct mbuf *m, char *frame_header, struct ifnet *ifp, unsigned long dl_tag,
                       int sync_ok) {
    (void)ifp;
    (void)sync_ok;
    atomic_fetch_add(&g.frames, 1);
    atomic_fetch_add(&g.bytes, (unsigned long)m->m_pkthdr.len);
    if (!g.echo) {
        m_freem(m);  /* 0: the protocol owns the frame */
        return 0;
    }
    struct nke_sockaddr to;
    memset(&to, 0, sizeof to);
    to.sa_len = sizeof to;
    memcpy(to.sa_data, frame_header + 6, 6);  /* back to the sender */
    m->m_flags &= ~(M_BCAST | M_MCAST);
    /* dlil_output owns m whatever it returns. */
    if (dlil_output(dl_tag, m, NULL, &to, 0) == 0) atomic_fetch_add(&g.echoed, 1);
    else atomic_fetch_add(&g.echo_errors, 1);
    return 0;
}

static kern_return_t dl_proto_start(struct kmod_info *ki, void *data) {
    const char *args = (const char *)data;
    char ifname[NKE_IFNAMSIZ], v[32];
    struct dlil_proto_reg_str reg;
    struct dlil_demux_desc desc;
    unsigned char type_bytes[2];
    struct ifnet *ifp;
    uint32_t pf = 0x4e4b4550;
    int rc;
    (void)ki;
    memset(&g, 0, sizeof g);
    g.type = 0x88b5;
    if (!arg_get(args, "if", ifname, sizeof ifname)) strcpy(ifname, "en0");
    if (arg_get(args, "type", v, sizeof v)) g.type = (unsigned)strtoul(v, NULL, 0) & 0xffff;
    if (arg_get(args, "pf", v, sizeof v)) pf = (uint32_t)strtoul(v, NULL, 0);
    g.echo = arg_get(args, "echo", v, sizeof v) && v[0] == '1';
    arg_get(args, "report", g.report, sizeof g.report);
    ifp = ifunit(ifname);
    if (ifp == NULL || ifp->if_family != APPLE_IF_FAM_ETHERNET) {
        nke_log(NKE_LOG_ERR, "dl_proto: no Ethernet interface %s", ifname);
        return KMOD_RETURN_FAILURE;
    }
    type_bytes[0] = (unsigned char)(g.type >> 8);
    type_bytes[1] = (unsigned char)(g.type & 0xff);
    memset(&desc, 0, sizeof desc);
    desc.type = DLIL_DESC_ETYPE2;
    desc.native_type = type_bytes;  /* copied by the family module during the attach */
    desc.variants.native_type_length = 2;
    memset(&reg, 0, sizeof reg);
    TAILQ_INIT(&reg.demux_desc_head);
    TAILQ_INSERT_TAIL(&reg.demux_desc_head, &desc, next);
    reg.interface_family = ifp->if_family;
    reg.unit_number = ifp->if_unit;
    reg.protocol_family = pf;
    reg.input = proto_input;
    reg.pre_output = proto_pre_output;
    rc = dlil_attach_protocol(&reg, &g.tag);
    if (rc != 0) {
        nke_log(NKE_LOG_ERR, "dl_proto: dlil_attach_protocol: %d", rc);
        return KMOD_RETURN_FAILURE;
    }
    return KMOD_RETURN_SUCCESS;
}

static kern_return_t dl_proto_stop(struct kmod_info *ki, void *data) {
    FILE *f;
    (void)ki;
    (void)data;
    (void)dlil_detach_protocol(g.tag);  /* ENOENT if its interface went first: fine */
    if (g.report[0] && (f = fopen(g.report, "w")) != NULL) {
        fprintf(f, "frames %lu\nbytes %lu\nechoed %lu\necho_errors %lu\n", atomic_load(&g.frames),
                atomic_load(&g.bytes), atomic_load(&g.echoed), atomic_load(&g.echo_errors));
        fclose(f);
    }
    return KMOD_RETURN_SUCCESS;
}

KMOD_EXPLICIT_DECL(org.opennke.example.dl_proto, "1.0", dl_proto_start, dl_proto_stop);

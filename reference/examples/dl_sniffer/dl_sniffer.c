/*
 * dl_sniffer — a passive DLIL interface filter (a data-link NKE).
 *
 * It attaches at the wire end of an interface's filter list
 * (DLIL_LAST_FILTER), so it sees every inbound frame before any other filter
 * and every outbound frame after all of them.  It never changes or keeps a
 * frame: every callback returns 0.  It counts frames and bytes in each
 * direction and by class (the Ethernet type after any 802.1Q/802.1ad tags),
 * optionally logs each frame, and writes a report when it is stopped.
 *
 * Arguments (the kmod_load/kmod_unload data, a string "key=value,..."):
 *   if=en0         interface to watch (default en0)
 *   report=PATH    write the counts to PATH at stop
 *   log=1          nke_log one line per frame
 */
#include <stdatomic.h>
#include <stdio.h>
#include <string.h>

#include <nke/dlil.h>
#include <nke/kern.h>
#include <nke/kmod.h>
#include <nke/mbuf.h>

enum { C_IPV4, C_IPV6, C_ARP, C_LLC, C_PPPOE, C_OTHER, C_COUNT };
static const char *const class_names[C_COUNT] = {"ipv4", "ipv6", "arp", "llc", "pppoe", "other"};

static struct {
    char ifname[NKE_IFNAMSIZ];
    char report[512];
    int log;
    unsigned long filter_id;
    atomic_int attached;
    atomic_ulong in_frames, in_bytes, out_frames, out_bytes, vlan_tagged;
    atomic_ulong classes[C_COUNT];
} g;

/* Copy the value of `key` from "k=v,k=v" into out; 1 if found. */
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

/* The class of a frame from its 14-byte header and the bytes after it. */
static int classify(const unsigned char *hdr, struct mbuf *payload, int payload_off) {
    unsigned type = (unsigned)hdr[12] << 8 | hdr[13];
    unsigned char tag[4];
    int off = payload_off;
    if (type == 0x8100 || type == 0x88a8 || type == 0x9100) atomic_fetch_add(&g.vlan_tagged, 1);
    /* Skip up to two stacked VLAN tags to find the encapsulated type. */
    for (int k = 0; k < 2 && (type == 0x8100 || type == 0x88a8 || type == 0x9100); ++k) {
        if (m_copydata(payload, off, 4, tag) != 0) return C_OTHER;
        type = (unsigned)tag[2] << 8 | tag[3];
        off += 4;
    }
    if (type <= 1500) return C_LLC;
    switch (type) {
    case 0x0800: return C_IPV4;
    case 0x86dd: return C_IPV6;
    case 0x0806: return C_ARP;
    case 0x8863:
    case 0x8864: return C_PPPOE;
    default: return C_OTHER;
    }
}

static int sniff_input(void *cookie, struct ifnet **ifp, struct mbuf **m, char **frame) {
    (void)cookie;
    int cls = classify((const unsigned char *)*frame, *m, 0);
    atomic_fetch_add(&g.in_frames, 1);
    atomic_fetch_add(&g.in_bytes, (unsigned long)(*m)->m_pkthdr.len + (*ifp)->if_hdrlen);
    atomic_fetch_add(&g.classes[cls], 1);
    if (g.log) nke_log(NKE_LOG_INFO, "dl_sniffer: in  %s%d %s len %d", (*ifp)->if_name,
                       (*ifp)->if_unit, class_names[cls], (*m)->m_pkthdr.len);
    return 0;
}

static int sniff_output(void *cookie, struct ifnet **ifp, struct mbuf **m) {
    unsigned char hdr[14];
    (void)cookie;
    atomic_fetch_add(&g.out_frames, 1);
    atomic_fetch_add(&g.out_bytes, (unsigned long)(*m)->m_pkthdr.len);
    if (g.log && m_copydata(*m, 0, 14, hdr) == 0)
        nke_log(NKE_LOG_INFO, "dl_sniffer: out %s%d %s len %d", (*ifp)->if_name, (*ifp)->if_unit,
                class_names[classify(hdr, *m, 14)], (*m)->m_pkthdr.len);
    return 0;
}

static int sniff_detach(void *cookie) {
    (void)cookie;
    atomic_store(&g.attached, 0);  /* the filter is gone (unloaded, or its interface detached) */
    return 0;
}

static void write_report(void) {
    FILE *f;
    if (g.report[0] == '\0' || (f = fopen(g.report, "w")) == NULL) return;
    fprintf(f, "interface %s\n", g.ifname);
    fprintf(f, "in_frames %lu\nin_bytes %lu\nout_frames %lu\nout_bytes %lu\nvlan_tagged %lu\n",
            atomic_load(&g.in_frames), atomic_load(&g.in_bytes), atomic_load(&g.out_frames),
            atomic_load(&g.out_bytes), atomic_load(&g.vlan_tagged));
    for (int k = 0; k < C_COUNT; ++k) fprintf(f, "class %s %lu\n", class_names[k], atomic_load(&g.classes[k]));
    fclose(f);
}

static kern_return_t dl_sniffer_start(struct kmod_info *ki, void *data) {
    const char *args = (const char *)data;
    struct dlil_if_flt_str flt;
    struct ifnet *ifp;
    char v[8];
    (void)ki;
    memset(&g, 0, sizeof g);
    if (!arg_get(args, "if", g.ifname, sizeof g.ifname)) strcpy(g.ifname, "en0");
    arg_get(args, "report", g.report, sizeof g.report);
    g.log = arg_get(args, "log", v, sizeof v) && v[0] == '1';
    ifp = ifunit(g.ifname);
    if (ifp == NULL) {
        nke_log(NKE_LOG_ERR, "dl_sniffer: no interface %s", g.ifname);
        return KMOD_RETURN_FAILURE;
    }
    memset(&flt, 0, sizeof flt);  /* copied by the DLIL */
    flt.filter_if_input = sniff_input;
    flt.filter_if_output = sniff_output;
    flt.filter_detach = sniff_detach;
    if (dlil_attach_interface_filter(ifp, &flt, &g.filter_id, DLIL_LAST_FILTER) != 0)
        return KMOD_RETURN_FAILURE;
    atomic_store(&g.attached, 1);
    return KMOD_RETURN_SUCCESS;
}

static kern_return_t dl_sniffer_stop(struct kmod_info *ki, void *data) {
    (void)ki;
    (void)data;
    if (atomic_load(&g.attached)) (void)dlil_detach_filter(g.filter_id);
    write_report();
    return KMOD_RETURN_SUCCESS;
}

KMOD_EXPLICIT_DECL(org.opennke.example.dl_sniffer, "1.0", dl_sniffer_start, dl_sniffer_stop);

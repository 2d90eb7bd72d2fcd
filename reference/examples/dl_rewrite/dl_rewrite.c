/*
 * dl_rewrite — a DLIL interface filter that rewrites frames (a data-link NKE).
 *
 * Inbound, it rewrites or removes 802.1Q VLAN tags: with vlan=A:B it changes
 * VLAN id A into B; with strip=1 it removes the tag of every 802.1Q frame (or
 * only of VLAN A when vlan=A is given), so that the frame is demultiplexed by
 * its encapsulated type (an IPv4-over-VLAN frame reaches the IPv4 protocol).
 * Outbound, with srcmac=xx:xx:xx:xx:xx:xx it rewrites the source address of
 * every frame the interface sends.
 *
 * It attaches with DLIL_LAST_FILTER, at the wire end of the list as it is at
 * load time: a filter loaded after it (a sniffer, say) sits nearer the wire,
 * sees inbound frames before the rewrite and outbound frames after it.
 *
 * Arguments: if=en0, strip=1, vlan=A or vlan=A:B, srcmac=..., report=PATH.
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
    int strip;
    int match_vid;         /* -1: every VLAN */
    int new_vid;           /* -1: no rewrite */
    int set_src;
    unsigned char src[6];
    unsigned long filter_id;
    atomic_int attached;
    atomic_ulong stripped, retagged, rewritten;
    char report[512];
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

static int rw_input(void *cookie, struct ifnet **ifp, struct mbuf **m, char **frame) {
    unsigned char *hdr = (unsigned char *)*frame;
    unsigned char tag[4];
    (void)cookie;
    (void)ifp;
    if (hdr[12] != 0x81 || hdr[13] != 0x00) return 0;  /* not 802.1Q */
    if (m_copydata(*m, 0, 4, tag) != 0) return 0;      /* truncated: leave it alone */
    int vid = ((tag[0] & 0x0f) << 8) | tag[1];
    if (g.match_vid >= 0 && vid != g.match_vid) return 0;
    if (g.strip) {
        /* The encapsulated type becomes the frame's type; the 4 tag bytes go. */
        hdr[12] = tag[2];
        hdr[13] = tag[3];
        m_adj(*m, 4);
        atomic_fetch_add(&g.stripped, 1);
    } else if (g.new_vid >= 0) {
        tag[0] = (unsigned char)((tag[0] & 0xf0) | ((g.new_vid >> 8) & 0x0f));
        tag[1] = (unsigned char)(g.new_vid & 0xff);
        m_copyback(*m, 0, 2, tag);
        atomic_fetch_add(&g.retagged, 1);
    }
    return 0;
}

static int rw_output(void *cookie, struct ifnet **ifp, struct mbuf **m) {
    (void)cookie;
    (void)ifp;
    if (!g.set_src || (*m)->m_pkthdr.len < 14) return 0;
    if (m_copyback(*m, 6, 6, g.src) != 0) return EINVAL;  /* the DLIL frees the frame */
    atomic_fetch_add(&g.rewritten, 1);
    return 0;
}

static int rw_detach(void *cookie) {
    (void)cookie;
    atomic_store(&g.attached, 0);
    return 0;
}

static kern_return_t dl_rewrite_start(struct kmod_info *ki, void *data) {
    const char *args = (const char *)data;
    char ifname[NKE_IFNAMSIZ], v[64];
    struct dlil_if_flt_str flt;
    struct ifnet *ifp;
    (void)ki;
    memset(&g, 0, sizeof g);
    g.match_vid = g.new_vid = -1;
    if (!arg_get(args, "if", ifname, sizeof ifname)) strcpy(ifname, "en0");
    g.strip = arg_get(args, "strip", v, sizeof v) && v[0] == '1';
    if (arg_get(args, "vlan", v, sizeof v)) {
        char *colon = strchr(v, ':');
        g.match_vid = atoi(v);
        if (colon) g.new_vid = atoi(colon + 1);
    }
    if (arg_get(args, "srcmac", v, sizeof v)) {
        unsigned b[6];
        if (sscanf(v, "%x:%x:%x:%x:%x:%x", &b[0], &b[1], &b[2], &b[3], &b[4], &b[5]) != 6) {
            nke_log(NKE_LOG_ERR, "dl_rewrite: bad srcmac %s", v);
            return KMOD_RETURN_FAILURE;
        }
        for (int k = 0; k < 6; ++k) g.src[k] = (unsigned char)b[k];
        g.set_src = 1;
    }
    arg_get(args, "report", g.report, sizeof g.report);
    ifp = ifunit(ifname);
    if (ifp == NULL) {
        nke_log(NKE_LOG_ERR, "dl_rewrite: no interface %s", ifname);
        return KMOD_RETURN_FAILURE;
    }
    memset(&flt, 0, sizeof flt);
    flt.filter_if_input = rw_input;
    flt.filter_if_output = rw_output;
    flt.filter_detach = rw_detach;
    if (dlil_attach_interface_filter(ifp, &flt, &g.filter_id, DLIL_LAST_FILTER) != 0) return KMOD_RETURN_FAILURE;
    atomic_store(&g.attached, 1);
    return KMOD_RETURN_SUCCESS;
}

static kern_return_t dl_rewrite_stop(struct kmod_info *ki, void *data) {
    FILE *f;
    (void)ki;
    (void)data;
    if (atomic_load(&g.attached)) (void)dlil_detach_filter(g.filter_id);
    if (g.report[0] && (f = fopen(g.report, "w")) != NULL) {
        fprintf(f, "stripped %lu\nretagged %lu\nrewritten %lu\n", atomic_load(&g.stripped),
                atomic_load(&g.retagged), atomic_load(&g.rewritten));
        fclose(f);
    }
    return KMOD_RETURN_SUCCESS;
}

KMOD_EXPLICIT_DECL(org.opennke.example.dl_rewrite, "1.0", dl_rewrite_start, dl_rewrite_stop);

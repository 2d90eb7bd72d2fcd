/*
 * ctl_ep — an example kernel controller in the spirit of the seed's
 * Listing 1-1 (EPHandleSet/Get/Write/Connect/Disconnect), doing something
 * observable:
 *
 *   - a small key/value configuration, set and read with
 *     setsockopt/getsockopt at level SYSPROTO_CONTROL (the seed's
 *     "preference file" advice: a user process configures the NKE);
 *   - statistics of what its client did;
 *   - an echo: every message a client sends comes back to it, as one record;
 *   - a greeting enqueued from EPHandleConnect, which the client reads first.
 *
 * Everything runs under the stack's funnel (callbacks are serialised), so
 * the state needs no lock of its own.  Built as a module (ctl_ep.nke.so);
 * try it with reference/tools/nke-ctl (see README.md).
 */
#include "ctl_ep.h"

#include <nke/kern.h>
#include <nke/kern_control.h>
#include <nke/kmod.h>
#include <nke/mbuf.h>

#include <errno.h>
#include <stdio.h>
#include <string.h>

struct ep_setting {
    char key[EP_MAX_KEY + 1];
    char value[EP_MAX_VALUE + 1];
};

static struct {
    kern_ctl_ref ctlHandle;
    struct ep_setting settings[EP_MAX_SETTINGS];
    char selected[EP_MAX_KEY + 1];
    int echo;
    unsigned long connects, disconnects, writes, bytes_in, echoed, sets, gets;
} gEPState;

static struct ep_setting *find(const char *key) {
    for (int i = 0; i < EP_MAX_SETTINGS; ++i) {
        if (gEPState.settings[i].key[0] && strcmp(gEPState.settings[i].key, key) == 0)
            return &gEPState.settings[i];
    }
    return NULL;
}

/* "key=value": store; "key=": delete.  The data is not NUL-terminated. */
static int configure(const char *data, size_t len) {
    const char *eq = data ? memchr(data, '=', len) : NULL;
    if (eq == NULL) return EINVAL;
    const size_t klen = (size_t)(eq - data), vlen = len - klen - 1;
    if (klen == 0 || klen > EP_MAX_KEY || vlen > EP_MAX_VALUE) return EINVAL;
    char key[EP_MAX_KEY + 1];
    memcpy(key, data, klen);
    key[klen] = '\0';
    struct ep_setting *s = find(key);
    if (vlen == 0) {
        if (s == NULL) return ENOENT;
        memset(s, 0, sizeof *s);
        return 0;
    }
    for (int i = 0; s == NULL && i < EP_MAX_SETTINGS; ++i) {
        if (gEPState.settings[i].key[0] == '\0') {
            s = &gEPState.settings[i];
            memcpy(s->key, key, klen + 1);
        }
    }
    if (s == NULL) return ENOSPC;
    memcpy(s->value, eq + 1, vlen);
    s->value[vlen] = '\0';
    return 0;
}

/* Answer a getsockopt with `text`: a size query (data NULL) learns its
 * length; otherwise copy what fits (the stack copies min(len, buffer)). */
static int reply(const char *text, void *data, size_t *len) {
    const size_t n = strlen(text);
    if (data) memcpy(data, text, n < *len ? n : *len);
    *len = n;
    return 0;
}

int EPHandleSet(kern_ctl_ref ctlref, void *userdata, int opt, void *data, size_t len) {
    int error = EINVAL;
    (void)ctlref;
    (void)userdata;
    gEPState.sets++;
    switch (opt) {
    case EP_OPT_CONFIG:
        error = configure(data, len);
        break;
    case EP_OPT_SELECT:
        if (len == 0 || len > EP_MAX_KEY) break;
        memcpy(gEPState.selected, data, len);
        gEPState.selected[len] = '\0';
        error = 0;
        break;
    case EP_OPT_RESET: /* like the seed's kEPCommand1: a command without data */
        gEPState.connects = gEPState.disconnects = gEPState.writes = 0;
        gEPState.bytes_in = gEPState.echoed = gEPState.sets = gEPState.gets = 0;
        error = 0;
        break;
    case EP_OPT_ECHO:
        if (len != 1 || (((const char *)data)[0] != '0' && ((const char *)data)[0] != '1')) break;
        gEPState.echo = ((const char *)data)[0] == '1';
        error = 0;
        break;
    }
    nke_log(NKE_LOG_DEBUG, "ctl_ep: set opt %d len %zu: %d", opt, len, error);
    return error;
}

int EPHandleGet(kern_ctl_ref ctlref, void *userdata, int opt, void *data, size_t *len) {
    char text[EP_MAX_SETTINGS * (EP_MAX_KEY + EP_MAX_VALUE + 2) + 1];
    (void)ctlref;
    (void)userdata;
    gEPState.gets++;
    switch (opt) {
    case EP_OPT_CONFIG: {
        size_t at = 0;
        text[0] = '\0';
        for (int i = 0; i < EP_MAX_SETTINGS; ++i) {
            const struct ep_setting *s = &gEPState.settings[i];
            if (s->key[0])
                at += (size_t)snprintf(text + at, sizeof text - at, "%s=%s\n", s->key, s->value);
        }
        return reply(text, data, len);
    }
    case EP_OPT_VALUE: {
        const struct ep_setting *s = find(gEPState.selected);
        return s ? reply(s->value, data, len) : ENOENT;
    }
    case EP_OPT_STATS:
        snprintf(text, sizeof text,
                 "connects=%lu disconnects=%lu writes=%lu bytes=%lu echoed=%lu sets=%lu gets=%lu",
                 gEPState.connects, gEPState.disconnects, gEPState.writes, gEPState.bytes_in,
                 gEPState.echoed, gEPState.sets, gEPState.gets);
        return reply(text, data, len);
    case EP_OPT_ECHO:
        return reply(gEPState.echo ? "1" : "0", data, len);
    }
    return EINVAL;
}

int EPHandleConnect(kern_ctl_ref ctlref, void *userdata) {
    static const char greeting[] = "hello from com.opennke.example.ep";
    (void)userdata;
    gEPState.connects++;
    /* Queued before connect() returns: the client reads it first. */
    ctl_enqueuedata(ctlref, (void *)greeting, sizeof greeting - 1, 0);
    return 0;
}

void EPHandleDisconnect(kern_ctl_ref ctlref, void *userdata) {
    (void)ctlref;
    (void)userdata;
    gEPState.disconnects++;
}

/* ctl_write owns m whatever it returns (spec/kern_control.md, CTL-SEND-004). */
int EPHandleWrite(kern_ctl_ref ctlref, void *userdata, struct mbuf *m) {
    (void)userdata;
    gEPState.writes++;
    gEPState.bytes_in += (unsigned long)m->m_pkthdr.len;
    /* An empty message cannot be a record of its own: nothing to echo. */
    if (gEPState.echo && m->m_pkthdr.len > 0 && ctl_enqueuembuf(ctlref, m, 0) == 0) {
        gEPState.echoed++;   /* the socket owns m now */
        return 0;
    }
    m_freem(m);
    return 0;
}

static kern_return_t ep_start(kmod_info_t *ki, void *data) {
    struct kern_ctl_reg ep_ctl;
    int error;
    (void)ki;
    (void)data;
    memset(&gEPState, 0, sizeof gEPState);
    gEPState.echo = 1;
    /* Initialize controller, as in Listing 1-1 (unprivileged here, so that
     * any user may try the example; set CTL_FLAG_PRIVILEGED to require root). */
    memset(&ep_ctl, 0, sizeof ep_ctl); /* sets ctl_unit to 0 */
    ep_ctl.ctl_id = kEPCommID;
    ep_ctl.ctl_write = EPHandleWrite;
    ep_ctl.ctl_get = EPHandleGet;
    ep_ctl.ctl_set = EPHandleSet;
    ep_ctl.ctl_connect = EPHandleConnect;
    ep_ctl.ctl_disconnect = EPHandleDisconnect;
    error = ctl_register(&ep_ctl, &gEPState, &gEPState.ctlHandle);
    if (error) {
        nke_log(NKE_LOG_ERR, "ctl_ep: ctl_register: %d", error);
        return KMOD_RETURN_FAILURE;
    }
    return KMOD_RETURN_SUCCESS;
}

static kern_return_t ep_stop(kmod_info_t *ki, void *data) {
    (void)ki;
    (void)data;
    /* EBUSY while a client is connected: refuse to stop (the loader already
     * refuses to call stop then, spec/kern_control.md CTL-MOD-001). */
    if (ctl_deregister(gEPState.ctlHandle) != 0) return KMOD_RETURN_FAILURE;
    return KMOD_RETURN_SUCCESS;
}

KMOD_EXPLICIT_DECL(com.opennke.example.ep, "1.0", ep_start, ep_stop);

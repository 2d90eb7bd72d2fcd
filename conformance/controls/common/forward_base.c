/*
 * The common part of every forwarding control (and of forwarding
 * implementations built out of tree with opennke_add_forwarding_implementation):
 * load the reference privately, resolve its functions, and present a harness
 * table that names the control.
 *
 * The reference's path is baked in at build time (NKE_CONTROL_REFERENCE) and
 * can be overridden with the environment variable of the same name.
 */
#define _GNU_SOURCE
#include "control.h"

#include <dlfcn.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#ifndef NKE_CONTROL_NAME
#error "NKE_CONTROL_NAME must name the control"
#endif
#ifndef NKE_CONTROL_REFERENCE
#error "NKE_CONTROL_REFERENCE must be the path of the reference implementation"
#endif
/* The name nke_harness_v1() reports (and from which nke-conformance derives
 * the expectations file name). */
#ifndef NKE_FORWARD_IMPL_NAME
#define NKE_FORWARD_IMPL_NAME "OpenNKE control " NKE_CONTROL_NAME
#endif

static void *g_target;
static pthread_once_t g_once = PTHREAD_ONCE_INIT;

static void load_target(void) {
    const char *env = getenv("NKE_CONTROL_REFERENCE");
    const char *path = env && *env ? env : NKE_CONTROL_REFERENCE;
    g_target = dlopen(path, RTLD_NOW | RTLD_LOCAL);
    if (g_target == NULL) {
        fprintf(stderr, "nke control %s: cannot load the reference %s: %s\n", NKE_CONTROL_NAME, path, dlerror());
        abort();
    }
}

/* A small cache: name pointers are string literals, so the pointer is the key. */
#define CACHE_SIZE 512
static struct {
    const char *name;
    void *fn;
} g_cache[CACHE_SIZE];
static pthread_mutex_t g_cache_mu = PTHREAD_MUTEX_INITIALIZER;

void *nke_forward_resolve(const char *name) {
    pthread_once(&g_once, load_target);
    const size_t h = ((size_t)name >> 3) % CACHE_SIZE;
    pthread_mutex_lock(&g_cache_mu);
    for (size_t i = 0; i < CACHE_SIZE; ++i) {
        const size_t k = (h + i) % CACHE_SIZE;
        if (g_cache[k].name == name) {
            void *fn = g_cache[k].fn;
            pthread_mutex_unlock(&g_cache_mu);
            return fn;
        }
        if (g_cache[k].name == NULL) {
            void *fn = dlsym(g_target, name);
            if (fn == NULL) {
                pthread_mutex_unlock(&g_cache_mu);
                fprintf(stderr, "nke control %s: the reference does not define %s\n", NKE_CONTROL_NAME, name);
                abort();
            }
            g_cache[k].name = name;
            g_cache[k].fn = fn;
            pthread_mutex_unlock(&g_cache_mu);
            return fn;
        }
    }
    pthread_mutex_unlock(&g_cache_mu);
    return dlsym(g_target, name);
}

/* The harness table: the reference's, under the control's name, with
 * get_counters passed through nke_control_adjust_counters when a control
 * defines it. */
static struct nke_harness g_table;
static const struct nke_harness *g_real_table;
static pthread_once_t g_table_once = PTHREAD_ONCE_INIT;

static int control_get_counters(struct nke_counters *out) {
    const int rc = g_real_table->get_counters(out);
    if (rc == 0 && nke_control_adjust_counters) nke_control_adjust_counters(out);
    return rc;
}

static void make_table(void) {
    const struct nke_harness *(*real)(void) = (const struct nke_harness *(*)(void))nke_forward_resolve("nke_harness_v1");
    g_real_table = real();
    memcpy(&g_table, g_real_table, sizeof g_table);
    g_table.impl_name = NKE_FORWARD_IMPL_NAME;
    g_table.get_counters = control_get_counters;
}

NKE_API const struct nke_harness *nke_harness_v1(void) {
    pthread_once(&g_table_once, make_table);
    return &g_table;
}

/*
 * Shared between conformance/tests/mbuf/module_test.cpp and the test module
 * mbuf_macros.c: the test passes a struct mbuf_macros_probe as the `data`
 * of kmod_load; the module's start routine exercises the mbuf macros of
 * <nke/mbuf.h> from C (MBUF-LAYOUT-006/008) and reports in it.
 */
#ifndef NKE_TEST_MBUF_MACROS_H
#define NKE_TEST_MBUF_MACROS_H

#include <nke/mbuf.h>

struct mbuf_macros_probe {
    int failed_check;      /* 0: every check passed; else the number of the first that failed */
    struct mbuf *packet;   /* a packet built by the module, handed to the test (which frees it) */
};

/* The packet the module builds: PACKET_LEN bytes, byte i == (char)(i * 3 + 1),
 * in a cluster, with PACKET_HDR bytes prepended by M_PREPEND. */
#define MBUF_MACROS_PACKET_LEN 1000
#define MBUF_MACROS_PACKET_HDR 14

#endif

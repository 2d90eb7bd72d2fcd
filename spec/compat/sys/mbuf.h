/*
 * OpenNKE compatibility header: legacy <sys/mbuf.h> maps to <nke/mbuf.h>.
 * Put spec/compat on the include path to build a Mac OS X 10.1–10.3 NKE
 * source against the OpenNKE ABI (spec/abi.md, ABI-COMPAT-*).
 */
#ifndef NKE_COMPAT_SYS_MBUF_H
#define NKE_COMPAT_SYS_MBUF_H
#include <nke/mbuf.h>
#endif

/*
 * OpenNKE compatibility header: legacy <net/dlil.h> maps to <nke/dlil.h>.
 * Put spec/compat on the include path to build a Mac OS X 10.1–10.3 NKE
 * source against the OpenNKE ABI (spec/abi.md, ABI-COMPAT-*).
 */
#ifndef NKE_COMPAT_NET_DLIL_H
#define NKE_COMPAT_NET_DLIL_H
#include <nke/dlil.h>
#ifndef IFNAMSIZ
#define IFNAMSIZ NKE_IFNAMSIZ
#endif
#endif

/*
 * OpenNKE compatibility header: legacy <net/kext_net.h> maps to <nke/kext_net.h>.
 * Put spec/compat on the include path to build a Mac OS X 10.1–10.3 NKE
 * source against the OpenNKE ABI (spec/abi.md, ABI-COMPAT-*).
 */
#ifndef NKE_COMPAT_NET_KEXT_NET_H
#define NKE_COMPAT_NET_KEXT_NET_H
#include <nke/kext_net.h>
#endif

/*
 * OpenNKE compatibility header: legacy <sys/protosw.h> maps to <nke/protosw.h>.
 * Put spec/compat on the include path to build a Mac OS X 10.1–10.3 NKE
 * source against the OpenNKE ABI (spec/abi.md, ABI-COMPAT-*).
 */
#ifndef NKE_COMPAT_SYS_PROTOSW_H
#define NKE_COMPAT_SYS_PROTOSW_H
#include <nke/protosw.h>
#endif

/*
 * OpenNKE compatibility header: legacy <sys/domain.h> maps to <nke/domain.h>.
 * Put spec/compat on the include path to build a Mac OS X 10.1–10.3 NKE
 * source against the OpenNKE ABI (spec/abi.md, ABI-COMPAT-*).
 */
#ifndef NKE_COMPAT_SYS_DOMAIN_H
#define NKE_COMPAT_SYS_DOMAIN_H
#include <nke/domain.h>
#endif

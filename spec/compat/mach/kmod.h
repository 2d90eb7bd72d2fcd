/*
 * OpenNKE compatibility header: legacy <mach/kmod.h> maps to <nke/kmod.h>.
 * Put spec/compat on the include path to build a Mac OS X 10.1–10.3 NKE
 * source against the OpenNKE ABI (spec/abi.md, ABI-COMPAT-*).
 */
#ifndef NKE_COMPAT_MACH_KMOD_H
#define NKE_COMPAT_MACH_KMOD_H
#include <nke/kmod.h>
#endif

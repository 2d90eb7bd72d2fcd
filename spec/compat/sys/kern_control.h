/*
 * OpenNKE compatibility header: legacy <sys/kern_control.h> maps to <nke/kern_control.h>.
 * Put spec/compat on the include path to build a Mac OS X 10.1–10.3 NKE
 * source against the OpenNKE ABI (spec/abi.md, ABI-COMPAT-*).
 */
#ifndef NKE_COMPAT_SYS_KERN_CONTROL_H
#define NKE_COMPAT_SYS_KERN_CONTROL_H
#include <nke/kern_control.h>
#endif

/*
 * OpenNKE compatibility header: legacy <sys/kern_event.h> maps to <nke/kern_event.h>.
 * Put spec/compat on the include path to build a Mac OS X 10.1–10.3 NKE
 * source against the OpenNKE ABI (spec/abi.md, ABI-COMPAT-*).
 */
#ifndef NKE_COMPAT_SYS_KERN_EVENT_H
#define NKE_COMPAT_SYS_KERN_EVENT_H
#include <nke/kern_event.h>
#endif

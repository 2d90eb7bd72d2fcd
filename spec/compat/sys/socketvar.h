/*
 * OpenNKE compatibility header: legacy <sys/socketvar.h> maps to <nke/socket.h>.
 * Put spec/compat on the include path to build a Mac OS X 10.1–10.3 NKE
 * source against the OpenNKE ABI (spec/abi.md, ABI-COMPAT-*).
 */
#ifndef NKE_COMPAT_SYS_SOCKETVAR_H
#define NKE_COMPAT_SYS_SOCKETVAR_H
#include <nke/socket.h>
#endif

/*
 * OpenNKE ABI — every header at once.
 */
#ifndef NKE_NKE_H
#define NKE_NKE_H

#include <nke/types.h>
#include <nke/kern.h>
#include <nke/mbuf.h>
#include <nke/domain.h>
#include <nke/protosw.h>
#include <nke/socket.h>
#include <nke/syscalls.h>
#include <nke/kext_net.h>
#include <nke/sys_domain.h>
#include <nke/kern_control.h>
#include <nke/kern_event.h>
#include <nke/dlil.h>
#include <nke/kmod.h>
#include <nke/harness.h>

#endif /* NKE_NKE_H */

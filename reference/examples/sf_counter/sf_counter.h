/*
 * sf_counter — an example programmatic socket NKE: a program attaches it to
 * one socket with setsockopt(SOL_SOCKET, SO_NKE) and reads per-socket byte
 * counts back with getsockopt at the filter's own option level.
 *
 *   struct so_nke nke = {SF_COUNTER_HANDLE, 0, NFF_AFTER};
 *   nke_setsockopt(s, SOL_SOCKET, SO_NKE, &nke, sizeof nke);
 *   ...
 *   struct sf_counter_stats st; socklen_t len = sizeof st;
 *   nke_getsockopt(s, SF_COUNTER_LEVEL, SF_COUNTER_STATS, &st, &len);
 */
#ifndef SF_COUNTER_H
#define SF_COUNTER_H

#include <stdint.h>

#define SF_COUNTER_HANDLE 0x636e7431u /* 'cnt1' */
#define SF_COUNTER_LEVEL 0x636e74     /* an option level no protocol uses */
#define SF_COUNTER_STATS 1            /* get: struct sf_counter_stats */
#define SF_COUNTER_RESET 2            /* set: zero the counts (no value) */

struct sf_counter_stats {
    uint64_t bytes_out;      /* data bytes sent through the socket */
    uint64_t bytes_in;       /* data bytes queued for the socket to receive */
    uint32_t messages_out;
    uint32_t messages_in;
};

#endif

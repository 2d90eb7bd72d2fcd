/*
 * sf_logger — an example global socket NKE that logs every socket
 * operation of one protocol (nke_log, LOG_INFO) without changing anything.
 *
 * Pass a struct sf_logger_config as the kmod_load data to choose the
 * protocol (family/type/protocol, looked up with pffindproto or pffindtype)
 * and to read the counts.
 */
#ifndef SF_LOGGER_H
#define SF_LOGGER_H

#include <stdint.h>

#define SF_LOGGER_HANDLE 0x6c6f6731u /* 'log1' */

struct sf_logger_config {
    int family;
    int type;
    int protocol;                 /* 0: pffindtype(family, type) */
    /* out: what the filter saw (atomic counters) */
    uint32_t sockets_created;     /* sf_socreate */
    uint32_t sockets_freed;       /* sf_sofree */
    uint32_t sends;               /* sf_sosend */
    uint32_t receives;            /* sf_soreceive */
    uint32_t bytes_sent;          /* length of the chains seen by sf_sosend */
    uint32_t events;              /* every hook call */
};

#endif

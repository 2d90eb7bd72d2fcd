/*
 * pf_echo — an example protocol-family NKE: family PF_ECHO (43) with one
 * protocol handler, a datagram echo service.
 *
 *   int s = nke_socket(PF_ECHO, SOCK_DGRAM, 0);
 *   nke_sendto(s, "hi", 2, 0, &any_echo_address, sizeof any_echo_address);
 *   nke_recvfrom(s, buf, sizeof buf, 0, &from, &fromlen);   // "hi", from the echo service
 *
 * Every datagram sent on a socket comes back to the same socket as one
 * record, tagged with the service's address (struct sockaddr_echo with
 * se_port ECHO_PORT).  A connected socket (nke_connect) may use nke_send.
 */
#ifndef PF_ECHO_H
#define PF_ECHO_H

#include <stdint.h>

#define PF_ECHO 43
#define AF_ECHO PF_ECHO
#define ECHO_PORT 7

struct sockaddr_echo {
    uint8_t se_len;      /* sizeof(struct sockaddr_echo) */
    uint8_t se_family;   /* AF_ECHO */
    uint16_t se_port;    /* ECHO_PORT */
    uint8_t se_zero[12];
};

/* Statistics the module keeps; a loader may pass a struct pf_echo_stats *
 * as the kmod_load data to read them. */
struct pf_echo_stats {
    uint32_t sockets;     /* live sockets */
    uint32_t datagrams;   /* datagrams echoed */
    uint32_t dropped;     /* datagrams that did not fit the receive buffer */
};

#endif

// Connection state changes made by protocols, buffer reservations and
// wake-ups (spec/socket.md, SOCK-STATE-*, SOCK-RESERVE-*).
//
// Each state change is a socket-filter call site: the filters' hook runs
// first, and any non-zero answer skips the change entirely (hist §3.5:
// "skip the operation", no state change and no wake-up).
#include "socket/socket_impl.hpp"
#include "sockfilter/hooks.hpp"

namespace nke::ref::sock {
namespace {

void queue_remove(SockQueue &q, struct socket *so) noexcept {
    if (so->so_qprev) so->so_qprev->so_qnext = so->so_qnext;
    else q.first = so->so_qnext;
    if (so->so_qnext) so->so_qnext->so_qprev = so->so_qprev;
    else q.last = so->so_qprev;
    so->so_qprev = so->so_qnext = nullptr;
    --q.len;
}

void queue_append(SockQueue &q, struct socket *so) noexcept {
    so->so_qnext = nullptr;
    so->so_qprev = q.last;
    if (q.last) q.last->so_qnext = so;
    else q.first = so;
    q.last = so;
    ++q.len;
}

}  // namespace

void wakeup(struct socket *so) noexcept { so->so_wait.wake_all(); }

void isconnecting(struct socket *so) noexcept {
    // No hook: sf_soisconnecting was never called (hist §3.1, SF-HOOK-019).
    so->so_state &= ~(SS_ISCONNECTED | SS_ISDISCONNECTING | SS_ISDISCONNECTED);
    so->so_state |= SS_ISCONNECTING;
}

void isconnected(struct socket *so) noexcept {
    if (sf::sockif_chain<&sockif::sf_soisconnected>(so) != 0) return;
    so->so_state &= ~(SS_ISCONNECTING | SS_ISDISCONNECTING | SS_ISCONFIRMING | SS_ISDISCONNECTED);
    so->so_state |= SS_ISCONNECTED;
    struct socket *head = so->so_head;
    if (head && (so->so_state & SS_INCOMP)) {
        // An embryonic connection completes: accept may take it now.
        queue_remove(head->so_incomp, so);
        so->so_state &= ~SS_INCOMP;
        so->so_state |= SS_COMP;
        queue_append(head->so_comp, so);
        wakeup(head);
        return;
    }
    wakeup(so);
}

void isdisconnecting(struct socket *so) noexcept {
    if (sf::sockif_chain<&sockif::sf_soisdisconnecting>(so) != 0) return;
    so->so_state &= ~SS_ISCONNECTING;
    so->so_state |= SS_ISDISCONNECTING | SS_CANTRCVMORE | SS_CANTSENDMORE;
    wakeup(so);
}

void isdisconnected(struct socket *so) noexcept {
    if (sf::sockif_chain<&sockif::sf_soisdisconnected>(so) != 0) return;
    so->so_state &= ~(SS_ISCONNECTING | SS_ISCONNECTED | SS_ISDISCONNECTING);
    so->so_state |= SS_CANTRCVMORE | SS_CANTSENDMORE | SS_ISDISCONNECTED;
    wakeup(so);
}

void cantsendmore(struct socket *so) noexcept {
    if (sf::sockif_chain<&sockif::sf_socantsendmore>(so) != 0) return;
    so->so_state |= SS_CANTSENDMORE;
    wakeup(so);
}

void cantrcvmore(struct socket *so) noexcept {
    if (sf::sockif_chain<&sockif::sf_socantrcvmore>(so) != 0) return;
    so->so_state |= SS_CANTRCVMORE;
    wakeup(so);
}

int sbreserve(struct sockbuf &sb, uint32_t cc) noexcept {
    if (cc > kSbMax) return ENOBUFS;
    sb.sb_hiwat = cc;
    // A larger reservation can unblock a sender.
    if (sb.sb_so) wakeup(sb.sb_so);
    return 0;
}

int so_reserve(struct socket *so, uint32_t sndcc, uint32_t rcvcc) noexcept {
    // sf_soreserve's answer is honoured (hist §9.2 #12: history returned
    // garbage): 0 goes on, EJUSTRETURN is success without a reservation,
    // an error is returned with nothing reserved.
    const int rc = sf::sockif_chain<&sockif::sf_soreserve>(so, sndcc, rcvcc);
    if (rc == EJUSTRETURN) return 0;
    if (rc != 0) return user_result(rc);
    if (sndcc > kSbMax || rcvcc > kSbMax) return ENOBUFS;
    (void)sbreserve(so->so_snd, sndcc);
    (void)sbreserve(so->so_rcv, rcvcc);
    return 0;
}

// Exported for socreate.cpp: queue bookkeeping shared with sonewconn/accept.
void queue_insert(SockQueue &q, struct socket *so) noexcept { queue_append(q, so); }
void queue_unlink(SockQueue &q, struct socket *so) noexcept { queue_remove(q, so); }

}  // namespace nke::ref::sock

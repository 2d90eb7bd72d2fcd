// Creating and freeing sockets: socreate, sonewconn, soclose, soabort and
// the one final free (spec/socket.md SOCK-CREATE-*, SOCK-NEWCONN-*,
// SOCK-CLOSE-*; spec/domain.md DOM-REFS-*, PROTO-REFS-*).
//
// dom_refs and pr_refs count live sockets: +1 when a creation succeeds
// (socreate after pru_attach, sonewconn after pru_attach or a filter's
// EJUSTRETURN), -1 exactly once in sofree_final.  History decremented only
// in soclose, so aborted and swallowed connections leaked references
// (hist §5.4, §9.2 #17); here every path ends in sofree_final.
#include "core/alloc.hpp"
#include "core/counters.hpp"
#include "socket/socket_impl.hpp"
#include "socket/usrreq.hpp"
#include "sockfilter/hooks.hpp"
#include "sockfilter/registry.hpp"

#include <memory>

namespace nke::ref::sock {
namespace {

struct socket *soalloc() noexcept {
    auto so = try_make<struct socket>();
    if (!so) return nullptr;
    so->so_rcv.sb_so = so.get();
    so->so_snd.sb_so = so.get();
    live_add(Live::sockets, 1);
    return so.release();
}

void count(struct socket *so) noexcept {
    dom::socket_created(*so->so_entry);
    so->so_counted = true;
}

}  // namespace

void sofree_final(struct socket *so) noexcept {
    so->so_dying = true;
    // Filters first, while the socket is whole: sf_sofree exactly once each
    // (hist §9.2 #12: history called it several times).
    sf::detach_all(so);
    sb_release(so->so_snd);
    sb_release(so->so_rcv);
    if (so->so_counted) dom::socket_freed(*so->so_entry);
    live_add(Live::sockets, -1);
    std::unique_ptr<struct socket> gone(so);
}

int socreate(int family, int type, int protocol, struct socket **out) noexcept {
    // Look-up (hist §3.3 step 1): an unknown family, no match, or a
    // protocol that cannot make sockets all give EPROTONOSUPPORT.
    protosw *pr = protocol != 0 ? dom::find_proto(family, protocol, type) : dom::find_type(family, type);
    if (pr == nullptr || pr->pr_usrreqs->pru_attach == nullptr) return EPROTONOSUPPORT;
    struct socket *so = soalloc();
    if (so == nullptr) return ENOBUFS;
    so->so_type = type;
    so->so_proto = pr;
    so->so_entry = dom::entry_of(pr);
    if (proc_suser(current_proc()) == 0) so->so_state |= SS_PRIV;
    // Global filters see sf_socreate before the protocol attaches (hist §3.3).
    if (const int rc = sf::attach_globals(so); rc != 0) {
        sofree_final(so);
        return rc;
    }
    if (const int rc = call_usrreq<&pr_usrreqs::pru_attach>(so, so, protocol, current_proc()); rc != 0) {
        sofree_final(so);
        return rc;
    }
    so->so_attached = true;
    count(so);
    *out = so;
    return 0;
}

struct socket *so_newconn(struct socket *head, int connstatus) noexcept {
    if (head == nullptr || head->so_dying || !(head->so_options & SOF_ACCEPTCONN)) return nullptr;
    // The queue limit of 4.4BSD: more than 3/2 of the backlog pending.
    if (head->so_incomp.len + head->so_comp.len > 3 * head->so_qlimit / 2) return nullptr;
    struct socket *so = soalloc();
    if (so == nullptr) return nullptr;
    so->so_type = head->so_type;
    so->so_proto = head->so_proto;
    so->so_entry = head->so_entry;
    so->so_options = head->so_options & ~SOF_ACCEPTCONN;
    so->so_state = (head->so_state & (SS_PRIV | SS_NBIO)) | SS_NOFDREF;
    // Only the protosw's global filters: the listener's SO_NKE filters are
    // not inherited (hist §3.5).
    if (sf::attach_globals(so) != 0) {
        sofree_final(so);
        return nullptr;
    }
    const int veto = sf::sockif_chain<&sockif::sf_sonewconn>(so, connstatus);
    if (veto != 0 && veto != EJUSTRETURN) {
        // History leaked the kextcbs here; the socket is simply freed.
        sofree_final(so);
        return nullptr;
    }
    (void)so_reserve(so, head->so_snd.sb_hiwat, head->so_rcv.sb_hiwat);
    const bool swallowed = veto == EJUSTRETURN;
    if (!swallowed) {
        if (call_usrreq<&pr_usrreqs::pru_attach>(so, so, 0, current_proc()) != 0) {
            sofree_final(so);
            return nullptr;
        }
        so->so_attached = true;
    }
    count(so);
    so->so_head = head;
    if (connstatus != 0 && !swallowed) {
        so->so_state |= SS_COMP | (connstatus & (SS_ISCONNECTED | SS_ISCONFIRMING));
        queue_insert(head->so_comp, so);
        wakeup(head);
    } else {
        // A swallowed connection waits, unattached, on the incomplete queue:
        // the filter owns its fate, and closing the listener frees it
        // (SOCK-NEWCONN-006; history left it on no queue and leaked it).
        so->so_state |= SS_INCOMP;
        queue_insert(head->so_incomp, so);
    }
    return so;
}

struct socket *dequeue_completed(struct socket *head) noexcept {
    struct socket *so = head->so_comp.first;
    if (so == nullptr) return nullptr;
    queue_unlink(head->so_comp, so);
    so->so_state &= ~SS_COMP;
    so->so_head = nullptr;
    return so;
}

void soabort(struct socket *so) noexcept {
    // The protocol drops the connection; a protocol without pru_abort gets
    // pru_detach, and a socket that never attached gets neither.
    if (so->so_attached) {
        if (has_usrreq<&pr_usrreqs::pru_abort>(so)) (void)call_usrreq<&pr_usrreqs::pru_abort>(so, so);
        else if (has_usrreq<&pr_usrreqs::pru_detach>(so)) (void)call_usrreq<&pr_usrreqs::pru_detach>(so, so);
    }
    sofree_final(so);
}

void soclose(struct socket *so) noexcept {
    so->so_state |= SS_NOFDREF;
    // sf_soclose is told; its answer cannot stop the close (hist §9.2 #13).
    (void)sf::sockif_chain<&sockif::sf_soclose>(so);
    if (so->so_options & SOF_ACCEPTCONN) {
        // No new connections from here on, then abort the pending ones.
        so->so_options &= ~SOF_ACCEPTCONN;
        for (;;) {
            struct socket *x = so->so_incomp.first;
            SockQueue *q = &so->so_incomp;
            if (x == nullptr) {
                x = so->so_comp.first;
                q = &so->so_comp;
            }
            if (x == nullptr) break;
            queue_unlink(*q, x);
            x->so_state &= ~(SS_INCOMP | SS_COMP);
            x->so_head = nullptr;
            soabort(x);
        }
    }
    if (so->so_attached) {
        if ((so->so_state & SS_ISCONNECTED) && !(so->so_state & SS_ISDISCONNECTING)) {
            (void)sodisconnect(so);
        }
        if (has_usrreq<&pr_usrreqs::pru_detach>(so)) (void)call_usrreq<&pr_usrreqs::pru_detach>(so, so);
    }
    sofree_final(so);
}

}  // namespace nke::ref::sock

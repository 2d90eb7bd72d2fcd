// Socket buffers: records of mbuf chains (spec/socket.md, SOCK-SB-*).
//
// A buffer holds records, oldest first, chained through m_nextpkt of each
// record's first mbuf.  A record is one chain: an optional MT_SONAME mbuf
// (the sender's address, datagram protocols), optional MT_CONTROL mbufs,
// then the data.  Stream data joins the last record unless that record
// ends with M_EOR (hist §2.7); sbappendrecord, sbappendaddr and
// sbappendcontrol always start a new record.
//
// The KPI operations run the socket filters' su_* hooks first (SF-HOOK-*);
// the socket layer's own consumption (receive, release on free) does not.
#include "socket/socket_impl.hpp"
#include "sockfilter/hooks.hpp"

#include "mbuf/mbuf_internal.hpp"  // last: <nke/mbuf.h> defines m_* macros

#include <algorithm>
#include <cstring>

namespace nke::ref::sock {
namespace {

struct mbuf *last_of(struct mbuf *m) noexcept {
    while (m->m_next) m = m->m_next;
    return m;
}

// Link a chain as a new record at the tail.
void link_record(struct sockbuf &sb, struct mbuf *rec) noexcept {
    rec->m_nextpkt = nullptr;
    if (sb.sb_lastrecord) sb.sb_lastrecord->m_nextpkt = rec;
    else sb.sb_mb = rec;
    sb.sb_lastrecord = rec;
    sb.sb_cc += chain_bytes(rec);
}

// Drop zero-length mbufs from a data chain (history's sbcompress did the
// same), keeping one that carries M_EOR so that a record boundary survives.
struct mbuf *compress(struct mbuf *m) noexcept {
    struct mbuf *head = nullptr;
    struct mbuf **tail = &head;
    while (m) {
        struct mbuf *next = m->m_next;
        m->m_next = nullptr;
        if (m->m_len == 0 && !(m->m_flags & M_EOR)) {
            mb::free_one(m);
        } else {
            *tail = m;
            tail = &m->m_next;
        }
        m = next;
    }
    return head;
}

// Splice a data chain onto the queue: into the last record, or as a new one.
void append_data(struct sockbuf &sb, struct mbuf *m) noexcept {
    m->m_nextpkt = nullptr;
    m = compress(m);
    if (m == nullptr) return;
    if (sb.sb_lastrecord && !(last_of(sb.sb_lastrecord)->m_flags & M_EOR)) {
        last_of(sb.sb_lastrecord)->m_next = m;
        sb.sb_cc += chain_bytes(m);
        return;
    }
    link_record(sb, m);
}

// Build [control...][m0] as one chain.
struct mbuf *join(struct mbuf *control, struct mbuf *m0) noexcept {
    if (control == nullptr) return m0;
    last_of(control)->m_next = m0;
    return control;
}

}  // namespace

uint32_t chain_bytes(const struct mbuf *m) noexcept {
    uint64_t n = 0;
    for (; m; m = m->m_next) {
        if (m->m_len > 0) n += static_cast<uint64_t>(m->m_len);
    }
    return n > UINT32_MAX ? UINT32_MAX : static_cast<uint32_t>(n);
}

long sb_space(const struct sockbuf &sb) noexcept {
    return static_cast<long>(sb.sb_hiwat) - static_cast<long>(sb.sb_cc);
}

void sb_append(struct sockbuf *sb, struct mbuf *m) noexcept {
    if (sb == nullptr || m == nullptr) return;
    // Any non-zero answer: the filter took the chain (SF-HOOK-SB-001).
    if (sf::sockutil_chain<&sockutil::su_sbappend>(sb, m) != 0) return;
    append_data(*sb, m);
}

void sb_append_record(struct sockbuf *sb, struct mbuf *m0) noexcept {
    if (sb == nullptr || m0 == nullptr) return;
    if (sf::sockutil_chain<&sockutil::su_sbappendrecord>(sb, m0) != 0) return;
    // The first mbuf stays even when empty: an empty datagram is a record.
    m0->m_nextpkt = nullptr;
    struct mbuf *rest = compress(m0->m_next);
    m0->m_next = rest;
    link_record(*sb, m0);
}

int sb_append_addr(struct sockbuf *sb, const struct nke_sockaddr *asa, struct mbuf *m0,
                 struct mbuf *control) noexcept {
    if (sb == nullptr) return 0;
    // A filter that answers non-zero has taken the mbufs: report "left the
    // caller" (hist §9.2 #12: history reported "no space" and the caller
    // freed what the filter kept).
    if (sf::sockutil_chain<&sockutil::su_sbappendaddr>(sb, asa, m0, control) != 0) return 1;
    if (asa == nullptr || asa->sa_len < 2 || asa->sa_len > MLEN) return 0;
    const uint64_t need = uint64_t{asa->sa_len} + chain_bytes(m0) + chain_bytes(control);
    if (static_cast<int64_t>(need) > sb_space(*sb)) return 0;
    struct mbuf *name = mb::get(M_DONTWAIT, MT_SONAME);
    if (name == nullptr) return 0;
    std::memcpy(name->m_data, asa, asa->sa_len);
    name->m_len = asa->sa_len;
    name->m_next = join(control, m0);
    if (m0) m0->m_nextpkt = nullptr;
    link_record(*sb, name);
    return 1;
}

int sb_append_control(struct sockbuf *sb, struct mbuf *m0, struct mbuf *control) noexcept {
    if (sb == nullptr) return 0;
    if (sf::sockutil_chain<&sockutil::su_sbappendcontrol>(sb, m0, control) != 0) return 1;
    if (control == nullptr) return 0;
    const uint64_t need = uint64_t{chain_bytes(m0)} + chain_bytes(control);
    if (static_cast<int64_t>(need) > sb_space(*sb)) return 0;
    if (m0) m0->m_nextpkt = nullptr;
    link_record(*sb, join(control, m0));
    return 1;
}

void sb_flush(struct sockbuf *sb) noexcept {
    if (sb == nullptr) return;
    if (sf::sockutil_chain<&sockutil::su_sbflush>(sb) != 0) return;
    sb_release(*sb);
}

void sb_drop(struct sockbuf *sb, int len) noexcept {
    if (sb == nullptr || len <= 0) return;
    if (sf::sockutil_chain<&sockutil::su_sbdrop>(sb, len) != 0) return;
    // Bytes from the front, across records (hist: sbdrop); more than is
    // queued empties the buffer (history panicked).
    uint32_t left = std::min<uint32_t>(static_cast<uint32_t>(len), sb->sb_cc);
    while (left > 0 && sb->sb_mb) {
        struct mbuf *m = sb->sb_mb;
        const uint32_t mlen = m->m_len > 0 ? static_cast<uint32_t>(m->m_len) : 0;
        if (mlen <= left) {
            // Free the first mbuf; the next one (if any) heads the record.
            struct mbuf *next = m->m_next;
            if (next) {
                next->m_nextpkt = m->m_nextpkt;
                if (sb->sb_lastrecord == m) sb->sb_lastrecord = next;
                sb->sb_mb = next;
            } else {
                sb->sb_mb = m->m_nextpkt;
                if (sb->sb_lastrecord == m) sb->sb_lastrecord = nullptr;
            }
            m->m_next = nullptr;
            m->m_nextpkt = nullptr;
            mb::free_one(m);
            sb->sb_cc -= mlen;
            left -= mlen;
        } else {
            m->m_data += left;
            m->m_len -= static_cast<int>(left);
            if (m->m_flags & M_PKTHDR) m->m_pkthdr.len -= static_cast<int>(left);
            sb->sb_cc -= left;
            left = 0;
        }
    }
}

void sb_drop_record(struct sockbuf *sb) noexcept {
    if (sb == nullptr || sb->sb_mb == nullptr) return;
    if (sf::sockutil_chain<&sockutil::su_sbdroprecord>(sb) != 0) return;
    sb_remove_record(*sb);
}

void sb_remove_record(struct sockbuf &sb) noexcept {
    struct mbuf *rec = sb.sb_mb;
    if (rec == nullptr) return;
    sb.sb_mb = rec->m_nextpkt;
    if (sb.sb_lastrecord == rec) sb.sb_lastrecord = nullptr;
    rec->m_nextpkt = nullptr;
    sb.sb_cc -= std::min(sb.sb_cc, chain_bytes(rec));
    mb::free_chain(rec);
}

void sb_release(struct sockbuf &sb) noexcept {
    while (sb.sb_mb) sb_remove_record(sb);
    sb.sb_cc = 0;
}

}  // namespace nke::ref::sock

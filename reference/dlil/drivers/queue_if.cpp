#include "queue_if.hpp"

#include <cerrno>
#include <chrono>
#include <cstring>
#include <thread>

namespace nke::drivers {

std::vector<uint8_t> chain_bytes(const struct mbuf *m) {
    std::vector<uint8_t> out;
    for (; m != nullptr; m = m->m_next) {
        const auto *p = reinterpret_cast<const uint8_t *>(m->m_data);
        out.insert(out.end(), p, p + m->m_len);
    }
    return out;
}

QueueIf::QueueIf(const std::string &name, int16_t unit, const uint8_t lladdr[6], bool promiscuous) {
    std::strncpy(ifp_.if_name, name.c_str(), NKE_IFNAMSIZ - 1);
    ifp_.if_unit = unit;
    ifp_.if_family = APPLE_IF_FAM_ETHERNET;
    ifp_.if_flags = NKE_IFF_UP | NKE_IFF_RUNNING | NKE_IFF_BROADCAST | NKE_IFF_MULTICAST |
                    (promiscuous ? NKE_IFF_PROMISC : 0);
    ifp_.if_mtu = 1500;
    ifp_.if_addrlen = 6;
    ifp_.if_hdrlen = 14;
    std::memcpy(ifp_.if_lladdr, lladdr, 6);
    ifp_.if_softc = this;
    ifp_.if_output = &QueueIf::output;
    ifp_.if_free = &QueueIf::freed;
}

QueueIf::~QueueIf() {
    if (attached_) (void)detach(0);
}

int QueueIf::attach() {
    const int rc = dlil_if_attach(&ifp_);
    attached_ = rc == 0;
    return rc;
}

int QueueIf::detach(int patience_ms) {
    const int rc = dlil_if_detach(&ifp_);
    if (rc == 0) {
        attached_ = false;
        return 0;
    }
    if (rc != DLIL_WAIT_FOR_FREE) return rc;
    // Protocols are still attached: the stack calls if_free when the last
    // one detaches.  The ifnet must stay valid until then.
    for (int waited = 0;; ++waited) {
        {
            std::lock_guard lk(mu_);
            if (if_free_called_) break;
        }
        if (waited >= patience_ms) return EBUSY;
        std::this_thread::sleep_for(std::chrono::milliseconds(1));
    }
    attached_ = false;
    return 0;
}

int QueueIf::receive(const uint8_t *bytes, size_t len) {
    struct mbuf *m = m_devget(reinterpret_cast<const char *>(bytes), static_cast<int>(len), 0, nullptr);
    if (m == nullptr) return ENOBUFS;
    m->m_pkthdr.header = nullptr;  // the stack splits the link header off
    return dlil_input(&ifp_, m, m);
}

std::vector<std::vector<uint8_t>> QueueIf::take_sent() {
    std::lock_guard lk(mu_);
    std::vector<std::vector<uint8_t>> v(std::make_move_iterator(sent_.begin()),
                                        std::make_move_iterator(sent_.end()));
    sent_.clear();
    return v;
}

size_t QueueIf::sent_count() const {
    std::lock_guard lk(mu_);
    return sent_total_;
}

int QueueIf::output(ifnet *ifp, struct mbuf *m) {
    auto *self = static_cast<QueueIf *>(ifp->if_softc);
    std::vector<uint8_t> bytes = chain_bytes(m);
    m_freem(m);  // the driver owns m, whatever it returns
    std::lock_guard lk(self->mu_);
    self->sent_.push_back(std::move(bytes));
    ++self->sent_total_;
    return 0;
}

void QueueIf::freed(ifnet *ifp) {
    auto *self = static_cast<QueueIf *>(ifp->if_softc);
    std::lock_guard lk(self->mu_);
    self->if_free_called_ = true;
}

LoopIf::LoopIf(int16_t unit) {
    std::strncpy(ifp_.if_name, "lo", NKE_IFNAMSIZ - 1);
    ifp_.if_unit = unit;
    ifp_.if_family = APPLE_IF_FAM_LOOPBACK;
    ifp_.if_flags = NKE_IFF_UP | NKE_IFF_RUNNING | NKE_IFF_LOOPBACK;
    ifp_.if_mtu = 16384;
    ifp_.if_hdrlen = 4;
    ifp_.if_softc = this;
    ifp_.if_output = &LoopIf::output;
}

LoopIf::~LoopIf() {
    if (attached_) (void)detach();
}

int LoopIf::attach() {
    const int rc = dlil_if_attach(&ifp_);
    attached_ = rc == 0;
    return rc;
}

int LoopIf::detach() {
    const int rc = dlil_if_detach(&ifp_);
    if (rc == 0 || rc == DLIL_WAIT_FOR_FREE) attached_ = false;
    return rc;
}

int LoopIf::output(ifnet *ifp, struct mbuf *m) {
    // The frame (4-byte family header first) comes straight back in.
    if (m->m_flags & M_PKTHDR) {
        m->m_pkthdr.header = nullptr;
        m->m_pkthdr.rcvif = nullptr;
    }
    m->m_nextpkt = nullptr;
    return dlil_input(ifp, m, m);
}

}  // namespace nke::drivers

// Self-test of the reference drivers (ABI only): a frame written into a
// QueueIf reaches a protocol; a frame a protocol sends on a LoopIf comes
// back to it through dlil_input; and each interface detaches cleanly, with
// and without protocols still attached.
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <chrono>
#include <thread>

#include "queue_if.hpp"  // last: <nke/mbuf.h> defines m_* macros

namespace {

int g_received = 0;
uint32_t g_pf = 0x4e4b4c4f;

int count_input(struct mbuf *m, char *, ifnet *, unsigned long, int) {
    ++g_received;
    m_freem(m);
    return 0;
}

int loop_pre_output(ifnet *, struct mbuf **, const nke_sockaddr *, void *, char *frame_type, char *,
                    unsigned long) {
    std::memcpy(frame_type, &g_pf, sizeof g_pf);  // the loopback header: our family
    return 0;
}

#define CHECK(cond)                                                               \
    do {                                                                          \
        if (!(cond)) {                                                            \
            std::fprintf(stderr, "drivers_selftest: %s:%d: %s\n", __FILE__, __LINE__, #cond); \
            return 1;                                                             \
        }                                                                         \
    } while (0)

int queue_if() {
    const uint8_t mac[6] = {2, 0, 0, 0, 0, 1};
    nke::drivers::QueueIf q("qt", 0, mac, false);
    CHECK(q.attach() == 0);
    unsigned char type[2] = {0x88, 0xb5};
    dlil_demux_desc d{};
    d.type = DLIL_DESC_ETYPE2;
    d.native_type = type;
    dlil_proto_reg_str r{};
    TAILQ_INIT(&r.demux_desc_head);
    TAILQ_INSERT_TAIL(&r.demux_desc_head, &d, next);
    r.interface_family = APPLE_IF_FAM_ETHERNET;
    r.protocol_family = 7;
    r.input = count_input;
    unsigned long tag = 0;
    CHECK(dlil_attach_protocol(&r, &tag) == 0);
    uint8_t frame[60] = {2, 0, 0, 0, 0, 1, 2, 0, 0, 0, 0, 2, 0x88, 0xb5};
    g_received = 0;
    CHECK(q.receive(frame, sizeof frame) == 0);
    CHECK(g_received == 1);
    CHECK(q.counters().ifi_ipackets == 1);
    struct mbuf *m = m_gethdr(M_DONTWAIT, MT_DATA);
    CHECK(m != nullptr);
    m->m_len = m->m_pkthdr.len = 20;
    std::memset(m->m_data, 0x5a, 20);
    CHECK(dlil_output(tag, m, nullptr, nullptr, 1) == 0);
    auto sent = q.take_sent();
    CHECK(sent.size() == 1 && sent[0].size() == 20 && sent[0][0] == 0x5a);
    // Detach with the protocol still attached: QueueIf waits for if_free,
    // which the protocol's detach triggers (from another thread here).
    std::thread later([tag] {
        std::this_thread::sleep_for(std::chrono::milliseconds(20));
        (void)dlil_detach_protocol(tag);
    });
    const int rc = q.detach();
    later.join();
    CHECK(rc == 0);
    return 0;
}

int loop_if() {
    nke::drivers::LoopIf lo(7);
    CHECK(lo.attach() == 0);
    CHECK(ifunit("lo7") == lo.ifp());
    dlil_proto_reg_str r{};
    TAILQ_INIT(&r.demux_desc_head);
    r.interface_family = APPLE_IF_FAM_LOOPBACK;
    r.unit_number = 7;
    r.protocol_family = g_pf;
    r.input = count_input;
    r.pre_output = loop_pre_output;
    unsigned long tag = 0;
    CHECK(dlil_attach_protocol(&r, &tag) == 0);
    struct mbuf *m = m_gethdr(M_DONTWAIT, MT_DATA);
    CHECK(m != nullptr);
    m->m_len = m->m_pkthdr.len = 32;
    g_received = 0;
    CHECK(dlil_output(tag, m, nullptr, nullptr, 0) == 0);  // framed, looped, delivered
    CHECK(g_received == 1);
    CHECK(lo.ifp()->if_data.ifi_opackets == 1 && lo.ifp()->if_data.ifi_ipackets == 1);
    CHECK(dlil_detach_protocol(tag) == 0);
    CHECK(lo.detach() == 0);
    return 0;
}

}  // namespace

int main() {
    if (queue_if() != 0 || loop_if() != 0) return 1;
    nke_counters c{};
    c.size = sizeof c;
    const nke_harness *h = nke_harness_v1();
    if (h && h->get_counters(&c) == 0 && (c.interfaces != 0 || c.dl_protos != 0)) {
        std::fprintf(stderr, "drivers_selftest: %llu interfaces, %llu protocols left\n",
                     static_cast<unsigned long long>(c.interfaces),
                     static_cast<unsigned long long>(c.dl_protos));
        return 1;
    }
    std::puts("drivers_selftest: 2 passed, 0 failed");
    return 0;
}

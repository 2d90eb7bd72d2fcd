// nke-dl-input-bench: the DLIL input fast path against a baseline (ABI only).
//
// Measures dlil_input of a 64-byte Ethernet frame through the built-in
// demux to a protocol, with 4 interface filters, against a baseline loop
// that makes the same mbuf allocation, copy and free and the same number of
// indirect calls (4 filters + 1 protocol) without the DLIL.  Prints ns per
// frame, Mpps and the ratio for each of `--rounds` rounds.  Not a test: the
// machine's load decides the numbers; compare ratios from the same run.
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>

#include <nke/nke.h>  // last: <nke/mbuf.h> defines m_* macros

namespace {

int proto_in(struct mbuf *m, char *, ifnet *, unsigned long, int) {
    m_freem(m);
    return 0;
}
int flt_in(void *, ifnet **, struct mbuf **, char **) { return 0; }
int drv_out(ifnet *, struct mbuf *m) {
    m_freem(m);
    return 0;
}

using FltFn = int (*)(void *, ifnet **, struct mbuf **, char **);
using InFn = int (*)(struct mbuf *, char *, ifnet *, unsigned long, int);
FltFn volatile g_flt = flt_in;  // volatile: keep the baseline's calls indirect
InFn volatile g_in = proto_in;

}  // namespace

int main(int argc, char **argv) {
    long frames = 5000000, rounds = 3;
    for (int k = 1; k + 1 < argc; k += 2) {
        if (!std::strcmp(argv[k], "--frames")) frames = std::atol(argv[k + 1]);
        if (!std::strcmp(argv[k], "--rounds")) rounds = std::atol(argv[k + 1]);
    }
    ifnet ifp{};
    std::strcpy(ifp.if_name, "bench");
    ifp.if_family = APPLE_IF_FAM_ETHERNET;
    ifp.if_output = drv_out;
    const uint8_t mac[6] = {2, 0, 0, 0, 0, 1};
    std::memcpy(ifp.if_lladdr, mac, 6);
    if (dlil_if_attach(&ifp) != 0) return 1;
    unsigned char type[2] = {0x08, 0x00};
    dlil_demux_desc d{};
    d.type = DLIL_DESC_ETYPE2;
    d.native_type = type;
    dlil_proto_reg_str r{};
    TAILQ_INIT(&r.demux_desc_head);
    TAILQ_INSERT_TAIL(&r.demux_desc_head, &d, next);
    r.interface_family = APPLE_IF_FAM_ETHERNET;
    r.protocol_family = 2;
    r.input = proto_in;
    unsigned long tag = 0, ids[4] = {};
    if (dlil_attach_protocol(&r, &tag) != 0) return 1;
    for (unsigned long &id : ids) {
        dlil_if_flt_str f{};
        f.filter_if_input = flt_in;
        if (dlil_attach_interface_filter(&ifp, &f, &id, DLIL_LAST_FILTER) != 0) return 1;
    }
    uint8_t frame[64] = {};
    std::memcpy(frame, mac, 6);
    frame[12] = 0x08;
    for (long round = 0; round < rounds; ++round) {
        const auto t0 = std::chrono::steady_clock::now();
        for (long i = 0; i < frames; ++i) {
            struct mbuf *m = m_gethdr(M_DONTWAIT, MT_DATA);
            std::memcpy(m->m_data, frame, sizeof frame);
            m->m_len = m->m_pkthdr.len = sizeof frame;
            m->m_pkthdr.header = nullptr;
            dlil_input(&ifp, m, m);
        }
        const auto t1 = std::chrono::steady_clock::now();
        for (long i = 0; i < frames; ++i) {
            struct mbuf *m = m_gethdr(M_DONTWAIT, MT_DATA);
            std::memcpy(m->m_data, frame, sizeof frame);
            m->m_len = m->m_pkthdr.len = sizeof frame;
            ifnet *p = &ifp;
            char *fr = m->m_data;
            m->m_data += 14;
            m->m_len -= 14;
            for (int k = 0; k < 4; ++k) g_flt(nullptr, &p, &m, &fr);
            g_in(m, fr, p, tag, 1);
        }
        const auto t2 = std::chrono::steady_clock::now();
        const double a = std::chrono::duration<double>(t1 - t0).count();
        const double b = std::chrono::duration<double>(t2 - t1).count();
        std::printf("dlil_input %.1f ns/frame (%.2f Mpps)  baseline %.1f ns (%.2f Mpps)  ratio %.2f\n",
                    a / static_cast<double>(frames) * 1e9, static_cast<double>(frames) / a / 1e6,
                    b / static_cast<double>(frames) * 1e9, static_cast<double>(frames) / b / 1e6, a / b);
    }
    for (unsigned long id : ids) dlil_detach_filter(id);
    dlil_detach_protocol(tag);
    return dlil_if_detach(&ifp) == 0 ? 0 : 1;
}

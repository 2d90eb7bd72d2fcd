// kev_filter — kernel-event filters and delivery (spec/kern_event.md
// KEV-FILT-*, KEV-POST-*, KEV-SOCK-005/006/009).
//
// Three event sockets live across inputs (drained and reset at the start of
// each).  The input is a list of commands, each a byte c then its arguments:
//   c%8 == 0, 1  SIOCSKEVFILT on socket (c>>3)%3 with the next 12 bytes (any
//                values), then SIOCGKEVFILT must return exactly them
//   2            kev_post_msg: with c&0x80 vendor, class and subclass are one
//                byte each (0..3, so they often match), else four bytes each;
//                then 4 bytes event code, 2 bytes payload length (% 2100),
//                and (c>>3)&7 picks how the payload is split into vectors
//   3            a non-blocking receive on socket (c>>3)%3, with a buffer of
//                the next byte * 16 bytes (0: 4096)
//   4            SIOCGKEVID
//   5            an invalid post: NULL message, vendor KEV_VENDOR_NONE, or a
//                counting vector with a NULL pointer
//   6            shutdown(SHUT_RD) of socket (c>>3)%3
//   7            CTLIOCGCOUNT on an event socket (EOPNOTSUPP)
//
// A model of every socket's filter and queue (bounded by KEV_RECVSPACE)
// predicts kev_post_msg's result, which sockets get each event (the spec's
// filter rule), the ids, the drops (events_dropped) and every byte each
// receive returns (truncation included).
#include <sys/socket.h>
#include <sys/ioctl.h>
#include <sys/uio.h>

#include <algorithm>
#include <cerrno>
#include <cstdint>
#include <cstring>
#include <deque>
#include <string>
#include <vector>

#include "fdp_writer.hpp"
#include "fuzz_common.hpp"  // last: <nke/mbuf.h> macros

namespace {

using nke::fuzz::counters;
using nke::fuzz::errno_name;
using nke::fuzz::trace;

constexpr int kSocks = 3;
constexpr int kMaxCmds = 200;

struct Sock {
    int fd = -1;
    kev_request filt{KEV_VENDOR_NONE, KEV_ANY_CLASS, KEV_ANY_SUBCLASS};
    std::deque<std::vector<uint8_t>> queue;  // expected records
    size_t queued = 0;                        // bytes queued (sb_cc)
    bool shut = false;
};

Sock g_s[kSocks];
bool g_init = false;

bool matches(const kev_request &f, uint32_t v, uint32_t c, uint32_t s) {
    if (f.vendor_code == KEV_ANY_VENDOR) return true;               // KEV-FILT-004
    if (f.vendor_code != v) return false;                           // KEV-FILT-005
    if (f.kev_class != KEV_ANY_CLASS && f.kev_class != c) return false;
    return f.kev_subclass == KEV_ANY_SUBCLASS || f.kev_subclass == s;
}

int event_socket() {
    const int fd = nke_socket(PF_SYSTEM, SOCK_RAW, SYSPROTO_EVENT);
    FUZZ_CHECK(fd >= NKE_FD_FIRST, "nke_socket(PF_SYSTEM, SOCK_RAW, SYSPROTO_EVENT) failed: %s", errno_name(errno));
    return fd;
}

uint32_t last_id(int fd) {
    uint32_t id = 0;
    FUZZ_CHECK(nke_ioctl(fd, SIOCGKEVID, &id) == 0, "SIOCGKEVID failed: %s", errno_name(errno));
    return id;
}

void check_default_filter(int fd) {
    kev_request r{1, 2, 3};
    FUZZ_CHECK(nke_ioctl(fd, SIOCGKEVFILT, &r) == 0, "SIOCGKEVFILT failed: %s", errno_name(errno));
    FUZZ_CHECK(r.vendor_code == KEV_VENDOR_NONE && r.kev_class == KEV_ANY_CLASS && r.kev_subclass == KEV_ANY_SUBCLASS,
               "a new event socket's filter is {%#x, %u, %u} (KEV-FILT-001)", r.vendor_code, r.kev_class,
               r.kev_subclass);
}

// Start every input from the same state: open sockets with the default
// filter and empty queues.
void reset() {
    if (!g_init) {
        g_init = true;
        for (auto &s : g_s) {
            s.fd = event_socket();
            check_default_filter(s.fd);
            int on = 1;
            FUZZ_CHECK(nke_ioctl(s.fd, FIONBIO, &on) == 0, "FIONBIO failed");
        }
    }
    for (auto &s : g_s) {
        if (s.shut) {
            FUZZ_CHECK(nke_close(s.fd) == 0, "nke_close failed");
            s.fd = event_socket();
            check_default_filter(s.fd);
            int on = 1;
            FUZZ_CHECK(nke_ioctl(s.fd, FIONBIO, &on) == 0, "FIONBIO failed");
        } else {
            kev_request none{KEV_VENDOR_NONE, KEV_ANY_CLASS, KEV_ANY_SUBCLASS};
            FUZZ_CHECK(nke_ioctl(s.fd, SIOCSKEVFILT, &none) == 0, "SIOCSKEVFILT failed");
            char buf[64];
            for (int guard = 0; guard < 10000 && nke_recv(s.fd, buf, sizeof buf, MSG_DONTWAIT) > 0; ++guard) {
            }
        }
        s.filt = {KEV_VENDOR_NONE, KEV_ANY_CLASS, KEV_ANY_SUBCLASS};
        s.queue.clear();
        s.queued = 0;
        s.shut = false;
    }
}

struct Reader {
    const uint8_t *p, *end;
    uint8_t u8() { return p < end ? *p++ : 0; }
    uint32_t u32() {
        uint32_t v = 0;
        for (int i = 0; i < 4; ++i) v |= static_cast<uint32_t>(u8()) << (8 * i);
        return v;
    }
    uint16_t u16() { return static_cast<uint16_t>(u8() | (u8() << 8)); }
    bool done() const { return p >= end; }
};

class Runner {
public:
    void run(const uint8_t *data, size_t size) {
        reset();
        base_ = counters();
        id_ = last_id(g_s[0].fd);
        Reader r{data, data + size};
        for (int n = 0; n < kMaxCmds && !r.done(); ++n) {
            const uint8_t c = r.u8();
            switch (c & 7) {
            case 0:
            case 1: set_filter((c >> 3) % kSocks, r); break;
            case 2: post(c, r); break;
            case 3: receive((c >> 3) % kSocks, r.u8()); break;
            case 4: {
                const uint32_t got = last_id(g_s[0].fd);
                trace("ioctl(SIOCGKEVID) -> %u\n", got);
                FUZZ_CHECK(got == id_, "SIOCGKEVID returned %u, the last id assigned is %u (KEV-POST-008)", got, id_);
                break;
            }
            case 5: bad_post((c >> 3) % 3); break;
            case 6: shut((c >> 3) % kSocks); break;
            default: {
                uint32_t n32 = 0;
                errno = 0;
                const int rc = nke_ioctl(g_s[(c >> 3) % kSocks].fd, CTLIOCGCOUNT, &n32);
                trace("ioctl(event socket, CTLIOCGCOUNT) -> %d %s\n", rc, errno_name(errno));
                FUZZ_CHECK(rc == -1 && errno == EOPNOTSUPP, "CTLIOCGCOUNT on an event socket: %d/%s (KEV-IOCTL-001)", rc,
                           errno_name(errno));
                break;
            }
            }
        }
        // Read everything the model still expects; then nothing else may be
        // queued: an extra event is one the filter rule excludes.
        for (int s = 0; s < kSocks; ++s) {
            while (!g_s[s].queue.empty()) receive(s, 0);
            if (g_s[s].shut) continue;
            char buf[64];
            errno = 0;
            const ssize_t n = nke_recv(g_s[s].fd, buf, sizeof buf, MSG_DONTWAIT);
            if (n >= 0) {
                kern_event_msg h{};
                std::memcpy(&h, buf, std::min<size_t>(static_cast<size_t>(n), sizeof h));
                nke::fuzz::fail(__FILE__, __LINE__,
                                "E%d (filter {%#x, %#x, %#x}) received event {vendor %#x class %#x subclass %#x} that "
                                "the filter rule excludes (KEV-FILT-004/005, KEV-POST-009)",
                                s, g_s[s].filt.vendor_code, g_s[s].filt.kev_class, g_s[s].filt.kev_subclass,
                                h.vendor_code, h.kev_class, h.kev_subclass);
            }
            FUZZ_CHECK(errno == EWOULDBLOCK, "a receive on an empty event socket failed with %s", errno_name(errno));
        }
        const nke_counters c = counters();
        FUZZ_CHECK(c.events_posted - base_.events_posted == posted_, "events_posted rose by %llu, %u ids were assigned",
                   static_cast<unsigned long long>(c.events_posted - base_.events_posted), posted_);
        FUZZ_CHECK(c.events_dropped - base_.events_dropped == dropped_,
                   "events_dropped rose by %llu, the model dropped %u (KEV-POST-011)",
                   static_cast<unsigned long long>(c.events_dropped - base_.events_dropped), dropped_);
        nke::fuzz::expect_no_leak(base_, "by the input as a whole");
    }

private:
    nke_counters base_{};
    uint32_t id_ = 0;
    uint32_t posted_ = 0, dropped_ = 0;

    void set_filter(int s, Reader &r) {
        kev_request req;
        req.vendor_code = r.u32();
        req.kev_class = r.u32();
        req.kev_subclass = r.u32();
        const int rc = nke_ioctl(g_s[s].fd, SIOCSKEVFILT, &req);
        trace("ioctl(E%d, SIOCSKEVFILT, {%#x, %#x, %#x}) -> %d\n", s, req.vendor_code, req.kev_class, req.kev_subclass, rc);
        FUZZ_CHECK(rc == 0, "SIOCSKEVFILT failed: %s (KEV-FILT-003)", errno_name(errno));
        kev_request got{};
        FUZZ_CHECK(nke_ioctl(g_s[s].fd, SIOCGKEVFILT, &got) == 0, "SIOCGKEVFILT failed");
        FUZZ_CHECK(std::memcmp(&got, &req, sizeof req) == 0, "SIOCGKEVFILT returned {%#x, %#x, %#x} (KEV-FILT-003)",
                   got.vendor_code, got.kev_class, got.kev_subclass);
        g_s[s].filt = req;
    }

    void post(uint8_t c, Reader &r) {
        kev_msg m{};
        if (c & 0x80) {
            m.vendor_code = r.u8() & 3;
            m.kev_class = r.u8() & 3;
            m.kev_subclass = r.u8() & 3;
        } else {
            m.vendor_code = r.u32();
            m.kev_class = r.u32();
            m.kev_subclass = r.u32();
        }
        m.event_code = r.u32();
        const size_t len = r.u16() % 2100;
        std::vector<uint8_t> payload(len);
        for (size_t i = 0; i < len; ++i) payload[i] = static_cast<uint8_t>(i * 31 + id_);
        // Split into 1..5 vectors; the ones after the first zero length are
        // garbage the stack must not read (KEV-POST-005).
        const int nvec = 1 + ((c >> 3) & 7) % N_KEV_VECTORS;
        size_t at = 0;
        int used = 0;
        for (int v = 0; v < nvec && at < len; ++v) {
            const size_t chunk = v + 1 == nvec ? len - at : std::max<size_t>(1, (len - at) / 2);
            m.dv[v].data_length = static_cast<uint32_t>(chunk);
            m.dv[v].data_ptr = payload.data() + at;
            at += chunk;
            ++used;
        }
        if (used < N_KEV_VECTORS) {
            m.dv[used].data_length = 0;
            for (int v = used + 1; v < N_KEV_VECTORS; ++v) {
                m.dv[v].data_length = 0xffffffffu;
                m.dv[v].data_ptr = nullptr;
            }
        }
        const size_t total = KEV_MSG_HEADER_SIZE + len;
        // Prediction.
        int want;
        if (m.vendor_code == KEV_VENDOR_NONE) want = EINVAL;                // KEV-POST-004
        else if (len > KEV_MAX_DATA) want = EMSGSIZE;                       // KEV-POST-002
        else want = 0;
        const int rc = kev_post_msg(&m);
        trace("kev_post_msg({vendor %#x, class %#x, subclass %#x, code %#x}, %zu bytes in %d vectors) -> %s\n",
              m.vendor_code, m.kev_class, m.kev_subclass, m.event_code, len, used, errno_name(rc));
        if (want != 0) {
            FUZZ_CHECK(rc == want, "kev_post_msg returned %s, the spec says %s", errno_name(rc), errno_name(want));
            return;
        }
        FUZZ_CHECK(rc == 0 || rc == ENOBUFS, "kev_post_msg returned %s", errno_name(rc));
        const uint32_t id = ++id_;  // KEV-POST-007
        ++posted_;
        std::vector<uint8_t> rec(total);
        kern_event_msg h{};
        h.total_size = static_cast<uint32_t>(total);
        h.vendor_code = m.vendor_code;
        h.kev_class = m.kev_class;
        h.kev_subclass = m.kev_subclass;
        h.id = id;
        h.event_code = m.event_code;
        std::memcpy(rec.data(), &h, KEV_MSG_HEADER_SIZE);
        if (len) std::memcpy(rec.data() + KEV_MSG_HEADER_SIZE, payload.data(), len);
        bool any_drop = false;
        for (int s = 0; s < kSocks; ++s) {
            Sock &k = g_s[s];
            if (k.shut || !matches(k.filt, m.vendor_code, m.kev_class, m.kev_subclass)) continue;
            if (KEV_RECVSPACE - static_cast<long>(k.queued) < static_cast<long>(total)) {
                any_drop = true;  // KEV-POST-011
                ++dropped_;
                continue;
            }
            k.queue.push_back(rec);
            k.queued += total;
        }
        FUZZ_CHECK(rc == (any_drop ? ENOBUFS : 0), "kev_post_msg returned %s, the spec says %s (KEV-POST-011/014)",
                   errno_name(rc), any_drop ? "ENOBUFS" : "0");
    }

    void receive(int s, uint8_t sizesel) {
        Sock &k = g_s[s];
        const size_t bufsize = sizesel ? sizesel * 16u : 4096u;
        std::vector<uint8_t> buf(bufsize);
        iovec iov{buf.data(), bufsize};
        msghdr mh{};
        mh.msg_iov = &iov;
        mh.msg_iovlen = 1;
        errno = 0;
        const ssize_t n = nke_recvmsg(k.fd, &mh, MSG_DONTWAIT);
        const int err = n < 0 ? errno : 0;
        trace("nke_recvmsg(E%d, %zu bytes) -> %zd %s%s\n", s, bufsize, n, n < 0 ? errno_name(err) : "",
              (mh.msg_flags & MSG_TRUNC) ? " MSG_TRUNC" : "");
        if (k.shut) {
            FUZZ_CHECK(n == 0, "a receive after SHUT_RD returned %zd/%s (KEV-SOCK-009)", n, errno_name(err));
            return;
        }
        if (k.queue.empty()) {
            FUZZ_CHECK(n == -1 && err == EWOULDBLOCK, "a receive on an empty event socket: %zd/%s (KEV-SOCK-006)", n,
                       errno_name(err));
            return;
        }
        const std::vector<uint8_t> rec = k.queue.front();
        k.queue.pop_front();
        k.queued -= rec.size();
        const size_t want = std::min(bufsize, rec.size());
        FUZZ_CHECK(n == static_cast<ssize_t>(want), "the receive returned %zd bytes, the event has %zu (buffer %zu)", n,
                   rec.size(), bufsize);
        const bool trunc = bufsize < rec.size();
        FUZZ_CHECK(((mh.msg_flags & MSG_TRUNC) != 0) == trunc, "MSG_TRUNC is %s for a %zu-byte event in %zu bytes (KEV-POST-015)",
                   (mh.msg_flags & MSG_TRUNC) ? "set" : "clear", rec.size(), bufsize);
        if (std::memcmp(buf.data(), rec.data(), want) != 0) {
            kern_event_msg h{};
            std::memcpy(&h, buf.data(), std::min(want, sizeof h));
            nke::fuzz::fail(__FILE__, __LINE__,
                            "E%d received {size %u vendor %#x class %#x subclass %#x id %u code %#x}, the model "
                            "expected a different event or payload (KEV-POST-006/009/010)",
                            s, h.total_size, h.vendor_code, h.kev_class, h.kev_subclass, h.id, h.event_code);
        }
    }

    void bad_post(int which) {
        int rc;
        if (which == 0) {
            rc = kev_post_msg(nullptr);
            trace("kev_post_msg(NULL) -> %s\n", errno_name(rc));
        } else {
            kev_msg m{};
            m.vendor_code = which == 1 ? KEV_VENDOR_NONE : KEV_VENDOR_APPLE;
            m.kev_class = KEV_SYSTEM_CLASS;
            uint8_t x[4] = {};
            m.dv[0].data_length = 4;
            m.dv[0].data_ptr = which == 1 ? x : nullptr;
            rc = kev_post_msg(&m);
            trace("kev_post_msg(%s) -> %s\n", which == 1 ? "vendor KEV_VENDOR_NONE" : "a NULL data_ptr", errno_name(rc));
        }
        FUZZ_CHECK(rc == EINVAL, "an invalid kev_post_msg returned %s, the spec says EINVAL (KEV-POST-001/003/004)",
                   errno_name(rc));
    }

    void shut(int s) {
        Sock &k = g_s[s];
        const int rc = nke_shutdown(k.fd, SHUT_RD);
        trace("nke_shutdown(E%d, SHUT_RD) -> %d\n", s, rc);
        FUZZ_CHECK(rc == 0, "shutdown(SHUT_RD) of an event socket failed: %s (KEV-SOCK-009)", errno_name(errno));
        k.shut = true;
        k.queue.clear();
        k.queued = 0;
    }
};

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    Runner r;
    r.run(data, size);
    return 0;
}

extern "C" int NkeFuzzWriteSeeds(const char *dir) {
    auto u32 = [](std::vector<uint8_t> &b, uint32_t v) {
        for (int i = 0; i < 4; ++i) b.push_back(static_cast<uint8_t>(v >> (8 * i)));
    };
    auto filt = [&](std::vector<uint8_t> &b, int s, uint32_t v, uint32_t c, uint32_t sc) {
        b.push_back(static_cast<uint8_t>(s << 3));
        u32(b, v);
        u32(b, c);
        u32(b, sc);
    };
    auto post = [&](std::vector<uint8_t> &b, uint32_t v, uint32_t c, uint32_t sc, uint32_t code, uint16_t len, int split) {
        b.push_back(static_cast<uint8_t>(2 | (split << 3)));
        u32(b, v);
        u32(b, c);
        u32(b, sc);
        u32(b, code);
        b.push_back(static_cast<uint8_t>(len));
        b.push_back(static_cast<uint8_t>(len >> 8));
    };
    auto recv = [&](std::vector<uint8_t> &b, int s, uint8_t size) {
        b.push_back(static_cast<uint8_t>(3 | (s << 3)));
        b.push_back(size);
    };
    struct Seed {
        const char *name;
        std::vector<uint8_t> b;
    };
    std::vector<Seed> seeds;
    {
        std::vector<uint8_t> b;
        filt(b, 0, KEV_ANY_VENDOR, 7, 7);                                   // everything
        filt(b, 1, KEV_VENDOR_APPLE, KEV_NETWORK_CLASS, KEV_ANY_SUBCLASS);  // network class
        filt(b, 2, KEV_VENDOR_APPLE, KEV_SYSTEM_CLASS, KEV_CTL_SUBCLASS);   // controllers
        post(b, KEV_VENDOR_APPLE, KEV_NETWORK_CLASS, KEV_DL_SUBCLASS, KEV_DL_LINK_ON, 24, 1);
        post(b, KEV_VENDOR_APPLE, KEV_SYSTEM_CLASS, KEV_CTL_SUBCLASS, KEV_CTL_REGISTERED, 8, 0);
        post(b, 5, 1, 1, 9, 0, 0);
        b.push_back(4);
        recv(b, 0, 0);
        recv(b, 0, 2);  // truncated
        recv(b, 1, 0);
        recv(b, 2, 0);
        recv(b, 2, 0);  // empty
        seeds.push_back({"filters_and_delivery", b});
    }
    {
        std::vector<uint8_t> b;
        filt(b, 0, KEV_VENDOR_APPLE, KEV_ANY_CLASS, 3);
        for (int i = 0; i < 6; ++i) post(b, KEV_VENDOR_APPLE, 2, 3, i, 2000, 4);  // fills 8192: drops
        post(b, KEV_VENDOR_APPLE, 2, 3, 9, 2024, 2);
        post(b, KEV_VENDOR_APPLE, 2, 3, 9, 2025, 2);  // EMSGSIZE
        b.push_back(4);
        seeds.push_back({"queue_bound_and_sizes", b});
    }
    {
        std::vector<uint8_t> b = {5, 5 | 8, 5 | 16, 7};
        filt(b, 1, KEV_ANY_VENDOR, 0, 0);
        b.push_back(6 | (1 << 3));  // shut E1
        post(b, 1, 1, 1, 1, 4, 0);
        recv(b, 1, 0);
        seeds.push_back({"invalid_posts_and_shutdown", b});
    }
    {
        // Small-number posts (c & 0x80) against small filters.
        std::vector<uint8_t> b;
        filt(b, 0, 1, 0, 0);
        filt(b, 1, 1, 2, 0);
        filt(b, 2, 2, 0, 0);
        for (int v = 0; v < 4; ++v)
            for (int cl = 0; cl < 3; ++cl) {
                b.push_back(0x82);
                b.push_back(static_cast<uint8_t>(v));
                b.push_back(static_cast<uint8_t>(cl));
                b.push_back(static_cast<uint8_t>(cl + 1));
                u32(b, 1);
                b.push_back(3);
                b.push_back(0);
            }
        seeds.push_back({"rule_matrix", b});
    }
    for (const auto &s : seeds)
        if (!nke::fuzz::write_file(std::string(dir) + "/" + s.name, s.b)) return 1;
    std::fprintf(stderr, "wrote %zu seeds to %s\n", seeds.size(), dir);
    return 0;
}

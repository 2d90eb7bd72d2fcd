// sockaddr_ctl — nke_connect (and nke_bind) on a SYSPROTO_CONTROL socket with
// any address bytes and any length (spec/kern_control.md CTL-CONNECT-*,
// spec/socket.md SOCK-ADDR-001, SOCK-CONNECT-003).
//
// Input:
//   byte 0   bits 0-1  credentials of the calling thread: root; uid/euid 501;
//                      uid 0 euid 501; uid 501 euid 0
//            bits 2-3  what C1's ctl_connect returns: 0, EPERM, EJUSTRETURN, -5
//            bit 4     C1 already has a client (another socket)
//            bit 5     the socket is already connected (to C3)
//            bit 6     nke_bind instead of nke_connect
//            bit 7     after a connect refused at the controller lookup or
//                      later, prove the socket is as good as new: connect it
//                      to C4 (CTL-CONNECT-014).  An address refused earlier
//                      never reached the controller layer; the live-counter
//                      check covers it, and skipping the reconnect (and the
//                      new socket the next input then needs) keeps the
//                      common path at one nke_connect.
//   rest     the address bytes; the address length is their number (so every
//            length from 0 up, 255 and beyond, is reachable)
//
// Controllers, registered once: C1 (id "NKC1", unit 0, with ctl_connect),
// C2 ("NKC1", unit 1, CTL_FLAG_PRIVILEGED, with ctl_connect), C3 ("NKC3",
// unit 7, no callbacks), C4 (id 0, unit 0, no callbacks).  A small oracle
// written from the spec's checking order (length, family, sub-address,
// existence, privilege, busy, ctl_connect) predicts the result for the bytes;
// a refused connect must change nothing (live counters, the busy client, the
// callback counts) and a successful one must add exactly one client.
// The unconnected socket is reused while connects are refused, so the
// common path is one nke_connect per input (> 100k exec/s).
#include <sys/socket.h>

#include <cerrno>
#include <cstdint>
#include <cstring>
#include <memory>
#include <string>
#include <vector>

#include "fdp_writer.hpp"
#include "fuzz_common.hpp"  // last: <nke/mbuf.h> macros

namespace {

using nke::fuzz::counters;
using nke::fuzz::errno_name;
using nke::fuzz::trace;

constexpr uint32_t kId1 = 0x31434b4e;  // "NKC1" in memory
constexpr uint32_t kId3 = 0x33434b4e;  // "NKC3"

struct Ctl {
    const char *name;
    uint32_t id, unit, flags;
    bool has_connect;
    kern_ctl_ref ref = nullptr;
    int connects = 0;      // ctl_connect calls
    int disconnects = 0;   // ctl_disconnect calls
    bool bad_args = false; // a callback saw the wrong ref or userdata
};

Ctl g_ctl[4] = {
    {"C1", kId1, 0, 0, true},
    {"C2", kId1, 1, CTL_FLAG_PRIVILEGED, true},
    {"C3", kId3, 7, 0, false},
    {"C4", 0, 0, 0, false},
};
int g_c1_mode = 0;  // what C1's ctl_connect returns

int cb_connect(kern_ctl_ref ref, void *userdata) {
    Ctl *c = static_cast<Ctl *>(userdata);
    if (c < g_ctl || c >= g_ctl + 4 || ref != c->ref) {
        for (auto &x : g_ctl) x.bad_args = true;
        return 0;
    }
    ++c->connects;
    if (c != &g_ctl[0]) return 0;
    static const int kResults[] = {0, EPERM, EJUSTRETURN, -5};
    return kResults[g_c1_mode & 3];
}

void cb_disconnect(kern_ctl_ref ref, void *userdata) {
    Ctl *c = static_cast<Ctl *>(userdata);
    if (c < g_ctl || c >= g_ctl + 4 || ref != c->ref) {
        for (auto &x : g_ctl) x.bad_args = true;
        return;
    }
    ++c->disconnects;
}

uint64_t g_scene_changes = 0;  // bumped whenever the setup creates, connects or closes

struct World {
    int test_fd = -1;   // an unconnected control socket, reused while connects fail
    int busy_fd = -1;   // a client of C1
    int conn_fd = -1;   // a socket connected to C3
};
World *g_w = nullptr;

int control_socket() {
    ++g_scene_changes;
    const int fd = nke_socket(PF_SYSTEM, SOCK_DGRAM, SYSPROTO_CONTROL);
    FUZZ_CHECK(fd >= NKE_FD_FIRST, "nke_socket(PF_SYSTEM, SOCK_DGRAM, SYSPROTO_CONTROL) failed: %s",
               errno_name(errno));
    return fd;
}

sockaddr_ctl valid_addr(const Ctl &c) {
    sockaddr_ctl a{};
    a.sc_len = sizeof a;
    a.sc_family = AF_SYSTEM;
    a.ss_sysaddr = AF_SYS_CONTROL;
    a.sc_id = c.id;
    a.sc_unit = c.unit;
    return a;
}

int connect_to(int fd, const Ctl &c) {
    ++g_scene_changes;
    const sockaddr_ctl a = valid_addr(c);
    return nke_connect(fd, reinterpret_cast<const struct sockaddr *>(&a), sizeof a);
}

void close_fd(int &fd) {
    if (fd < 0) return;
    ++g_scene_changes;
    FUZZ_CHECK(nke_close(fd) == 0, "nke_close failed: %s", errno_name(errno));
    fd = -1;
}

World *make_world() {
    auto *w = new World;
    for (auto &c : g_ctl) {
        kern_ctl_reg r{};
        r.ctl_id = c.id;
        r.ctl_unit = c.unit;
        r.ctl_flags = c.flags;
        if (c.has_connect) {
            r.ctl_connect = cb_connect;
            r.ctl_disconnect = cb_disconnect;
        }
        const int rc = ctl_register(&r, &c, &c.ref);
        FUZZ_CHECK(rc == 0, "ctl_register(%s) = %d", c.name, rc);
    }
    return w;
}

// The spec's answer for these bytes (CTL-CONNECT-001 order).
struct Want {
    int err;                // 0 or the errno
    int alt = -1;           // a second acceptable errno where the order is not fixed
    int reaches = -1;       // controller whose ctl_connect runs, or -1
    bool late = false;      // refused at the controller lookup or after
};

Want oracle(const uint8_t *name, size_t len, bool connected, bool busy, bool bind, uint32_t euid) {
    // The socket layer first (SOCK-ADDR-001).
    if (len > NKE_SOCK_MAXADDRLEN) return {ENAMETOOLONG, connected && !bind ? EISCONN : -1};
    if (len < 2) return {EINVAL, connected && !bind ? EISCONN : -1};
    if (bind) return {EOPNOTSUPP};    // CTL-DISC-007
    if (connected) return {EISCONN};  // SOCK-CONNECT-003, CTL-CONNECT-016
    if (len != sizeof(sockaddr_ctl)) return {EINVAL};  // CTL-CONNECT-002
    sockaddr_ctl a;
    std::memcpy(&a, name, sizeof a);
    if (a.sc_family != AF_SYSTEM) return {EAFNOSUPPORT};     // CTL-CONNECT-003
    if (a.ss_sysaddr != AF_SYS_CONTROL) return {EINVAL};    // CTL-CONNECT-004
    int k = -1;
    for (int i = 0; i < 4; ++i)
        if (g_ctl[i].id == a.sc_id && g_ctl[i].unit == a.sc_unit) k = i;
    if (k < 0) return {EADDRNOTAVAIL, -1, -1, true};        // CTL-CONNECT-007
    if ((g_ctl[k].flags & CTL_FLAG_PRIVILEGED) && euid != 0) return {EPERM, -1, -1, true};  // CTL-CONNECT-008
    if (k == 0 && busy) return {EBUSY, -1, -1, true};        // CTL-CONNECT-010
    if (!g_ctl[k].has_connect) return {0};                   // CTL-CONNECT-012
    if (k != 0) return {0, -1, k};
    switch (g_c1_mode & 3) {                                 // CTL-CONNECT-013
    case 0: return {0, -1, 0};
    case 1: return {EPERM, -1, 0, true};
    default: return {ECONNREFUSED, -1, 0, true};
    }
}

NKE_FUZZ_NO_FEEDBACK void run(const uint8_t *data, size_t size) {
    if (!g_w) g_w = make_world();
    if (size < 1) return;
    const uint8_t f = data[0];
    const uint8_t *name = data + 1;
    const size_t len = size - 1;
    static const uint32_t kCreds[4][2] = {{0, 0}, {501, 501}, {0, 501}, {501, 0}};
    const uint32_t uid = kCreds[f & 3][0], euid = kCreds[f & 3][1];
    const bool busy = f & 0x10, preconnected = f & 0x20, bind = f & 0x40, verify = f & 0x80;

    // Set the scene (as root, C1 accepting).
    g_c1_mode = 0;
    if (busy && g_w->busy_fd < 0) {
        g_w->busy_fd = control_socket();
        FUZZ_CHECK(connect_to(g_w->busy_fd, g_ctl[0]) == 0, "connecting the busy client to C1 failed: %s",
                   errno_name(errno));
    } else if (!busy && g_w->busy_fd >= 0) {
        close_fd(g_w->busy_fd);
    }
    if (preconnected && g_w->conn_fd < 0) {
        g_w->conn_fd = control_socket();
        FUZZ_CHECK(connect_to(g_w->conn_fd, g_ctl[2]) == 0, "connecting a socket to C3 failed: %s", errno_name(errno));
    } else if (!preconnected && g_w->conn_fd >= 0) {
        close_fd(g_w->conn_fd);  // C3 is free whenever the test socket may reach it
    }
    if (g_w->test_fd < 0) g_w->test_fd = control_socket();
    g_c1_mode = (f >> 2) & 3;
    const int fd = preconnected ? g_w->conn_fd : g_w->test_fd;

    // The address is the tail of the input, which both libFuzzer and the
    // replay main hold in a heap buffer of exactly its size: an over-read past
    // the address is an ASan report without a copy.
    const uint8_t *const addr = name;
    const Want want = oracle(addr, len, preconnected, busy, bind, euid);
    int before_cb[4];
    for (int i = 0; i < 4; ++i) before_cb[i] = g_ctl[i].connects;
    // The counters before the call.  They only change when the scene does,
    // so the snapshot is taken once per scene (one get_counters per input on
    // the common path, which matters at this rate).
    static nke_counters before{};
    static bool before_valid = false;
    static uint64_t scene = ~0ull;
    const uint64_t now = (static_cast<uint64_t>(g_w->test_fd) << 32) ^ (static_cast<uint64_t>(g_w->busy_fd) << 16) ^
                         static_cast<uint64_t>(g_w->conn_fd) ^ (g_scene_changes << 40);
    if (!before_valid || now != scene) {
        before = counters();
        before_valid = true;
        scene = now;
    }
    int rc, err;
    {
        nke::fuzz::AsUser as(uid, euid);
        FUZZ_CHECK(as.ok() || (uid == 0 && euid == 0), "the implementation has no set_credentials hook");
        errno = 0;
        rc = bind ? nke_bind(fd, reinterpret_cast<const struct sockaddr *>(addr), static_cast<socklen_t>(len))
                  : nke_connect(fd, reinterpret_cast<const struct sockaddr *>(addr), static_cast<socklen_t>(len));
        err = rc == 0 ? 0 : errno;
    }
    if (nke::fuzz::print_enabled()) {
        sockaddr_ctl a{};
        std::memcpy(&a, addr, std::min(len, sizeof a));
        trace("// credentials uid %u euid %u; C1's ctl_connect returns mode %d; C1 %s; socket %s\n", uid, euid,
              g_c1_mode, busy ? "busy" : "free", preconnected ? "connected to C3" : "unconnected");
        trace("%s(fd, {len %u, family %u, sysaddr %u, id %#x, unit %u, ...}, %zu) -> %s (spec: %s)\n",
              bind ? "nke_bind" : "nke_connect", a.sc_len, a.sc_family, a.ss_sysaddr, a.sc_id, a.sc_unit, len,
              errno_name(err), errno_name(want.err));
    }
    FUZZ_CHECK(rc == 0 || rc == -1, "%s returned %d", bind ? "nke_bind" : "nke_connect", rc);
    FUZZ_CHECK(err == want.err || err == want.alt, "%s with %zu address bytes returned %s, the spec says %s",
               bind ? "nke_bind" : "nke_connect", len, errno_name(err), errno_name(want.err));
    for (int i = 0; i < 4; ++i) {
        const int calls = g_ctl[i].connects - before_cb[i];
        FUZZ_CHECK(calls == (want.reaches == i ? 1 : 0), "%s's ctl_connect ran %d times, expected %d", g_ctl[i].name,
                   calls, want.reaches == i ? 1 : 0);
        FUZZ_CHECK(!g_ctl[i].bad_args, "a callback got the wrong kern_ctl_ref or userdata (CTL-REG-009)");
    }
    const nke_counters after = counters();
    if (err == 0 && !bind) {
        FUZZ_CHECK(after.ctl_clients == before.ctl_clients + 1, "a successful connect added %lld clients (CTL-CONNECT-012)",
                   static_cast<long long>(after.ctl_clients - before.ctl_clients));
        // A second connect on the connected socket is EISCONN, whatever the address.
        const int again = connect_to(fd, g_ctl[3]);
        FUZZ_CHECK(again == -1 && errno == EISCONN, "connect on a connected control socket: %d/%s (CTL-CONNECT-016)",
                   again, errno_name(errno));
        const int disc0 = want.reaches >= 0 ? g_ctl[want.reaches].disconnects : 0;
        close_fd(g_w->test_fd);
        if (want.reaches >= 0)
            FUZZ_CHECK(g_ctl[want.reaches].disconnects == disc0 + 1, "ctl_disconnect not called once on close (CTL-DISC-001)");
        const nke_counters closed = counters();
        FUZZ_CHECK(closed.ctl_clients == before.ctl_clients && closed.mbufs == before.mbufs &&
                       closed.sockets + 1 == before.sockets,
                   "after the close: ctl_clients %llu -> %llu, sockets %llu -> %llu (CTL-DISC-001)",
                   static_cast<unsigned long long>(before.ctl_clients),
                   static_cast<unsigned long long>(closed.ctl_clients),
                   static_cast<unsigned long long>(before.sockets), static_cast<unsigned long long>(closed.sockets));
        return;
    }
    // A refused connect changes nothing (spec/README.md "fails with").
    const nke::fuzz::LiveDiff d = nke::fuzz::live_diff(before, after);
    FUZZ_CHECK(d.empty(), "a refused %s changed the stack: %s", bind ? "bind" : "connect", d.text.c_str());
    if (verify && !preconnected && want.late) {
        const int rc2 = connect_to(fd, g_ctl[3]);
        trace("nke_connect(fd, C4) -> %s  // the refused socket is as good as new\n", rc2 == 0 ? "0" : errno_name(errno));
        FUZZ_CHECK(rc2 == 0, "a socket whose connect failed cannot connect again: %s (CTL-CONNECT-014)",
                   errno_name(errno));
        close_fd(g_w->test_fd);
    }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    run(data, size);
    return 0;
}

extern "C" int NkeFuzzWriteSeeds(const char *dir) {
    auto addr = [](uint32_t id, uint32_t unit, uint8_t fam = AF_SYSTEM, uint16_t sys = AF_SYS_CONTROL,
                   uint8_t sclen = 32) {
        sockaddr_ctl a{};
        a.sc_len = sclen;
        a.sc_family = fam;
        a.ss_sysaddr = sys;
        a.sc_id = id;
        a.sc_unit = unit;
        std::vector<uint8_t> v(sizeof a);
        std::memcpy(v.data(), &a, sizeof a);
        return v;
    };
    auto seed = [&](const char *name, uint8_t flags, std::vector<uint8_t> a) {
        a.insert(a.begin(), flags);
        return nke::fuzz::write_file(std::string(dir) + "/" + name, a);
    };
    bool ok = true;
    ok &= seed("c1_connects", 0x00, addr(kId1, 0));
    ok &= seed("c1_refuses_eperm", 0x04 | 0x80, addr(kId1, 0));
    ok &= seed("c1_refuses_ejustreturn", 0x08, addr(kId1, 0));
    ok &= seed("c1_refuses_negative", 0x0c, addr(kId1, 0));
    ok &= seed("c1_busy", 0x10, addr(kId1, 0));
    ok &= seed("c2_privileged_root", 0x00, addr(kId1, 1));
    ok &= seed("c2_privileged_user", 0x01 | 0x80, addr(kId1, 1));
    ok &= seed("c2_privileged_euid0", 0x03, addr(kId1, 1));
    ok &= seed("c2_privileged_uid0_euid501", 0x02, addr(kId1, 1));
    ok &= seed("c3_no_callbacks_sclen0", 0x01, addr(kId3, 7, AF_SYSTEM, AF_SYS_CONTROL, 0));
    ok &= seed("c4_id0_unit0", 0x00, addr(0, 0));
    ok &= seed("unknown_unit", 0x80, addr(kId3, 8));
    ok &= seed("wrong_family", 0x00, addr(kId1, 0, 2));
    ok &= seed("wrong_sysaddr", 0x00, addr(kId1, 0, AF_SYSTEM, 1));
    {
        auto a = addr(kId1, 0);
        a.resize(31);
        ok &= seed("short_31", 0x00, a);
        a.resize(33, 0);
        ok &= seed("long_33", 0x00, a);
        a.resize(300, 0);
        ok &= seed("too_long_300", 0x00, a);
        a.resize(1);
        ok &= seed("len_1", 0x00, a);
    }
    ok &= seed("already_connected", 0x20, addr(kId1, 0));
    ok &= seed("bind", 0x40, addr(kId1, 0));
    std::fprintf(stderr, "wrote seeds to %s\n", dir);
    return ok ? 0 : 1;
}

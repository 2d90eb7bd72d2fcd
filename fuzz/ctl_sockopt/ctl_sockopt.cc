// ctl_sockopt — nke_setsockopt / nke_getsockopt on SYSPROTO_CONTROL sockets
// with any level, name, value and length (spec/kern_control.md CTL-OPT-*,
// spec/socket.md SOCK-OPT-001/002).
//
// Input:
//   byte 0   bits 0-1  the socket: client of S1 (ctl_set and ctl_get), client of
//                      S2 (neither), an unconnected socket, client of S1
//            bit 2     getsockopt instead of setsockopt
//            bit 3     optval NULL
//            bits 4-5  what the callback returns: 0, EINVAL, EJUSTRETURN, -7
//            bit 6     the level is taken from the input (else SYSPROTO_CONTROL)
//            bit 7     the length is taken from the input (else: the rest)
//   byte 1   what ctl_get reports in *len: the size given, 0, size + 10,
//            3, or for a size query 100 or 20000 (low 2 bits)
//   [4 bytes level if bit 6]  4 bytes option name  [4 bytes length if bit 7]
//   rest     the option value
//
// The oracle predicts, from the spec, the result, whether ctl_set/ctl_get
// runs and with what (opt, data NULL or a copy of the value, len), what is
// copied back (min of the lengths, nothing on error) and *optlen; bytes of
// the caller's buffer beyond what may be written are checked untouched.
#include <sys/socket.h>

#include <algorithm>
#include <cerrno>
#include <cstdint>
#include <cstring>
#include <memory>
#include <string>
#include <vector>

#include "fdp_writer.hpp"
#include "fuzz_common.hpp"  // last: <nke/mbuf.h> macros

namespace {

using nke::fuzz::errno_name;
using nke::fuzz::trace;

constexpr uint32_t kId = 0x31534b4e;  // "NKS1"
constexpr size_t kMaxLen = 1u << 20;  // SOCK-OPT-002

struct Seen {
    int set_calls = 0, get_calls = 0;
    int opt = 0;
    bool data_null = false;
    size_t len = 0;
    std::vector<uint8_t> data;
    const void *data_ptr = nullptr;
};
Seen g_seen;
int g_mode = 0;       // callback result
int g_get_len = 0;    // what ctl_get reports
kern_ctl_ref g_ref[2];
int g_bad_args = 0;

int result_of_mode() {
    static const int r[] = {0, EINVAL, EJUSTRETURN, -7};
    return r[g_mode & 3];
}

int cb_set(kern_ctl_ref ref, void *userdata, int opt, void *data, size_t len) {
    if (ref != g_ref[0] || userdata != &g_ref[0]) ++g_bad_args;
    ++g_seen.set_calls;
    g_seen.opt = opt;
    g_seen.data_null = data == nullptr;
    g_seen.data_ptr = data;
    g_seen.len = len;
    if (data && len) g_seen.data.assign(static_cast<uint8_t *>(data), static_cast<uint8_t *>(data) + len);
    return result_of_mode();
}

int cb_get(kern_ctl_ref ref, void *userdata, int opt, void *data, size_t *len) {
    if (ref != g_ref[0] || userdata != &g_ref[0]) ++g_bad_args;
    ++g_seen.get_calls;
    g_seen.opt = opt;
    g_seen.data_null = data == nullptr;
    g_seen.data_ptr = data;
    g_seen.len = *len;
    const size_t given = *len;
    size_t report;
    if (data == nullptr) report = (g_get_len & 1) ? 20000 : 100;
    else {
        switch (g_get_len & 3) {
        case 0: report = given; break;
        case 1: report = 0; break;
        case 2: report = given + 10; break;
        default: report = 3; break;
        }
    }
    // Write at most what the buffer holds.
    if (data) {
        auto *d = static_cast<uint8_t *>(data);
        for (size_t i = 0; i < std::min(report, given); ++i) d[i] = static_cast<uint8_t>(0xc0 + i);
    }
    *len = report;
    return result_of_mode();
}

struct World {
    int s1 = -1, s2 = -1, un = -1;
};
World *g_w = nullptr;

World *make_world() {
    auto *w = new World;
    for (int i = 0; i < 2; ++i) {
        kern_ctl_reg r{};
        r.ctl_id = kId;
        r.ctl_unit = static_cast<uint32_t>(i);
        if (i == 0) {
            r.ctl_set = cb_set;
            r.ctl_get = cb_get;
        }
        FUZZ_CHECK(ctl_register(&r, &g_ref[0], &g_ref[i]) == 0, "ctl_register failed");
    }
    int *fds[3] = {&w->s1, &w->s2, &w->un};
    for (int i = 0; i < 3; ++i) {
        *fds[i] = nke_socket(PF_SYSTEM, SOCK_DGRAM, SYSPROTO_CONTROL);
        FUZZ_CHECK(*fds[i] >= NKE_FD_FIRST, "nke_socket failed: %s", errno_name(errno));
        if (i == 2) continue;
        sockaddr_ctl a{};
        a.sc_len = sizeof a;
        a.sc_family = AF_SYSTEM;
        a.ss_sysaddr = AF_SYS_CONTROL;
        a.sc_id = kId;
        a.sc_unit = static_cast<uint32_t>(i);
        FUZZ_CHECK(nke_connect(*fds[i], reinterpret_cast<const struct sockaddr *>(&a), sizeof a) == 0,
                   "connecting to S%d failed: %s", i + 1, errno_name(errno));
    }
    return w;
}

uint32_t rd32(const uint8_t *&p, const uint8_t *end) {
    uint32_t v = 0;
    const size_t n = std::min<size_t>(4, static_cast<size_t>(end - p));
    std::memcpy(&v, p, n);
    p += n;
    return v;
}

// Every byte of buf[0, n) still holds the canary 0xa5 (memcmp: fast under
// the fuzzer's comparison instrumentation).
bool untouched(const uint8_t *buf, size_t n) {
    static uint8_t canary[4096];
    static const bool init = (std::memset(canary, 0xa5, sizeof canary), true);
    (void)init;
    for (size_t at = 0; at < n; at += sizeof canary)
        if (std::memcmp(buf + at, canary, std::min(sizeof canary, n - at)) != 0) return false;
    return true;
}

int map_result(int r) { return (r == 0 || r == EJUSTRETURN) ? 0 : r > 0 ? r : EIO; }

void run(const uint8_t *data, size_t size) {
    if (!g_w) g_w = make_world();
    if (size < 2) return;
    const uint8_t f = data[0];
    g_get_len = data[1];
    const uint8_t *p = data + 2, *end = data + size;
    const int which = f & 3;
    const bool get = f & 4, null_val = f & 8;
    g_mode = (f >> 4) & 3;
    const int level = (f & 0x40) ? static_cast<int>(rd32(p, end)) : SYSPROTO_CONTROL;
    const int name = static_cast<int>(rd32(p, end));
    const bool explicit_len = f & 0x80;
    uint32_t raw_len = explicit_len ? rd32(p, end) : 0;
    // Lengths between CTL_MAXOPTLEN and the socket layer's 1 MiB limit all
    // take the same path (CTL-OPT-005); folding them near the boundary keeps
    // each run from copying up to a megabyte.
    if (raw_len > CTL_MAXOPTLEN + 64 && raw_len <= kMaxLen) raw_len = CTL_MAXOPTLEN + 1 + raw_len % 64;
    const size_t rest = static_cast<size_t>(end - p);
    size_t optlen = explicit_len ? raw_len : rest;
    const int fd = which == 1 ? g_w->s2 : which == 2 ? g_w->un : g_w->s1;
    const bool connected = which != 2;
    const bool has_cb = which != 1;
    g_seen = Seen{};

    if (!get) {
        // The value: the rest of the input (exactly sized, so an over-read is
        // an ASan report); with an explicit length beyond it, a zeroed buffer
        // of that length (bounded: larger lengths fail before any copy).
        std::unique_ptr<uint8_t[]> big;
        const uint8_t *val = p;
        if (explicit_len && optlen != rest) {
            const size_t alloc = optlen <= kMaxLen ? optlen : 0;
            big.reset(new uint8_t[alloc ? alloc : 1]());
            std::memcpy(big.get(), p, std::min(rest, alloc));
            val = big.get();
        }
        errno = 0;
        const int rc = nke_setsockopt(fd, level, name, null_val ? nullptr : val, static_cast<socklen_t>(optlen));
        const int err = rc == 0 ? 0 : errno;
        trace("nke_setsockopt(%s, level %d, name %d, %s, %zu) -> %s  // callback mode %d\n",
              which == 1 ? "S2 client" : which == 2 ? "unconnected" : "S1 client", level, name,
              null_val ? "NULL" : "value", optlen, errno_name(err), g_mode);
        FUZZ_CHECK(rc == 0 || rc == -1, "nke_setsockopt returned %d", rc);
        if (level == SOL_SOCKET) {
            FUZZ_CHECK(g_seen.set_calls == 0 && g_seen.get_calls == 0, "a SOL_SOCKET option reached ctl_set (CTL-OPT-013)");
            return;
        }
        std::vector<int> want;
        bool calls = false;
        if (null_val && optlen > 0) want = {EFAULT};                       // SOCK-OPT-001, CTL-OPT-006
        else if (optlen > kMaxLen) want = {EINVAL};                         // SOCK-OPT-002
        else if (level != SYSPROTO_CONTROL) want = {EINVAL};               // CTL-OPT-002
        else if (!connected) want = {ENOTCONN};                            // CTL-OPT-003
        else if (!has_cb && optlen > CTL_MAXOPTLEN) want = {EOPNOTSUPP, EINVAL};
        else if (!has_cb) want = {EOPNOTSUPP};                             // CTL-OPT-004
        else if (optlen > CTL_MAXOPTLEN) want = {EINVAL};                  // CTL-OPT-005
        else {
            want = {map_result(result_of_mode())};                          // CTL-OPT-009
            calls = true;
        }
        FUZZ_CHECK(std::find(want.begin(), want.end(), err) != want.end(),
                   "setsockopt(level %d, len %zu%s) returned %s, the spec says %s", level, optlen,
                   null_val ? ", NULL" : "", errno_name(err), errno_name(want.front()));
        FUZZ_CHECK(g_seen.set_calls == (calls ? 1 : 0), "ctl_set ran %d times, expected %d", g_seen.set_calls,
                   calls ? 1 : 0);
        FUZZ_CHECK(g_bad_args == 0, "ctl_set got the wrong ref or userdata (CTL-REG-009)");
        if (!calls) return;
        FUZZ_CHECK(g_seen.opt == name, "ctl_set got opt %d, not %d (CTL-OPT-001)", g_seen.opt, name);
        FUZZ_CHECK(g_seen.len == optlen, "ctl_set got len %zu, not %zu (CTL-OPT-008)", g_seen.len, optlen);
        if (optlen == 0) {
            FUZZ_CHECK(g_seen.data_null, "ctl_set got a non-NULL data for length 0 (CTL-OPT-007)");
        } else {
            FUZZ_CHECK(!g_seen.data_null && g_seen.data_ptr != val, "ctl_set must get a copy of the value (CTL-OPT-008)");
            FUZZ_CHECK(std::memcmp(g_seen.data.data(), val, optlen) == 0, "ctl_set's data differs from the value");
        }
        return;
    }

    // getsockopt: a buffer of the given size with canaries around what may
    // be written.
    const size_t given = explicit_len ? raw_len : rest;
    // Larger than 1 MiB is refused before any copy: a small buffer then
    // makes a write through it an ASan report.
    const size_t bufsize = null_val ? 0 : given > kMaxLen ? 16 : given;
    std::unique_ptr<uint8_t[]> buf(new uint8_t[bufsize ? bufsize : 1]);
    std::memset(buf.get(), 0xa5, bufsize ? bufsize : 1);
    socklen_t len = static_cast<socklen_t>(given);
    errno = 0;
    const int rc = nke_getsockopt(fd, level, name, null_val ? nullptr : buf.get(), &len);
    const int err = rc == 0 ? 0 : errno;
    trace("nke_getsockopt(%s, level %d, name %d, %s, *optlen %zu) -> %s, *optlen %u  // callback mode %d, reports %d\n",
          which == 1 ? "S2 client" : which == 2 ? "unconnected" : "S1 client", level, name,
          null_val ? "NULL" : "buffer", given, errno_name(err), len, g_mode, g_get_len & 3);
    FUZZ_CHECK(rc == 0 || rc == -1, "nke_getsockopt returned %d", rc);
    if (level == SOL_SOCKET) {
        FUZZ_CHECK(g_seen.set_calls == 0 && g_seen.get_calls == 0, "a SOL_SOCKET option reached ctl_get (CTL-OPT-013)");
        return;
    }
    const bool query = null_val || given == 0;
    std::vector<int> want;
    bool calls = false;
    if (!query && given > kMaxLen) want = {EINVAL};                      // SOCK-OPT-002
    else if (level != SYSPROTO_CONTROL) want = {EINVAL};                // CTL-OPT-002
    else if (!connected) want = {ENOTCONN};                             // CTL-OPT-003
    else if (!has_cb && given > CTL_MAXOPTLEN) want = {EOPNOTSUPP, EINVAL};
    else if (!has_cb) want = {EOPNOTSUPP};                              // CTL-OPT-004
    else if (given > CTL_MAXOPTLEN && !query) want = {EINVAL};          // CTL-OPT-005
    else if (given > CTL_MAXOPTLEN) {
        want = {EINVAL, map_result(result_of_mode())};                  // a size query with a large *optlen
        calls = true;
    } else {
        want = {map_result(result_of_mode())};
        calls = true;
    }
    FUZZ_CHECK(std::find(want.begin(), want.end(), err) != want.end(),
               "getsockopt(level %d, *optlen %zu%s) returned %s, the spec says %s", level, given,
               null_val ? ", NULL" : "", errno_name(err), errno_name(want.front()));
    FUZZ_CHECK(g_bad_args == 0, "ctl_get got the wrong ref or userdata (CTL-REG-009)");
    if (!calls || (err == EINVAL && given > CTL_MAXOPTLEN)) {
        if (!calls) FUZZ_CHECK(g_seen.get_calls == 0, "ctl_get ran when the spec refuses the call");
        if (err != 0) FUZZ_CHECK(len == static_cast<socklen_t>(given), "a failed getsockopt changed *optlen (CTL-OPT-012)");
        if (err != 0) FUZZ_CHECK(untouched(buf.get(), bufsize), "a failed getsockopt wrote to optval (CTL-OPT-012)");
        return;
    }
    FUZZ_CHECK(g_seen.get_calls == 1, "ctl_get ran %d times", g_seen.get_calls);
    FUZZ_CHECK(g_seen.opt == name, "ctl_get got opt %d, not %d (CTL-OPT-001)", g_seen.opt, name);
    if (query) {
        FUZZ_CHECK(g_seen.data_null && g_seen.len == 0, "a size query must call ctl_get(NULL, *len 0) (CTL-OPT-010)");
    } else {
        FUZZ_CHECK(!g_seen.data_null && g_seen.len == given && g_seen.data_ptr != buf.get(),
                   "ctl_get must get a stack buffer of %zu bytes (CTL-OPT-011): data %s, *len %zu", given,
                   g_seen.data_null ? "NULL" : "set", g_seen.len);
    }
    if (err != 0) {
        FUZZ_CHECK(len == static_cast<socklen_t>(given), "a failed getsockopt changed *optlen (CTL-OPT-012)");
        FUZZ_CHECK(untouched(buf.get(), bufsize), "a failed getsockopt wrote to optval (CTL-OPT-012)");
        return;
    }
    size_t reported;
    if (query) reported = (g_get_len & 1) ? 20000 : 100;
    else {
        const size_t r[] = {given, 0, given + 10, 3};
        reported = r[g_get_len & 3];
    }
    if (query) {
        const size_t capped = std::min<size_t>(reported, CTL_MAXOPTLEN);
        FUZZ_CHECK(len == capped, "size query: *optlen %u, expected %zu (CTL-OPT-010)", len, capped);
        FUZZ_CHECK(untouched(buf.get(), bufsize), "a size query wrote to optval (CTL-OPT-010)");
        return;
    }
    const size_t copied = std::min(reported, given);
    FUZZ_CHECK(len == copied, "*optlen %u, expected min(%zu, %zu) (CTL-OPT-011)", len, reported, given);
    for (size_t i = 0; i < copied; ++i) {
        const uint8_t want_b = static_cast<uint8_t>(0xc0 + i);
        if (buf[i] != want_b)
            nke::fuzz::fail(__FILE__, __LINE__, "optval byte %zu is %02x, expected %02x (CTL-OPT-011)", i, buf[i], want_b);
    }
    FUZZ_CHECK(untouched(buf.get() + copied, bufsize - copied), "getsockopt wrote past min(len, *optlen) (CTL-OPT-011)");
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    run(data, size);
    return 0;
}

extern "C" int NkeFuzzWriteSeeds(const char *dir) {
    auto seed = [&](const char *name, uint8_t f, uint8_t getlen, std::vector<uint32_t> words,
                    std::vector<uint8_t> val) {
        std::vector<uint8_t> b = {f, getlen};
        for (uint32_t w : words) {
            uint8_t x[4];
            std::memcpy(x, &w, 4);
            b.insert(b.end(), x, x + 4);
        }
        b.insert(b.end(), val.begin(), val.end());
        return nke::fuzz::write_file(std::string(dir) + "/" + name, b);
    };
    bool ok = true;
    ok &= seed("set_value", 0x00, 0, {7}, {1, 2, 3, 4, 5});
    ok &= seed("set_empty_null", 0x08, 0, {8}, {});                         // seed Listing 1-2
    ok &= seed("set_null_with_len", 0x88, 0, {9, 12}, {});                  // EFAULT
    ok &= seed("set_maxoptlen", 0x80, 0, {1, CTL_MAXOPTLEN}, {9});
    ok &= seed("set_over_maxoptlen", 0x80, 0, {1, CTL_MAXOPTLEN + 1}, {9});
    ok &= seed("set_errors", 0x10, 0, {2}, {1});
    ok &= seed("set_ejustreturn", 0x20, 0, {2}, {1});
    ok &= seed("set_negative", 0x30, 0, {2}, {1});
    ok &= seed("set_no_callback", 0x01, 0, {3}, {1, 2});
    ok &= seed("set_unconnected", 0x02, 0, {3}, {1, 2});
    ok &= seed("set_other_level", 0x40, 0, {6, 3}, {1, 2, 3, 4});
    ok &= seed("set_sol_socket", 0x40, 0, {0xffff, 0x1021}, {0, 0, 0, 0});
    ok &= seed("get_exact", 0x84, 0, {5, 16}, {});
    ok &= seed("get_truncated", 0x84, 2, {5, 16}, {});
    ok &= seed("get_shorter", 0x84, 3, {5, 16}, {});
    ok &= seed("get_zero", 0x84, 1, {5, 16}, {});
    ok &= seed("get_size_query_null", 0x8c, 0, {5, 64}, {});
    ok &= seed("get_size_query_zero", 0x84, 1, {5, 0}, {});
    ok &= seed("get_error", 0x94, 0, {5, 8}, {});
    ok &= seed("get_over_maxoptlen", 0x84, 0, {5, CTL_MAXOPTLEN + 1}, {});
    ok &= seed("get_no_callback", 0x85, 0, {5, 8}, {});
    ok &= seed("get_unconnected", 0x86, 0, {5, 8}, {});
    std::fprintf(stderr, "wrote seeds to %s\n", dir);
    return ok ? 0 : 1;
}

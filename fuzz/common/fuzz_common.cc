#include "fuzz_common.hpp"

#include <unistd.h>

#include <cerrno>
#include <climits>

namespace nke::fuzz {
namespace {

int g_print = -1;  // -1: not decided yet (read NKE_FUZZ_PRINT once)

}  // namespace

bool print_enabled() {
    if (g_print < 0) {
        const char *e = std::getenv("NKE_FUZZ_PRINT");
        g_print = (e && *e && *e != '0') ? 1 : 0;
    }
    return g_print == 1;
}

void set_print_enabled(bool on) { g_print = on ? 1 : 0; }

void trace(const char *fmt, ...) {
    if (!print_enabled()) return;
    va_list ap;
    va_start(ap, fmt);
    std::vfprintf(stderr, fmt, ap);
    va_end(ap);
}

void fail(const char *file, int line, const char *fmt, ...) {
    std::fprintf(stderr, "\n==nke-fuzz== INVARIANT VIOLATED at %s:%d\n==nke-fuzz== ", file, line);
    va_list ap;
    va_start(ap, fmt);
    std::vfprintf(stderr, fmt, ap);
    va_end(ap);
    std::fprintf(stderr,
                 "\n==nke-fuzz== replay with --print (or NKE_FUZZ_PRINT=1) to see the calls\n");
    std::fflush(stderr);
    std::abort();
}

void fail_check(const char *file, int line, const char *cond, const char *fmt, ...) {
    std::fprintf(stderr, "\n==nke-fuzz== INVARIANT VIOLATED at %s:%d\n==nke-fuzz== check failed: %s\n==nke-fuzz== ",
                 file, line, cond);
    va_list ap;
    va_start(ap, fmt);
    std::vfprintf(stderr, fmt, ap);
    va_end(ap);
    std::fprintf(stderr,
                 "\n==nke-fuzz== replay with --print (or NKE_FUZZ_PRINT=1) to see the calls\n");
    std::fflush(stderr);
    std::abort();
}

const nke_harness &harness() {
    static const nke_harness *h = [] {
        const nke_harness *t = nke_harness_v1();
        if (t == nullptr || t->get_counters == nullptr ||
            (t->abi_version >> 16) != NKE_ABI_VERSION_MAJOR) {
            std::fprintf(stderr, "nke-fuzz: the implementation has no usable harness table\n");
            std::abort();
        }
        return t;
    }();
    return *h;
}

nke_counters counters() {
    nke_counters c{};
    c.size = sizeof c;
    const int rc = harness().get_counters(&c);
    if (rc != 0) fail(__FILE__, __LINE__, "get_counters failed: %d", rc);
    return c;
}

LiveDiff live_diff(const nke_counters &a, const nke_counters &b) {
    struct Field {
        const char *name;
        uint64_t nke_counters::*p;
    };
    static const Field fields[] = {
        {"mbufs", &nke_counters::mbufs},
        {"clusters", &nke_counters::clusters},
        {"sockets", &nke_counters::sockets},
        {"descriptors", &nke_counters::descriptors},
        {"domains", &nke_counters::domains},
        {"protosws", &nke_counters::protosws},
        {"sockfilters", &nke_counters::sockfilters},
        {"kextcbs", &nke_counters::kextcbs},
        {"controllers", &nke_counters::controllers},
        {"ctl_clients", &nke_counters::ctl_clients},
        {"event_sockets", &nke_counters::event_sockets},
        {"if_families", &nke_counters::if_families},
        {"interfaces", &nke_counters::interfaces},
        {"dl_protos", &nke_counters::dl_protos},
        {"dl_filters", &nke_counters::dl_filters},
        {"modules", &nke_counters::modules},
    };
    LiveDiff d;
    for (const auto &f : fields) {
        if (a.*f.p == b.*f.p) continue;
        if (!d.text.empty()) d.text += "; ";
        d.text += f.name;
        d.text += " " + std::to_string(a.*f.p) + " -> " + std::to_string(b.*f.p);
    }
    return d;
}

void expect_no_leak(const nke_counters &before, const char *when) {
    const LiveDiff d = live_diff(before, counters());
    if (!d.empty()) fail(__FILE__, __LINE__, "live counters changed %s: %s", when, d.text.c_str());
}

FailAlloc::FailAlloc(uint64_t nth, bool persistent) {
    if (nth == 0 || harness().fail_alloc == nullptr) return;
    armed_ = harness().fail_alloc(nth, persistent ? 1 : 0) == 0;
}

FailAlloc::~FailAlloc() {
    if (armed_) harness().fail_alloc(0, 0);
}

AsUser::AsUser(uint32_t uid, uint32_t euid) {
    if (harness().set_credentials == nullptr) return;
    ok_ = harness().set_credentials(uid, euid) == 0;
}

AsUser::~AsUser() {
    if (ok_) harness().set_credentials(0, 0);
}

std::string hex(const void *p, size_t n, size_t max) {
    static const char digits[] = "0123456789abcdef";
    const auto *b = static_cast<const unsigned char *>(p);
    std::string s;
    const size_t shown = n < max ? n : max;
    for (size_t i = 0; i < shown; ++i) {
        if (i) s += ' ';
        s += digits[b[i] >> 4];
        s += digits[b[i] & 15];
    }
    if (shown < n) s += " ...";
    return s;
}

const char *errno_name(int e) {
    switch (e) {
    case 0: return "0";
    case EJUSTRETURN: return "EJUSTRETURN";
    case EPERM: return "EPERM";
    case ENOENT: return "ENOENT";
    case ENXIO: return "ENXIO";
    case EBADF: return "EBADF";
    case ENOMEM: return "ENOMEM";
    case EFAULT: return "EFAULT";
    case EBUSY: return "EBUSY";
    case EEXIST: return "EEXIST";
    case ENODEV: return "ENODEV";
    case EINVAL: return "EINVAL";
    case EPIPE: return "EPIPE";
    case EDEADLK: return "EDEADLK";
    case ENAMETOOLONG: return "ENAMETOOLONG";
    case EMSGSIZE: return "EMSGSIZE";
    case EPROTOTYPE: return "EPROTOTYPE";
    case ENOPROTOOPT: return "ENOPROTOOPT";
    case EPROTONOSUPPORT: return "EPROTONOSUPPORT";
    case EOPNOTSUPP: return "EOPNOTSUPP";
    case EPFNOSUPPORT: return "EPFNOSUPPORT";
    case EAFNOSUPPORT: return "EAFNOSUPPORT";
    case EADDRINUSE: return "EADDRINUSE";
    case EADDRNOTAVAIL: return "EADDRNOTAVAIL";
    case ENOBUFS: return "ENOBUFS";
    case EISCONN: return "EISCONN";
    case ENOTCONN: return "ENOTCONN";
    case ESHUTDOWN: return "ESHUTDOWN";
    case EALREADY: return "EALREADY";
    case ECANCELED: return "ECANCELED";
    case ECONNREFUSED: return "ECONNREFUSED";
    case EIO: return "EIO";
    case EWOULDBLOCK: return "EWOULDBLOCK";
    case EFBIG: return "EFBIG";
    case ENOSYS: return "ENOSYS";
    case ENOEXEC: return "ENOEXEC";
    case ERANGE: return "ERANGE";
    default: {
        static thread_local char buf[16];
        std::snprintf(buf, sizeof buf, "%d", e);
        return buf;
    }
    }
}

std::string module_path(const char *name) {
    const std::string file = std::string(name) + ".nke.so";
    if (const char *d = std::getenv("NKE_FUZZ_MODULE_DIR"); d && *d) return std::string(d) + "/" + file;
    // Next to the binary ($OUT on OSS-Fuzz / ClusterFuzzLite).
    char exe[PATH_MAX];
    const ssize_t n = readlink("/proc/self/exe", exe, sizeof exe - 1);
    if (n > 0) {
        exe[n] = '\0';
        std::string dir(exe);
        dir.resize(dir.rfind('/') + 1);
        const std::string p = dir + file;
        if (access(p.c_str(), R_OK) == 0) return p;
    }
#ifdef NKE_FUZZ_MODULE_DIR_DEFAULT
    return std::string(NKE_FUZZ_MODULE_DIR_DEFAULT) + "/" + file;
#else
    return file;
#endif
}

}  // namespace nke::fuzz

// nke_log: the kernel log of the reference.  Silent unless NKE_LOG is set in
// the environment, so tests stay quiet; then one line per call on stderr.
#include <nke/kern.h>

#include <cstdarg>
#include <cstdio>
#include <cstdlib>

namespace {
const bool g_log_enabled = std::getenv("NKE_LOG") != nullptr;
constexpr const char *kLevelNames[] = {"emerg", "alert", "crit", "err",
                                       "warning", "notice", "info", "debug"};
}  // namespace

extern "C" NKE_API void nke_log(int level, const char *fmt, ...) {
    if (!g_log_enabled || fmt == nullptr) return;
    const char *name = (level >= 0 && level <= 7) ? kLevelNames[level] : "?";
    char line[1024];
    va_list ap;
    va_start(ap, fmt);
    std::vsnprintf(line, sizeof line, fmt, ap);
    va_end(ap);
    std::fprintf(stderr, "nke[%s]: %s%s", name, line,
                 (line[0] && line[__builtin_strlen(line) - 1] == '\n') ? "" : "\n");
}

#include "probe.hpp"

#include "classify.hpp"
#include "process.hpp"
#include "text.hpp"

#include NKE_ABI_SYMBOLS_HPP

#include <nke/harness.h>

#include <dlfcn.h>
#include <fcntl.h>
#include <sys/wait.h>

#include <algorithm>
#include <cstddef>
#include <cstdio>
#include <cstring>

namespace nke::runner {
namespace {

// One line per fact, flushed at once: if the child dies, the last line
// says how far it got.
class Report {
public:
    explicit Report(const std::string &path) : f_(std::fopen(path.c_str(), "w")) {}
    ~Report() {
        if (f_) std::fclose(f_);
    }
    Report(const Report &) = delete;
    Report &operator=(const Report &) = delete;
    void line(const char *key, const std::string &value = {}) {
        if (!f_) return;
        std::string v = value;
        for (char &c : v) {
            if (c == '\n' || c == '\t' || c == '\r') c = ' ';
        }
        std::fprintf(f_, "%s\t%s\n", key, v.c_str());
        std::fflush(f_);
    }

private:
    std::FILE *f_;
};

// Runs in the child.  Never returns a failure status itself: everything it
// learns goes into the report; only a crash or a hang is seen by the parent.
int probe_child(const std::string &path, const std::string &report_path, const std::string &output_path) {
    // What the object prints while loading (a sanitizer report, a loader
    // error) goes to a file the parent quotes, not to the user's terminal.
    const int out = ::open(output_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    if (out >= 0) {
        ::dup2(out, 1);
        ::dup2(out, 2);
        ::close(out);
    }
    Report r(report_path);
    r.line("stage", "loading");
    void *h = ::dlopen(path.c_str(), RTLD_NOW | RTLD_LOCAL);
    if (h == nullptr) {
        const char *e = ::dlerror();
        r.line("dlopen", e ? e : "unknown dlopen error");
        return 0;
    }
    r.line("stage", "symbols");
    for (const auto sym : nke::abi::kSymbols) {
        const std::string name(sym);
        ::dlerror();
        if (::dlsym(h, name.c_str()) == nullptr) r.line("missing", name);
    }
    using HarnessFn = const nke_harness *(*)();
    auto fn = reinterpret_cast<HarnessFn>(::dlsym(h, "nke_harness_v1"));
    if (fn == nullptr) {
        r.line("stage", "done");
        return 0;
    }
    r.line("stage", "calling nke_harness_v1()");
    const nke_harness *t = fn();
    if (t == nullptr) {
        r.line("table", "null");
        r.line("stage", "done");
        return 0;
    }
    r.line("stage", "reading the harness table");
    r.line("size", std::to_string(t->size));
    r.line("abi", std::to_string(t->abi_version));
    auto covers = [&](size_t offset) { return t->size >= offset + sizeof(void *); };
    if (covers(offsetof(nke_harness, get_counters)))
        r.line("get_counters", t->get_counters ? "1" : "0");
    if (covers(offsetof(nke_harness, fail_alloc)) && t->fail_alloc) r.line("hook", "fail_alloc");
    if (covers(offsetof(nke_harness, set_credentials)) && t->set_credentials)
        r.line("hook", "set_credentials");
    if (covers(offsetof(nke_harness, reset)) && t->reset) r.line("hook", "reset");
    r.line("stage", "reading impl_name and impl_version");
    if (covers(offsetof(nke_harness, impl_name)) && t->impl_name)
        r.line("name", std::string(t->impl_name, ::strnlen(t->impl_name, 200)));
    if (covers(offsetof(nke_harness, impl_version)) && t->impl_version)
        r.line("version", std::string(t->impl_version, ::strnlen(t->impl_version, 200)));
    r.line("stage", "done");
    return 0;
}

}  // namespace

std::string impl_slug(const std::string &name) {
    std::string out;
    bool dash = false;
    for (const char c : lower(name)) {
        const bool alnum = (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' || c == '.';
        if (alnum) {
            if (dash && !out.empty()) out += '-';
            out += c;
            dash = false;
        } else {
            dash = true;
        }
    }
    if (out.rfind("opennke-", 0) == 0) out.erase(0, 8);
    return out.empty() ? "unnamed" : out;
}

ProbeResult probe_implementation(const std::string &path, const std::string &scratch,
                                 double timeout_s) {
    ProbeResult res;
    res.info.path = path;
    const std::string report_path = scratch + "/abi-check.txt";
    const std::string output_path = scratch + "/abi-check-output.txt";
    const pid_t pid = fork_call([&] { return probe_child(path, report_path, output_path); });
    if (pid < 0) {
        res.error = std::string("cannot fork the ABI check: ") + std::strerror(errno);
        return res;
    }
    const auto deadline = Clock::now() + std::chrono::milliseconds(static_cast<int64_t>(timeout_s * 1000));
    const std::optional<int> status = wait_child(pid, deadline);
    if (!status) {
        kill_group(pid);
        wait_child(pid, Clock::now() + std::chrono::seconds(5));
    }

    std::string stage = "starting", dlopen_error, table;
    bool has_get_counters = false, saw_get_counters = false;
    bool have_size = false;
    for (const auto &line : split(read_file(report_path), '\n')) {
        const size_t tab = line.find('\t');
        if (tab == std::string::npos) continue;
        const std::string key = line.substr(0, tab), value = line.substr(tab + 1);
        if (key == "stage") stage = value;
        else if (key == "dlopen") dlopen_error = value;
        else if (key == "missing") res.missing.push_back(value);
        else if (key == "table") table = value;
        else if (key == "size") {
            res.info.harness_size = static_cast<unsigned>(std::stoul(value));
            have_size = true;
        } else if (key == "abi") {
            const unsigned long v = std::stoul(value);
            res.info.abi_major = static_cast<unsigned>(v >> 16);
            res.info.abi_minor = static_cast<unsigned>(v & 0xffff);
        } else if (key == "get_counters") {
            saw_get_counters = true;
            has_get_counters = value == "1";
        } else if (key == "hook") res.info.hooks.push_back(value);
        else if (key == "name") res.info.name = value;
        else if (key == "version") res.info.version = value;
    }

    const std::string output = read_file(output_path, nullptr, 1 << 20);
    const std::string quoted = output.empty() ? "" : "\n--- its output ---\n" + tail(output, 25, 4000);
    if (!status) {
        res.error = interrupted() ? "interrupted during the ABI check"
                                  : "the implementation hung during the ABI check (stage: " + stage +
                                        "); killed after " + std::to_string(static_cast<int>(timeout_s)) + " s" + quoted;
        return res;
    }
    const auto san = find_sanitizer_report(output);
    if (WIFSIGNALED(*status) || (san && san->deadly)) {
        const std::string how = san && san->deadly ? "killed by " + san->signal + ", caught by " + san->tool
                                                   : describe_status(*status);
        res.error = "the implementation crashed during the ABI check (" + how + ", stage: " + stage + ")";
        if (stage == "loading") res.error += "; a constructor of the object or of a dependency failed";
        res.error += quoted;
        return res;
    }
    if (!dlopen_error.empty()) {
        res.error = "cannot load the implementation: " + dlopen_error;
        return res;
    }
    if (stage != "done") {
        res.error = "the ABI check stopped early (" + describe_status(*status) + ", stage: " + stage + ")" + quoted;
        return res;
    }
    std::string problems;      // everything wrong, for the message
    bool other_problem = false;  // something besides missing symbols
    if (!res.missing.empty()) {
        problems += "it does not export " + std::to_string(res.missing.size()) + " of the " +
                    std::to_string(nke::abi::kSymbols.size()) + " ABI symbols:\n";
        for (const auto &m : res.missing) problems += "    " + m + "\n";
    }
    auto problem = [&](const std::string &p) {
        problems += p + "\n";
        other_problem = true;
    };
    const bool has_table_fn = std::find(res.missing.begin(), res.missing.end(), "nke_harness_v1") == res.missing.end();
    if (!has_table_fn) {
        other_problem = true;  // without the table nothing can be judged
    } else if (table == "null") {
        problem("nke_harness_v1() returned NULL");
    } else if (have_size) {
        const std::string suite_abi = std::to_string(NKE_ABI_VERSION_MAJOR) + "." + std::to_string(NKE_ABI_VERSION_MINOR);
        if (res.info.abi_major != NKE_ABI_VERSION_MAJOR || static_cast<int>(res.info.abi_minor) < NKE_ABI_VERSION_MINOR) {
            problem("ABI version mismatch: the implementation reports " + std::to_string(res.info.abi_major) + "." +
                    std::to_string(res.info.abi_minor) + ", this suite needs " + suite_abi +
                    " or a later minor version of " + std::to_string(NKE_ABI_VERSION_MAJOR) + ".x");
        }
        if (res.info.harness_size < offsetof(nke_harness, reset)) {
            problem("the harness table is " + std::to_string(res.info.harness_size) + " bytes, smaller than ABI " +
                    suite_abi + "'s required part (" + std::to_string(offsetof(nke_harness, reset)) + " bytes)");
        } else if (saw_get_counters && !has_get_counters) {
            problem("the harness table has no get_counters (a required hook)");
        }
    }
    if (!problems.empty()) {
        res.only_missing = !other_problem;
        res.error = "the implementation cannot be judged by this suite:\n" + problems;
        if (res.error.back() == '\n') res.error.pop_back();
    } else {
        res.usable = true;
    }
    if (res.info.name.empty()) res.info.name = "unnamed";
    if (res.info.version.empty()) res.info.version = "unknown";
    res.info.slug = impl_slug(res.info.name);
    return res;
}

}  // namespace nke::runner

#include "commands.hpp"

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <vector>

#include <nke/nke.h>

namespace nke::tools {
namespace {

bool resolve(const std::string &what, int &id) {
    char *end = nullptr;
    const long v = std::strtol(what.c_str(), &end, 10);
    if (!what.empty() && end && *end == '\0') {
        id = static_cast<int>(v);
        return true;
    }
    return kmod_lookup(what.c_str(), &id) == 0;
}

nke_counters snapshot() {
    nke_counters c{};
    c.size = sizeof c;
    nke_harness_v1()->get_counters(&c);
    return c;
}

struct Field {
    const char *name;
    uint64_t nke_counters::*ptr;
};
constexpr Field kLive[] = {
    {"mbufs", &nke_counters::mbufs},           {"clusters", &nke_counters::clusters},
    {"sockets", &nke_counters::sockets},       {"descriptors", &nke_counters::descriptors},
    {"domains", &nke_counters::domains},       {"protosws", &nke_counters::protosws},
    {"sockfilters", &nke_counters::sockfilters}, {"kextcbs", &nke_counters::kextcbs},
    {"controllers", &nke_counters::controllers}, {"ctl_clients", &nke_counters::ctl_clients},
    {"event_sockets", &nke_counters::event_sockets}, {"if_families", &nke_counters::if_families},
    {"interfaces", &nke_counters::interfaces}, {"dl_protos", &nke_counters::dl_protos},
    {"dl_filters", &nke_counters::dl_filters}, {"modules", &nke_counters::modules},
};

}  // namespace

size_t Kext::arity(const std::string &name) {
    if (name == "load" || name == "unload" || name == "check") return 2;
    if (name == "stat" || name == "counters") return 1;
    return 0;
}

int Kext::run(const std::vector<std::string> &cmd) {
    const std::string &name = cmd.at(0);
    if (name == "load") {
        int id = 0;
        const int rc = kmod_load(cmd[1].c_str(), nullptr, &id);
        if (rc != 0) {
            std::fprintf(err, "nke-kext: load %s: %s\n", cmd[1].c_str(), std::strerror(rc));
            return 1;
        }
        kmod_stat st{};
        kmod_get_stat(id, &st);
        std::fprintf(out, "loaded %s (%s) as id %d\n", st.name, st.version, id);
        return 0;
    }
    if (name == "unload") {
        int id = 0;
        if (!resolve(cmd[1], id)) {
            std::fprintf(err, "nke-kext: unload %s: no such module\n", cmd[1].c_str());
            return 1;
        }
        kmod_stat st{};
        const bool known = kmod_get_stat(id, &st) == 0;
        const int rc = kmod_unload(id, nullptr);
        if (rc != 0) {
            std::fprintf(err, "nke-kext: unload %s: %s", cmd[1].c_str(), std::strerror(rc));
            if (rc == EBUSY && known)
                std::fprintf(err, " (%d references, %u registrations)", st.reference_count,
                             st.registrations);
            std::fprintf(err, "\n");
            return 1;
        }
        std::fprintf(out, "unloaded %s\n", known ? st.name : cmd[1].c_str());
        return 0;
    }
    if (name == "stat") {
        size_t n = 0;
        kmod_list(nullptr, 0, &n);
        std::vector<int> ids(n);
        kmod_list(ids.data(), ids.size(), &n);
        std::fprintf(out, "%4s %5s %5s  %-40s %s\n", "Id", "Refs", "Regs", "Name", "(Version)");
        for (int id : ids) {
            kmod_stat st{};
            if (kmod_get_stat(id, &st) != 0) continue;
            std::fprintf(out, "%4d %5d %5u  %-40s (%s)\n", st.id, st.reference_count,
                         st.registrations, st.name, st.version);
        }
        return 0;
    }
    if (name == "counters") {
        const nke_counters c = snapshot();
        for (const auto &f : kLive)
            std::fprintf(out, "%-14s %llu\n", f.name, static_cast<unsigned long long>(c.*f.ptr));
        return 0;
    }
    if (name == "check") {
        // Load, unload, and compare every live counter with its value before.
        const nke_counters before = snapshot();
        int id = 0;
        int rc = kmod_load(cmd[1].c_str(), nullptr, &id);
        if (rc != 0) {
            std::fprintf(err, "nke-kext: check %s: load failed: %s\n", cmd[1].c_str(),
                         std::strerror(rc));
            return 1;
        }
        kmod_stat st{};
        kmod_get_stat(id, &st);
        std::fprintf(out, "loaded %s (%s): %u registrations\n", st.name, st.version,
                     st.registrations);
        rc = kmod_unload(id, nullptr);
        if (rc != 0) {
            std::fprintf(err, "nke-kext: check %s: unload refused: %s\n", cmd[1].c_str(),
                         std::strerror(rc));
            return 1;
        }
        const nke_counters after = snapshot();
        int leaks = 0;
        for (const auto &f : kLive) {
            if (before.*f.ptr == after.*f.ptr) continue;
            std::fprintf(err, "nke-kext: check %s: %s %llu -> %llu after unload\n",
                         cmd[1].c_str(), f.name,
                         static_cast<unsigned long long>(before.*f.ptr),
                         static_cast<unsigned long long>(after.*f.ptr));
            ++leaks;
        }
        if (leaks) return 1;
        std::fprintf(out, "unloaded %s: nothing left behind\n", st.name);
        return 0;
    }
    std::fprintf(err, "nke-kext: unknown command '%s'\n", name.c_str());
    return 2;
}

}  // namespace nke::tools

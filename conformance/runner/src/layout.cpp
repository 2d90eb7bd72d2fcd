#include "layout.hpp"

#include "runner_config.hpp"

#include <filesystem>
#include <system_error>

namespace fs = std::filesystem;

namespace nke::runner {

std::string canonical_path(const std::string &path) {
    std::error_code ec;
    const fs::path p = fs::canonical(path, ec);
    return ec ? std::string() : p.string();
}

namespace {

bool present(const fs::path &p) {
    std::error_code ec;
    return fs::exists(p, ec);
}

std::string norm(const fs::path &p) { return p.lexically_normal().string(); }

}  // namespace

Layout detect_layout() {
    Layout l;
    l.runner = canonical_path("/proc/self/exe");
    const fs::path dir = fs::path(l.runner).parent_path();
    l.installed = norm(dir) != norm(canonical_path(config::kBuildRunnerDir));

    static constexpr const char *kSuiteNames[] = {"nke-conformance-tests", "nke-property-tests"};
    if (!l.installed) {
        l.reference = config::kBuildReference;
        for (const char *name : kSuiteNames) {
            const fs::path p = fs::path(config::kBuildSuiteDir) / name;
            if (present(p)) l.suites.push_back(p.string());
        }
        l.module_dir = config::kBuildModuleDir;
        l.rules = config::kBuildRules;
        l.buildtime_tests = config::kSourceBuildtimeTests;
        l.expectations_dir = config::kSourceExpectationsDir;
        return l;
    }
    const fs::path libexec = dir / config::kBinToLibexec;
    const fs::path data = dir / config::kBinToData;
    l.reference = norm(dir / config::kBinToLib / config::kReferenceSoname);
    for (const char *name : kSuiteNames) {
        // Next to the runner first (a relocated pair), then libexec/opennke.
        if (present(dir / name)) l.suites.push_back(norm(dir / name));
        else if (present(libexec / name)) l.suites.push_back(norm(libexec / name));
    }
    l.module_dir = norm(libexec / "modules");
    l.rules = norm(data / "rules.json");
    l.buildtime_tests = norm(data / "buildtime_tests.json");
    l.expectations_dir = norm(data / "expectations");
    return l;
}

}  // namespace nke::runner

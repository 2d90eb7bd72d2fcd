#include "environment.hpp"

#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>

extern char **environ;

namespace nke::runner {

bool TestEnvironment::is_managed(const std::string &name) {
    static const char *const kExact[] = {"LD_LIBRARY_PATH", "TZ",      "HOME",
                                         "TMPDIR",          "LANG",    "LANGUAGE",
                                         "NKE_RESULT_FILE", "NKE_TEST_MODULE_DIR"};
    for (const char *e : kExact) {
        if (name == e) return true;
    }
    // gtest's own variables would change which tests run and how.
    return name.rfind("LC_", 0) == 0 || name.rfind("GTEST_", 0) == 0;
}

TestEnvironment::TestEnvironment(const std::string &tmp_root, const std::string &impl,
                                 std::string module_dir, std::string *error)
    : lib_dir_(tmp_root + "/lib"), module_dir_(std::move(module_dir)) {
    std::error_code ec;
    std::filesystem::create_directories(lib_dir_, ec);
    const std::string link = lib_dir_ + "/libnke.so.1";
    if (ec || ::symlink(impl.c_str(), link.c_str()) != 0) {
        *error = "cannot create " + link + ": " + (ec ? ec.message() : std::strerror(errno));
    }
    for (char **e = environ; e && *e; ++e) {
        const std::string kv = *e;
        const std::string name = kv.substr(0, kv.find('='));
        if (name == "LD_LIBRARY_PATH") old_ld_path_ = kv.substr(kv.find('=') + 1);
        if (!is_managed(name)) inherited_.push_back(kv);
    }
}

std::vector<std::string> TestEnvironment::for_process(const std::string &scratch,
                                                      const std::string &result_file) const {
    std::vector<std::string> env = inherited_;
    env.push_back("LD_LIBRARY_PATH=" + lib_dir_ + (old_ld_path_.empty() ? "" : ":" + old_ld_path_));
    env.push_back("TZ=UTC");
    env.push_back("HOME=" + scratch);
    env.push_back("TMPDIR=" + scratch);
    env.push_back("NKE_TEST_MODULE_DIR=" + module_dir_);
    if (!result_file.empty()) env.push_back("NKE_RESULT_FILE=" + result_file);
    return env;
}

}  // namespace nke::runner

// Helpers for the module tests: load a test module with a probe, and make
// sure it is unloaded whatever the test does.
#pragma once

#include "nke_test.hpp"

#include "kmod_probe.h"

#include <string>

namespace nke::test {

// Loads a module on construction (recording the result), unloads it on
// destruction if it is still loaded.
class LoadedModule {
public:
    explicit LoadedModule(const char *name, kmod_probe *probe = nullptr)
        : path_(module_path(name)), probe_(probe) {
        rc_ = kmod_load(path_.c_str(), probe_, &id_);
    }
    ~LoadedModule() {
        if (rc_ == 0 && id_ > 0) {
            kmod_stat st{};
            if (kmod_get_stat(id_, &st) == 0) {
                if (probe_) probe_->stop_result = KMOD_RETURN_SUCCESS;
                EXPECT_EQ(kmod_unload(id_, probe_), 0) << "cleanup unload of " << path_;
            }
        }
    }
    LoadedModule(const LoadedModule &) = delete;
    LoadedModule &operator=(const LoadedModule &) = delete;

    int rc() const { return rc_; }
    int id() const { return id_; }
    const std::string &path() const { return path_; }

private:
    std::string path_;
    kmod_probe *probe_;
    int rc_ = -1;
    int id_ = 0;
};

inline bool module_loaded(int id) {
    kmod_stat st{};
    return kmod_get_stat(id, &st) == 0;
}

}  // namespace nke::test

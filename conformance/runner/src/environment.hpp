// The environment of every test process (Kyua's recipe, conformance-practices
// §4): the implementation first on LD_LIBRARY_PATH as libnke.so.1, TZ=UTC,
// no locale variables, HOME and TMPDIR in the test's scratch directory, and
// the result file and module directory the harness reads.
#pragma once

#include <string>
#include <vector>

namespace nke::runner {

class TestEnvironment {
public:
    // Creates <tmp_root>/lib/libnke.so.1 -> impl.  On failure, error is set.
    TestEnvironment(const std::string &tmp_root, const std::string &impl, std::string module_dir,
                    std::string *error);

    const std::string &lib_dir() const { return lib_dir_; }
    const std::string &module_dir() const { return module_dir_; }

    // The complete environment for one process whose scratch directory is
    // scratch and whose result file is result_file (may be empty).
    std::vector<std::string> for_process(const std::string &scratch, const std::string &result_file) const;

    // True for the variables the runner sets or removes itself.
    static bool is_managed(const std::string &name);

private:
    std::string lib_dir_;
    std::string module_dir_;
    std::vector<std::string> inherited_;  // parent's environment minus managed names
    std::string old_ld_path_;
};

}  // namespace nke::runner

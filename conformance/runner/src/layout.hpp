// Where the runner finds its defaults: the reference implementation, the
// suite binaries, the test modules, rules.json and the expectations.
//
// Two layouts exist.  In the build tree the paths are baked in at build time;
// an installed runner finds everything relative to its own location
// (bin/ -> libexec/opennke, lib/, share/opennke), so an installation can be
// moved as a whole.
#pragma once

#include <string>
#include <vector>

namespace nke::runner {

struct Layout {
    bool installed = false;
    std::string runner;                     // absolute path of this executable
    std::string reference;                  // the reference implementation
    std::vector<std::string> suites;        // default suite binaries that exist
    std::string module_dir;
    std::string rules;
    std::string buildtime_tests;            // checks done when the suite was built
    std::string expectations_dir;
};

Layout detect_layout();

// Absolute, symlink-free form of path ("" if it does not exist).
std::string canonical_path(const std::string &path);

}  // namespace nke::runner

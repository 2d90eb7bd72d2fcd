// The ABI check, done before anything else and in a forked child so that an
// implementation that crashes or hangs while loading cannot take the runner
// down: dlopen the object, dlsym every symbol of the generated ABI list, call
// nke_harness_v1() and check the table's size and ABI version.
#pragma once

#include "model.hpp"

#include <string>
#include <vector>

namespace nke::runner {

struct ProbeResult {
    bool usable = false;
    ImplInfo info;
    std::vector<std::string> missing;  // ABI symbols the object lacks
    std::string error;                 // why it is unusable, for the user
    bool only_missing = false;         // the missing symbols are the only problem
};

// scratch: a directory for the child's report file.
ProbeResult probe_implementation(const std::string &path, const std::string &scratch,
                                 double timeout_s);

// "OpenNKE reference" -> "reference": lower case, runs of other characters
// turned into '-', a leading "opennke-" dropped.
std::string impl_slug(const std::string &name);

}  // namespace nke::runner

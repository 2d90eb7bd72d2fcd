// nke-kext commands: kextload / kextunload / kextstat for the in-process
// stack, plus `check`, which loads a module, unloads it and reports what it
// left behind.
#pragma once

#include <cstdio>
#include <string>
#include <vector>

namespace nke::tools {

struct Kext {
    std::FILE *out = stdout;
    std::FILE *err = stderr;
    // Runs one command with its arguments; returns 0 or a process exit code.
    int run(const std::vector<std::string> &cmd);
    // How many words the command starting at `name` takes (itself included),
    // or 0 if `name` is no command.
    static size_t arity(const std::string &name);
};

}  // namespace nke::tools

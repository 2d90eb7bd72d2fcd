// nke-kext: kextload, kextunload and kextstat for an OpenNKE stack.
//
// The stack lives in this process, so one invocation runs a whole session:
//   nke-kext load a.nke.so load b.nke.so stat unload com.example.b
//   nke-kext check my.nke.so        # loads, unloads, reports leftovers
//   nke-kext -                      # read commands from standard input
#include "commands.hpp"

#include <cstdio>
#include <cstring>
#include <iostream>
#include <sstream>
#include <string>
#include <vector>

namespace {

void usage(std::FILE *f) {
    std::fprintf(f,
                 "usage: nke-kext COMMAND [ARG] [COMMAND [ARG]]...\n"
                 "       nke-kext -          (one command per line from standard input)\n"
                 "\n"
                 "Runs the commands in order against the OpenNKE stack in this process.\n"
                 "\n"
                 "  load PATH        load and start an NKE module (kextload)\n"
                 "  unload NAME|ID   stop and unload a module (kextunload); refused while\n"
                 "                   anything refers into it\n"
                 "  stat             list loaded modules with references and registrations\n"
                 "                   (kextstat)\n"
                 "  counters         print the stack's live resource counters\n"
                 "  check PATH       load, unload, and fail if anything was left behind\n"
                 "\n"
                 "Exit status: 0 if every command succeeded, 1 if one failed, 2 on usage\n"
                 "errors.  Commands after a failed one still run.\n");
}

}  // namespace

int main(int argc, char **argv) {
    std::vector<std::string> words(argv + 1, argv + argc);
    if (words.empty() || words[0] == "-h" || words[0] == "--help") {
        usage(words.empty() ? stderr : stdout);
        return words.empty() ? 2 : 0;
    }
    if (words.size() == 1 && words[0] == "-") {
        words.clear();
        std::string line, w;
        while (std::getline(std::cin, line)) {
            if (line.empty() || line[0] == '#') continue;
            std::istringstream in(line);
            while (in >> w) words.push_back(w);
        }
    }
    nke::tools::Kext kext;
    int status = 0;
    for (size_t i = 0; i < words.size();) {
        const size_t n = nke::tools::Kext::arity(words[i]);
        if (n == 0 || i + n > words.size()) {
            std::fprintf(stderr, "nke-kext: %s '%s'\n", n == 0 ? "unknown command" : "missing argument for",
                         words[i].c_str());
            usage(stderr);
            return 2;
        }
        const int rc = kext.run({words.begin() + static_cast<long>(i),
                                 words.begin() + static_cast<long>(i + n)});
        if (rc > status) status = rc;
        i += n;
    }
    return status;
}

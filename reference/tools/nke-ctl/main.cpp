// nke-ctl: talk to a kernel controller from the command line.
//
// The stack lives in this process, so one invocation is one session: load
// the controller's module, connect to it by id and unit, run commands,
// close, unload.  Uses only the ABI, as any client of a controller would.
//
//   nke-ctl --load ctl_ep.nke.so --id EPC1 set 1 mode=fast get 1 send hello recv
#include "session.hpp"

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <vector>

namespace {

void usage(std::FILE *f) {
    std::fprintf(f,
                 "usage: nke-ctl [--load MODULE]... [--id ID] [--unit N] COMMAND...\n"
                 "\n"
                 "Loads the modules into the OpenNKE stack in this process, connects a\n"
                 "PF_SYSTEM/SYSPROTO_CONTROL socket to controller (ID, N) at the first command\n"
                 "that needs it, runs the commands in order, then closes and unloads.\n"
                 "ID is decimal, 0x-hex or a four-character code (EPC1).\n"
                 "\n"
                 "  set OPT VALUE   setsockopt(SYSPROTO_CONTROL, OPT, VALUE); VALUE '-' sends none\n"
                 "  get OPT         getsockopt(SYSPROTO_CONTROL, OPT): size query, then fetch\n"
                 "  send TEXT       send TEXT as one message (reaches the controller's ctl_write)\n"
                 "  recv            receive one queued record, without waiting\n"
                 "  count           number of registered controllers (CTLIOCGCOUNT)\n"
                 "  events          print the kernel events posted since the session started\n"
                 "                  (an event socket with an any-vendor filter)\n"
                 "  connect         connect now\n"
                 "  close           close the connection (the controller's ctl_disconnect runs)\n"
                 "\n"
                 "Exit status: 0 if every step succeeded, 1 if one failed, 2 on usage errors.\n");
}

}  // namespace

int main(int argc, char **argv) {
    std::vector<std::string> words(argv + 1, argv + argc);
    if (words.empty() || words[0] == "-h" || words[0] == "--help") {
        usage(words.empty() ? stderr : stdout);
        return words.empty() ? 2 : 0;
    }
    std::vector<std::string> modules;
    uint32_t id = 0, unit = 0;
    bool have_id = false;
    size_t i = 0;
    for (; i < words.size() && words[i].rfind("--", 0) == 0; i += 2) {
        if (i + 1 >= words.size()) {
            std::fprintf(stderr, "nke-ctl: %s needs a value\n", words[i].c_str());
            return 2;
        }
        const std::string &opt = words[i], &val = words[i + 1];
        if (opt == "--load") {
            modules.push_back(val);
        } else if (opt == "--id") {
            if (!nke::tools::CtlSession::parse_id(val, id)) {
                std::fprintf(stderr, "nke-ctl: bad id '%s'\n", val.c_str());
                return 2;
            }
            have_id = true;
        } else if (opt == "--unit") {
            if (!nke::tools::CtlSession::parse_id(val, unit)) {
                std::fprintf(stderr, "nke-ctl: bad unit '%s'\n", val.c_str());
                return 2;
            }
        } else {
            std::fprintf(stderr, "nke-ctl: unknown option %s\n", opt.c_str());
            usage(stderr);
            return 2;
        }
    }
    std::vector<std::vector<std::string>> commands;
    for (; i < words.size();) {
        const size_t n = nke::tools::CtlSession::arity(words[i]);
        if (n == 0 || i + n > words.size()) {
            std::fprintf(stderr, "nke-ctl: %s '%s'\n",
                         n == 0 ? "unknown command" : "missing argument for", words[i].c_str());
            usage(stderr);
            return 2;
        }
        commands.emplace_back(words.begin() + static_cast<long>(i),
                              words.begin() + static_cast<long>(i + n));
        i += n;
    }

    int status = 0;
    {
        nke::tools::CtlSession session(stdout, stderr);
        // Listen before loading, so that the registrations show up.
        const bool wants_events = std::any_of(commands.begin(), commands.end(),
                                              [](const auto &c) { return c[0] == "events"; });
        if (wants_events && !session.listen_events()) status = 1;
        for (const auto &m : modules) {
            if (!session.load(m)) return 1;
        }
        if (have_id) session.set_target(id, unit);
        for (const auto &c : commands) status = std::max(status, session.run(c));
    }
    return status;
}

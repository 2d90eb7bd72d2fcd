// One nke-ctl session: modules loaded into the in-process stack, a control
// socket connected to one controller, and an optional event socket.  Uses
// only the ABI (<nke/nke.h>), as any client of a controller would.
#pragma once

#include <cstdint>
#include <cstdio>
#include <string>
#include <vector>

namespace nke::tools {

class CtlSession {
public:
    CtlSession(std::FILE *out, std::FILE *err) : out_(out), err_(err) {}
    ~CtlSession();
    CtlSession(const CtlSession &) = delete;
    CtlSession &operator=(const CtlSession &) = delete;

    // Setup.
    bool load(const std::string &path);
    void set_target(uint32_t id, uint32_t unit) {
        id_ = id;
        unit_ = unit;
        have_target_ = true;
    }
    bool listen_events();

    // Commands; each returns 0 on success, 1 on failure (reported on err).
    int set(const std::string &opt, const std::string &value);
    int get(const std::string &opt);
    int send(const std::string &text);
    int recv();
    int count();
    int events();
    int close();

    // Number of words a command takes (its name included), 0 if unknown.
    static size_t arity(const std::string &name);
    int run(const std::vector<std::string> &cmd);

    // Parse an id: decimal, 0x-hex, or a four-character code ('EPC1').
    static bool parse_id(const std::string &s, uint32_t &id);

private:
    bool ensure_connected();
    bool parse_opt(const std::string &s, int &opt);
    void print_bytes(const char *label, const std::string &bytes);

    std::FILE *out_;
    std::FILE *err_;
    std::vector<int> modules_;
    int fd_ = -1;
    int events_fd_ = -1;
    uint32_t id_ = 0;
    uint32_t unit_ = 0;
    bool have_target_ = false;
};

}  // namespace nke::tools

#include "session.hpp"

#include <cctype>
#include <cerrno>
#include <cstdlib>
#include <cstring>

#include <nke/nke.h>

namespace nke::tools {
namespace {

std::string printable(const std::string &bytes) {
    std::string s;
    for (unsigned char c : bytes) {
        if (c == '\n') {
            s += "\\n";
        } else if (std::isprint(c)) {
            s += static_cast<char>(c);
        } else {
            char buf[8];
            std::snprintf(buf, sizeof buf, "\\x%02x", c);
            s += buf;
        }
    }
    return s;
}

const char *event_name(const kern_event_msg &e) {
    if (e.vendor_code == KEV_VENDOR_APPLE && e.kev_class == KEV_SYSTEM_CLASS &&
        e.kev_subclass == KEV_CTL_SUBCLASS) {
        if (e.event_code == KEV_CTL_REGISTERED) return "KEV_CTL_REGISTERED";
        if (e.event_code == KEV_CTL_DEREGISTERED) return "KEV_CTL_DEREGISTERED";
    }
    return nullptr;
}

}  // namespace

CtlSession::~CtlSession() {
    close();
    if (events_fd_ >= 0) nke_close(events_fd_);
    // Unload in reverse order; a module still referenced stays (and says so).
    for (auto it = modules_.rbegin(); it != modules_.rend(); ++it) {
        const int rc = kmod_unload(*it, nullptr);
        if (rc != 0) std::fprintf(err_, "nke-ctl: unload module %d: %s\n", *it, std::strerror(rc));
        else std::fprintf(out_, "unloaded module %d\n", *it);
    }
}

bool CtlSession::parse_id(const std::string &s, uint32_t &id) {
    if (s.size() == 4 && !std::isdigit(static_cast<unsigned char>(s[0]))) {
        id = 0;
        for (unsigned char c : s) id = (id << 8) | c;
        return true;
    }
    char *end = nullptr;
    errno = 0;
    const unsigned long v = std::strtoul(s.c_str(), &end, 0);
    if (s.empty() || *end != '\0' || errno != 0 || v > UINT32_MAX) return false;
    id = static_cast<uint32_t>(v);
    return true;
}

bool CtlSession::load(const std::string &path) {
    int id = 0;
    const int rc = kmod_load(path.c_str(), nullptr, &id);
    if (rc != 0) {
        std::fprintf(err_, "nke-ctl: load %s: %s\n", path.c_str(), std::strerror(rc));
        return false;
    }
    modules_.push_back(id);
    kmod_stat st{};
    if (kmod_get_stat(id, &st) == 0)
        std::fprintf(out_, "loaded %s (id %d, %u registrations)\n", st.name, id, st.registrations);
    return true;
}

bool CtlSession::listen_events() {
    if (events_fd_ >= 0) return true;
    events_fd_ = nke_socket(PF_SYSTEM, SOCK_RAW, SYSPROTO_EVENT);
    if (events_fd_ < 0) {
        std::fprintf(err_, "nke-ctl: event socket: %s\n", std::strerror(errno));
        return false;
    }
    // A new event socket receives nothing until its filter is set.
    kev_request all{KEV_ANY_VENDOR, KEV_ANY_CLASS, KEV_ANY_SUBCLASS};
    if (nke_ioctl(events_fd_, SIOCSKEVFILT, &all) != 0) {
        std::fprintf(err_, "nke-ctl: SIOCSKEVFILT: %s\n", std::strerror(errno));
        return false;
    }
    return true;
}

bool CtlSession::ensure_connected() {
    if (fd_ >= 0) return true;
    if (!have_target_) {
        std::fprintf(err_, "nke-ctl: no controller given (--id)\n");
        return false;
    }
    fd_ = nke_socket(PF_SYSTEM, SOCK_DGRAM, SYSPROTO_CONTROL);
    if (fd_ < 0) {
        std::fprintf(err_, "nke-ctl: socket: %s\n", std::strerror(errno));
        return false;
    }
    sockaddr_ctl addr{};
    addr.sc_len = sizeof addr;
    addr.sc_family = AF_SYSTEM;
    addr.ss_sysaddr = AF_SYS_CONTROL;
    addr.sc_id = id_;
    addr.sc_unit = unit_;
    if (nke_connect(fd_, reinterpret_cast<const struct sockaddr *>(&addr), sizeof addr) != 0) {
        std::fprintf(err_, "nke-ctl: connect to id 0x%08x unit %u: %s\n", id_, unit_,
                     std::strerror(errno));
        nke_close(fd_);
        fd_ = -1;
        return false;
    }
    std::fprintf(out_, "connected to id 0x%08x unit %u\n", id_, unit_);
    return true;
}

bool CtlSession::parse_opt(const std::string &s, int &opt) {
    char *end = nullptr;
    const long v = std::strtol(s.c_str(), &end, 0);
    if (s.empty() || *end != '\0' || v < INT32_MIN || v > INT32_MAX) {
        std::fprintf(err_, "nke-ctl: option '%s' is not a number\n", s.c_str());
        return false;
    }
    opt = static_cast<int>(v);
    return true;
}

void CtlSession::print_bytes(const char *label, const std::string &bytes) {
    std::fprintf(out_, "%s: %s\n", label, printable(bytes).c_str());
}

int CtlSession::set(const std::string &optname, const std::string &value) {
    int opt;
    if (!parse_opt(optname, opt) || !ensure_connected()) return 1;
    // "-" sends no value at all (data NULL, length 0), as the seed's Listing 1-2.
    const bool none = value == "-";
    if (nke_setsockopt(fd_, SYSPROTO_CONTROL, opt, none ? nullptr : value.data(),
                       none ? 0 : static_cast<socklen_t>(value.size())) != 0) {
        std::fprintf(err_, "nke-ctl: set %d: %s\n", opt, std::strerror(errno));
        return 1;
    }
    std::fprintf(out_, "set %d: ok\n", opt);
    return 0;
}

int CtlSession::get(const std::string &optname) {
    int opt;
    if (!parse_opt(optname, opt) || !ensure_connected()) return 1;
    // Ask the controller how long its answer is, then fetch it.
    socklen_t len = 0;
    if (nke_getsockopt(fd_, SYSPROTO_CONTROL, opt, nullptr, &len) != 0) {
        std::fprintf(err_, "nke-ctl: get %d: %s\n", opt, std::strerror(errno));
        return 1;
    }
    std::string buf(len, '\0');
    if (len > 0 && nke_getsockopt(fd_, SYSPROTO_CONTROL, opt, buf.data(), &len) != 0) {
        std::fprintf(err_, "nke-ctl: get %d: %s\n", opt, std::strerror(errno));
        return 1;
    }
    buf.resize(len);
    const std::string label = "get " + std::to_string(opt);
    print_bytes(label.c_str(), buf);
    return 0;
}

int CtlSession::send(const std::string &text) {
    if (!ensure_connected()) return 1;
    const ssize_t n = nke_send(fd_, text.data(), text.size(), 0);
    if (n < 0) {
        std::fprintf(err_, "nke-ctl: send: %s\n", std::strerror(errno));
        return 1;
    }
    std::fprintf(out_, "sent %zd bytes\n", n);
    return 0;
}

int CtlSession::recv() {
    if (!ensure_connected()) return 1;
    std::string buf(CTL_MAXBUFSIZE, '\0');
    const ssize_t n = nke_recv(fd_, buf.data(), buf.size(), MSG_DONTWAIT);
    if (n < 0) {
        if (errno == EWOULDBLOCK) {
            std::fprintf(out_, "recv: (nothing queued)\n");
            return 0;
        }
        std::fprintf(err_, "nke-ctl: recv: %s\n", std::strerror(errno));
        return 1;
    }
    buf.resize(static_cast<size_t>(n));
    print_bytes("recv", buf);
    return 0;
}

int CtlSession::count() {
    const int fd = fd_ >= 0 ? fd_ : nke_socket(PF_SYSTEM, SOCK_DGRAM, SYSPROTO_CONTROL);
    uint32_t n = 0;
    const int rc = nke_ioctl(fd, CTLIOCGCOUNT, &n);
    const int err = errno;
    if (fd != fd_) nke_close(fd);
    if (rc != 0) {
        std::fprintf(err_, "nke-ctl: CTLIOCGCOUNT: %s\n", std::strerror(err));
        return 1;
    }
    std::fprintf(out_, "controllers: %u\n", n);
    return 0;
}

int CtlSession::events() {
    if (!listen_events()) return 1;
    unsigned char buf[KEV_MSG_HEADER_SIZE + KEV_MAX_DATA];
    int shown = 0;
    for (;;) {
        const ssize_t n = nke_recv(events_fd_, buf, sizeof buf, MSG_DONTWAIT);
        if (n < 0) break;
        kern_event_msg e{};
        std::memcpy(&e, buf, std::min(sizeof e, static_cast<size_t>(n)));
        std::fprintf(out_, "event id=%u vendor=%u class=%u subclass=%u code=%u size=%u", e.id,
                     e.vendor_code, e.kev_class, e.kev_subclass, e.event_code, e.total_size);
        if (const char *name = event_name(e)) {
            ctl_event_data d{};
            std::memcpy(&d, buf + KEV_MSG_HEADER_SIZE, sizeof d);
            std::fprintf(out_, " %s ctl_id=0x%08x ctl_unit=%u", name, d.ctl_id, d.ctl_unit);
        }
        std::fprintf(out_, "\n");
        ++shown;
    }
    if (shown == 0) std::fprintf(out_, "events: (none)\n");
    return 0;
}

int CtlSession::close() {
    if (fd_ < 0) return 0;
    nke_close(fd_);
    fd_ = -1;
    std::fprintf(out_, "closed\n");
    return 0;
}

size_t CtlSession::arity(const std::string &name) {
    if (name == "set") return 3;
    if (name == "get" || name == "send") return 2;
    if (name == "recv" || name == "count" || name == "events" || name == "close" ||
        name == "connect")
        return 1;
    return 0;
}

int CtlSession::run(const std::vector<std::string> &cmd) {
    const std::string &name = cmd.at(0);
    if (name == "set") return set(cmd[1], cmd[2]);
    if (name == "get") return get(cmd[1]);
    if (name == "send") return send(cmd[1]);
    if (name == "recv") return recv();
    if (name == "count") return count();
    if (name == "events") return events();
    if (name == "close") return close();
    if (name == "connect") return ensure_connected() ? 0 : 1;
    return 1;
}

}  // namespace nke::tools

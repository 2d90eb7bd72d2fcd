// Helpers for the kernel-event tests (and the controller tests that watch
// KEV_CTL_* events): an event socket with a filter, and event decoding.
// ABI only.
#pragma once

#include <sys/ioctl.h>

#include <algorithm>
#include <optional>
#include <vector>

#include "nke_test.hpp"

namespace nke::test {

// "A refused call changed nothing", usable outside the fixture's methods.
inline void expect_no_change(const nke_counters &before, const char *what) {
    const std::string diff = live_diff(before, counters());
    EXPECT_TRUE(diff.empty()) << what << " changed the stack: " << diff;
}

// A descriptor closed on destruction.
class Fd {
public:
    explicit Fd(int fd = -1) : fd_(fd) {}
    ~Fd() { reset(); }
    Fd(const Fd &) = delete;
    Fd &operator=(const Fd &) = delete;
    Fd(Fd &&o) noexcept : fd_(o.release()) {}
    Fd &operator=(Fd &&o) noexcept {
        if (this != &o) {
            reset();
            fd_ = o.release();
        }
        return *this;
    }
    int get() const { return fd_; }
    int release() {
        const int fd = fd_;
        fd_ = -1;
        return fd;
    }
    void reset() {
        if (fd_ >= 0) {
            EXPECT_EQ(nke_close(fd_), 0) << "close " << fd_;
        }
        fd_ = -1;
    }

private:
    int fd_;
};

// One received event: the header and the payload as they arrived.
struct Event {
    kern_event_msg hdr{};              // header fields (event_data[0] is payload's first word)
    std::vector<unsigned char> payload;
    size_t received = 0;               // bytes the receive returned
};

inline Event decode_event(const unsigned char *buf, size_t n) {
    Event e;
    e.received = n;
    std::memcpy(&e.hdr, buf, std::min(n, sizeof e.hdr));
    if (n > KEV_MSG_HEADER_SIZE) e.payload.assign(buf + KEV_MSG_HEADER_SIZE, buf + n);
    return e;
}

// An event socket, optionally with its filter set.
class EventListener {
public:
    EventListener() : fd_(nke_socket(PF_SYSTEM, SOCK_RAW, SYSPROTO_EVENT)) {
        EXPECT_GE(fd_.get(), NKE_FD_FIRST) << "event socket: " << std::strerror(errno);
    }
    EventListener(uint32_t vendor, uint32_t cls, uint32_t subclass) : EventListener() {
        set_filter(vendor, cls, subclass);
    }
    int fd() const { return fd_.get(); }
    void set_filter(uint32_t vendor, uint32_t cls, uint32_t subclass) {
        kev_request req{vendor, cls, subclass};
        EXPECT_EQ(nke_ioctl(fd_.get(), SIOCSKEVFILT, &req), 0) << std::strerror(errno);
    }
    // The next queued event, without blocking.
    std::optional<Event> next() {
        unsigned char buf[KEV_MSG_HEADER_SIZE + KEV_MAX_DATA + 64];
        const ssize_t n = nke_recv(fd_.get(), buf, sizeof buf, MSG_DONTWAIT);
        if (n < 0) {
            EXPECT_EQ(errno, EWOULDBLOCK) << "recv on an event socket: " << std::strerror(errno);
            return std::nullopt;
        }
        return decode_event(buf, static_cast<size_t>(n));
    }
    // Every queued event, without blocking.
    std::vector<Event> drain() {
        std::vector<Event> out;
        while (auto e = next()) out.push_back(std::move(*e));
        return out;
    }

private:
    Fd fd_;
};

// The last event id of the instance, read with SIOCGKEVID on a socket of
// its own.
inline uint32_t last_event_id() {
    const int fd = nke_socket(PF_SYSTEM, SOCK_RAW, SYSPROTO_EVENT);
    EXPECT_GE(fd, 0);
    uint32_t id = 0;
    EXPECT_EQ(nke_ioctl(fd, SIOCGKEVID, &id), 0) << std::strerror(errno);
    nke_close(fd);
    return id;
}

// A kev_msg with one payload vector (or none when len == 0).
inline kev_msg make_event(uint32_t vendor, uint32_t cls, uint32_t subclass, uint32_t code,
                          const void *data = nullptr, uint32_t len = 0) {
    kev_msg m{};
    m.vendor_code = vendor;
    m.kev_class = cls;
    m.kev_subclass = subclass;
    m.event_code = code;
    m.dv[0].data_length = len;
    m.dv[0].data_ptr = const_cast<void *>(data);
    return m;
}

}  // namespace nke::test

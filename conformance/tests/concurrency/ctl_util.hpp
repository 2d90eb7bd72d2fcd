// A kernel controller and a client for the concurrency tests (ABI only).
#pragma once

#include "nke_test.hpp"

#include <functional>
#include <thread>

namespace conctest {

// Registers a controller (id, unit) whose ctl_set runs `on_set` and whose
// callbacks record the thread they ran on.  Deregistered on destruction.
struct Controller {
    kern_ctl_reg reg{};
    kern_ctl_ref ref = nullptr;
    int rc = -1;
    std::function<int(int opt)> on_set;
    std::thread::id connect_thread, set_thread, write_thread;

    Controller(uint32_t id, uint32_t unit) {
        reg.ctl_id = id;
        reg.ctl_unit = unit;
        reg.ctl_connect = [](kern_ctl_ref, void *u) -> int {
            static_cast<Controller *>(u)->connect_thread = std::this_thread::get_id();
            return 0;
        };
        reg.ctl_set = [](kern_ctl_ref, void *u, int opt, void *, size_t) -> int {
            auto *c = static_cast<Controller *>(u);
            c->set_thread = std::this_thread::get_id();
            return c->on_set ? c->on_set(opt) : 0;
        };
        reg.ctl_write = [](kern_ctl_ref, void *u, struct mbuf *m) -> int {
            static_cast<Controller *>(u)->write_thread = std::this_thread::get_id();
            m_freem(m);
            return 0;
        };
        rc = ctl_register(&reg, this, &ref);
    }
    ~Controller() {
        if (rc == 0) {
            EXPECT_EQ(ctl_deregister(ref), 0);
        }
    }
    Controller(const Controller &) = delete;
    Controller &operator=(const Controller &) = delete;
};

// A connected control socket (closed on destruction unless released).
inline int connect_client(uint32_t id, uint32_t unit) {
    const int fd = nke_socket(PF_SYSTEM, SOCK_DGRAM, SYSPROTO_CONTROL);
    if (fd < 0) return -1;
    sockaddr_ctl sc{};
    sc.sc_len = sizeof sc;
    sc.sc_family = AF_SYSTEM;
    sc.ss_sysaddr = AF_SYS_CONTROL;
    sc.sc_id = id;
    sc.sc_unit = unit;
    if (nke_connect(fd, reinterpret_cast<const struct sockaddr *>(&sc), sizeof sc) != 0) {
        nke_close(fd);
        return -1;
    }
    return fd;
}

}  // namespace conctest

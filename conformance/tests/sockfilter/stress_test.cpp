// spec/sockfilter.md, spec/domain.md, spec/socket.md — a stress test:
// sockets are created, filtered and closed on several threads while filter
// modules are loaded and unloaded.  Unloads refused with EBUSY are expected;
// at the end every count is back where it started.
#include "sock_helpers.hpp"

#include "dom_probe.h"

#include <atomic>
#include <vector>

using namespace nke::test;

NKE_TIMEOUT(SfStress, FiltersComeAndGoUnderLoad, 300);

NKE_TEST(SfStress, FiltersComeAndGoUnderLoad, "SF-MOD-001", "SF-MOD-002", "SF-UNREG-003", "SOCK-CONC-002",
         "DOM-REFS-001", "PROTO-REFS-001") {
    loop::LoopDomain ld;
    ASSERT_EQ(ld.rc(), 0);
    nke_mod_probe global{}, prog{};
    global.target_pr = &ld.stream();  // the stream pairs the workers make now and then
    prog.handle = 0x73747231;  // 'str1'
    std::atomic<bool> stop{false};
    std::atomic<int> sockets_made{0}, inserted{0};

    auto worker = [&](int id) {
        const uint16_t port = static_cast<uint16_t>(100 + id);
        for (unsigned i = 0; !stop; ++i) {
            Fd d = loop_socket(SOCK_DGRAM);
            if (d.get() < 0) {
                ADD_FAILURE() << "socket: " << errno;
                return;
            }
            ++sockets_made;
            const auto me = loop::addr(port);
            if (nke_bind(d, loop::sa(me), loop::kAddrLen) != 0) {
                ADD_FAILURE() << "bind: " << errno;
                return;
            }
            so_nke req{0x73747231, 0, NFF_AFTER};
            if (i % 4 == 0) {
                if (nke_setsockopt(d, SOL_SOCKET, SO_NKE, &req, sizeof req) == 0) ++inserted;
                else if (errno != ENXIO) ADD_FAILURE() << "SO_NKE: " << errno;
            }
            if (nke_sendto(d, "ping", 4, 0, loop::sa(me), loop::kAddrLen) != 4) {
                ADD_FAILURE() << "sendto: " << errno;
            }
            if (recv_str(d, 8) != "ping") ADD_FAILURE() << "lost datagram";
            int sv[2];
            if (i % 3 == 0 && nke_socketpair(loop::kFamily, SOCK_STREAM, 0, sv) == 0) {
                (void)send_str(sv[0], "x");
                (void)recv_str(sv[1], 4);
                nke_close(sv[0]);
                nke_close(sv[1]);
            }
        }
    };

    std::vector<std::thread> workers;
    for (int i = 0; i < 3; ++i) workers.emplace_back(worker, i);

    int gid = 0, pid = 0, loads = 0, unloads = 0, refused = 0;
    const std::string gpath = module_path("sf_global"), ppath = module_path("sf_prog");
    for (int round = 0; round < 200; ++round) {
        int &id = round % 2 ? pid : gid;
        if (id == 0) {
            const int rc = kmod_load((round % 2 ? ppath : gpath).c_str(), round % 2 ? &prog : &global, &id);
            EXPECT_EQ(rc, 0);
            if (rc == 0) ++loads;
            else id = 0;
        } else {
            // Refused while a socket carries the filter; retry a little.
            for (int attempt = 0; attempt < 50 && id != 0; ++attempt) {
                const int rc = kmod_unload(id, nullptr);
                if (rc == 0) {
                    ++unloads;
                    id = 0;
                } else {
                    EXPECT_EQ(rc, EBUSY);
                    ++refused;
                    std::this_thread::yield();
                }
            }
        }
        std::this_thread::yield();
    }
    stop = true;
    for (auto &w : workers) w.join();
    // No socket is left: the unloads must succeed now.
    for (int id : {gid, pid}) {
        if (id != 0) {
            EXPECT_EQ(kmod_unload(id, nullptr), 0);
        }
    }

    EXPECT_GT(sockets_made.load(), 0);
    EXPECT_GT(loads, 0);
    EXPECT_EQ(ld.dom().dom_refs, 0);
    EXPECT_EQ(ld.dgram().pr_refs, 0);
    EXPECT_EQ(ld.stream().pr_refs, 0);
    EXPECT_EQ(global.creates, global.frees) << "every attachment of the global filter was freed";
    EXPECT_EQ(prog.creates, prog.frees);
    EXPECT_EQ(prog.creates, inserted.load());
    EXPECT_EQ(find_nke(0x73747231), nullptr);
    RecordProperty("loads", loads);
    RecordProperty("unloads", unloads);
    RecordProperty("refused", refused);
}

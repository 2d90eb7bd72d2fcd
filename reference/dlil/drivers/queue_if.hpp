// Reference drivers for tools and examples (not part of the ABI, not part of
// libnke): they use only <nke/nke.h>, so they work with any implementation.
//
//  - QueueIf: an Ethernet-like interface whose wire is two queues.  A tool or
//    test writes frames in (they go through dlil_input) and reads out what
//    the stack sent (what if_output received).
//  - LoopIf: a loopback interface; if_output hands each frame straight back
//    to dlil_input on the caller's thread.
#pragma once

#include <cstddef>
#include <cstdint>
#include <deque>
#include <mutex>
#include <string>
#include <vector>

#include <nke/nke.h>  // last: <nke/mbuf.h> defines m_* macros

namespace nke::drivers {

class QueueIf {
public:
    // name "en", unit 0 -> "en0".  lladdr: 6 bytes.
    QueueIf(const std::string &name, int16_t unit, const uint8_t lladdr[6], bool promiscuous);
    ~QueueIf();
    QueueIf(const QueueIf &) = delete;
    QueueIf &operator=(const QueueIf &) = delete;

    int attach();  // dlil_if_attach
    // dlil_if_detach; with protocols still attached this waits (polling)
    // until the stack calls if_free, at most `patience_ms`.  0 or the errno.
    int detach(int patience_ms = 5000);

    // One frame from the wire: a packet with M_PKTHDR whose header the stack
    // splits off (pkthdr.header NULL).  dlil_input's result, or ENOBUFS.
    int receive(const uint8_t *bytes, size_t len);

    // Frames the stack sent (bytes of each), oldest first; empties the queue.
    std::vector<std::vector<uint8_t>> take_sent();
    size_t sent_count() const;

    ifnet *ifp() { return &ifp_; }
    const if_data &counters() const { return ifp_.if_data; }

private:
    static int output(ifnet *ifp, struct mbuf *m);
    static void freed(ifnet *ifp);

    ifnet ifp_{};
    mutable std::mutex mu_;
    std::deque<std::vector<uint8_t>> sent_;
    std::size_t sent_total_ = 0;
    bool attached_ = false;
    bool if_free_called_ = false;
};

class LoopIf {
public:
    explicit LoopIf(int16_t unit = 0);
    ~LoopIf();
    LoopIf(const LoopIf &) = delete;
    LoopIf &operator=(const LoopIf &) = delete;
    int attach();
    int detach();
    ifnet *ifp() { return &ifp_; }

private:
    static int output(ifnet *ifp, struct mbuf *m);
    ifnet ifp_{};
    bool attached_ = false;
};

// Bytes of a chain.
std::vector<uint8_t> chain_bytes(const struct mbuf *m);

}  // namespace nke::drivers

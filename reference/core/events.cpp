#include "core/events.hpp"

#include "core/alloc.hpp"
#include "core/counters.hpp"

#include <atomic>
#include <cerrno>
#include <cstring>
#include <memory>

namespace nke::ref {
namespace {
std::atomic<EventSink> g_sink{nullptr};
std::atomic<uint32_t> g_last_id{0};
}  // namespace

void set_event_sink(EventSink sink) noexcept { g_sink.store(sink, std::memory_order_release); }

uint32_t last_event_id() noexcept { return g_last_id.load(std::memory_order_acquire); }

uint32_t assign_event_id() noexcept {
    // Ids advance whether or not anyone listens (hist §7).
    live_add(Live::events_posted, 1);
    return g_last_id.fetch_add(1, std::memory_order_acq_rel) + 1;
}

int post_event(const kev_msg &msg) noexcept {
    // A NULL-vendor event would match the filter of every new socket
    // (KEV-POST-004); a NULL pointer with a length cannot be copied (KEV-POST-003).
    if (msg.vendor_code == KEV_VENDOR_NONE) return EINVAL;
    size_t payload = 0;
    for (const auto &v : msg.dv) {
        if (v.data_length == 0) break;
        if (v.data_ptr == nullptr) return EINVAL;
        payload += v.data_length;
        if (payload > KEV_MAX_DATA) return EMSGSIZE;
    }
    const size_t total = KEV_MSG_HEADER_SIZE + payload;
    if (!alloc_permitted()) return ENOBUFS;
    // Word-aligned storage for the header and payload.
    std::unique_ptr<uint32_t[]> storage(new (std::nothrow) uint32_t[(total + 3) / 4]);
    if (!storage) return ENOBUFS;
    auto *ev = reinterpret_cast<kern_event_msg *>(storage.get());
    ev->total_size = static_cast<uint32_t>(total);
    ev->vendor_code = msg.vendor_code;
    ev->kev_class = msg.kev_class;
    ev->kev_subclass = msg.kev_subclass;
    ev->event_code = msg.event_code;
    ev->id = 0;
    auto *out = reinterpret_cast<char *>(ev) + KEV_MSG_HEADER_SIZE;
    for (const auto &v : msg.dv) {
        if (v.data_length == 0) break;
        std::memcpy(out, v.data_ptr, v.data_length);
        out += v.data_length;
    }
    const EventSink sink = g_sink.load(std::memory_order_acquire);
    if (sink) return sink(ev);
    ev->id = assign_event_id();
    return 0;
}

}  // namespace nke::ref

#include "core/counters.hpp"

#include "core/alloc.hpp"

#include <array>
#include <atomic>
#include <cstring>

namespace nke::ref {
namespace {

std::array<std::atomic<int64_t>, static_cast<size_t>(Live::count_)> g_live{};

constexpr size_t kMaxProviders = 8;
std::array<std::atomic<CounterProvider>, kMaxProviders> g_providers{};

uint64_t get(Live c) { return static_cast<uint64_t>(live_get(c)); }

}  // namespace

void live_add(Live c, int64_t delta) noexcept {
    g_live[static_cast<size_t>(c)].fetch_add(delta, std::memory_order_relaxed);
}

int64_t live_get(Live c) noexcept {
    return g_live[static_cast<size_t>(c)].load(std::memory_order_relaxed);
}

void register_counter_provider(CounterProvider p) noexcept {
    for (auto &slot : g_providers) {
        CounterProvider expected = nullptr;
        if (slot.compare_exchange_strong(expected, p)) return;
    }
}

void fill_counters(nke_counters &out) noexcept {
    std::memset(&out, 0, sizeof out);
    out.size = sizeof out;
    out.sockets = get(Live::sockets);
    out.descriptors = get(Live::descriptors);
    out.domains = get(Live::domains);
    out.protosws = get(Live::protosws);
    out.sockfilters = get(Live::sockfilters);
    out.kextcbs = get(Live::kextcbs);
    out.controllers = get(Live::controllers);
    out.ctl_clients = get(Live::ctl_clients);
    out.event_sockets = get(Live::event_sockets);
    out.events_posted = get(Live::events_posted);
    out.events_dropped = get(Live::events_dropped);
    out.if_families = get(Live::if_families);
    out.interfaces = get(Live::interfaces);
    out.dl_protos = get(Live::dl_protos);
    out.dl_filters = get(Live::dl_filters);
    out.modules = get(Live::modules);
    out.allocs = alloc_attempts();
    out.allocs_failed = alloc_failures();
    for (auto &slot : g_providers) {
        if (auto p = slot.load()) p(out);
    }
}

}  // namespace nke::ref

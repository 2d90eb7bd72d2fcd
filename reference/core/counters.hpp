// Resource counters behind nke_harness.get_counters (spec/harness.md,
// HARN-COUNT-*).  Subsystems off the data path use the shared live
// counters; a hot subsystem (mbufs) keeps its own per-thread counts and
// registers a provider that fills its fields on demand.
#pragma once

#include <nke/harness.h>

#include <cstdint>

namespace nke::ref {

enum class Live : unsigned {
    sockets,
    descriptors,
    domains,
    protosws,
    sockfilters,
    kextcbs,
    controllers,
    ctl_clients,
    event_sockets,
    events_posted,
    events_dropped,
    if_families,
    interfaces,
    dl_protos,
    dl_filters,
    modules,
    count_
};

void live_add(Live c, int64_t delta) noexcept;
int64_t live_get(Live c) noexcept;

using CounterProvider = void (*)(nke_counters &out);
// Register at static-initialisation time (a namespace-scope object's
// constructor); providers run in registration order on every read.
void register_counter_provider(CounterProvider p) noexcept;

// Fill a complete nke_counters (size field included).
void fill_counters(nke_counters &out) noexcept;

}  // namespace nke::ref

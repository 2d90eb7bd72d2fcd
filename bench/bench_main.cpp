// nke-bench: every workload under Google Benchmark.  Times are CPU time per
// operation (the machine is shared: CPU time does not count the time the
// thread waited for a core); workloads with a second thread count also run
// with that many threads, each thread on its own prepared case.
#include <benchmark/benchmark.h>

#include "workload.hpp"

#include <memory>

namespace {

// Operations per timed batch: amortises the virtual call into the case.
constexpr int64_t kBatch = 64;

void run_workload(benchmark::State &st, const nke::bench::Workload *w) {
    std::unique_ptr<nke::bench::Case> c = w->make();
    c->run(kBatch);  // warm caches (thread caches of the allocator included)
    while (st.KeepRunningBatch(kBatch)) c->run(kBatch);
    if (w->bytes_per_op > 0) st.SetBytesProcessed(st.iterations() * w->bytes_per_op);
    st.SetItemsProcessed(st.iterations());
    st.SetLabel(w->baseline.empty() ? "baseline" : "vs " + w->baseline);
}

}  // namespace

int main(int argc, char **argv) {
    for (const auto &w : nke::bench::workloads()) {
        auto *b = benchmark::RegisterBenchmark(w.name.c_str(), run_workload, &w);
        b->Threads(1);
        if (w.threads > 1) b->Threads(w.threads);
    }
    benchmark::Initialize(&argc, argv);
    if (benchmark::ReportUnrecognizedArguments(argc, argv)) return 1;
    benchmark::RunSpecifiedBenchmarks();
    benchmark::Shutdown();
    return 0;
}

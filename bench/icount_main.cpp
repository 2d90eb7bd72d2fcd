// nke-bench-icount: run one workload a fixed number of times for callgrind.
//
//   valgrind --tool=callgrind --collect-atstart=no nke-bench-icount NAME N
//
// Only the N measured operations are collected (set-up, warm-up and
// tear-down are not), so the total instruction count of the run divided by
// N is the instructions per operation.  `nke-bench-icount --list` prints the
// workloads as "name<TAB>baseline<TAB>bytes_per_op<TAB>note".
#include "workload.hpp"

#include <valgrind/callgrind.h>

#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>

int main(int argc, char **argv) {
    if (argc == 2 && std::strcmp(argv[1], "--list") == 0) {
        for (const auto &w : nke::bench::workloads())
            std::printf("%s\t%s\t%lld\t%s\n", w.name.c_str(), w.baseline.c_str(),
                        static_cast<long long>(w.bytes_per_op), w.note.c_str());
        return 0;
    }
    if (argc != 3) {
        std::fprintf(stderr, "usage: %s --list | NAME N\n", argv[0]);
        return 2;
    }
    const long long n = std::atoll(argv[2]);
    for (const auto &w : nke::bench::workloads()) {
        if (w.name != argv[1]) continue;
        auto c = w.make();
        c->run(n / 10 + 64);  // warm up: thread caches, lazy binding, first-touch
        CALLGRIND_TOGGLE_COLLECT;
        c->run(n);
        CALLGRIND_TOGGLE_COLLECT;
        c.reset();
        std::printf("%s\t%lld\n", argv[1], n);
        return 0;
    }
    std::fprintf(stderr, "no workload named %s\n", argv[1]);
    return 2;
}

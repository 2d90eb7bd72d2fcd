// The benchmark workloads, shared by the two measuring programs:
//
//   nke-bench         Google Benchmark: wall-clock / CPU time per operation,
//                     with repetitions, on the noisy shared machine;
//   nke-bench-icount  runs one workload a fixed number of times under
//                     `valgrind --tool=callgrind` and reports instructions per
//                     operation, a noise-free second measure.
//
// A workload is one operation (an allocate+free pair, a 64 KiB copy, one
// frame through dlil_input, ...), set up once and then run n times.  Each
// workload may name a baseline: the same work done without the stack (malloc
// instead of m_gethdr, memcpy instead of m_copydata, a plain loop of
// indirect calls instead of the DLIL), measured in the same run, so that the
// report can give ratios rather than absolute numbers (the machine is
// shared; see shared/docs/performance-anchors.md).
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <utility>
#include <vector>

namespace nke::bench {

// One prepared workload.  The constructor sets up, the destructor tears
// down; run(n) is the measured part and performs the operation n times.
class Case {
public:
    virtual ~Case() = default;
    virtual void run(int64_t n) = 0;
};

// A Case whose operation is a callable (state captured in it).
template <class F>
class LoopCase final : public Case {
public:
    explicit LoopCase(F f) : f_(std::move(f)) {}
    void run(int64_t n) override {
        for (int64_t i = 0; i < n; ++i) f_();
    }

private:
    F f_;
};

template <class F>
std::unique_ptr<Case> loop(F f) {
    return std::make_unique<LoopCase<F>>(std::move(f));
}

struct Workload {
    std::string name;          // "mbuf/gethdr_freem"
    std::string baseline;      // name of the same-run baseline, or ""
    int64_t bytes_per_op = 0;  // for bandwidth figures (0: none)
    int threads = 1;           // also run with this many threads when > 1
    std::function<std::unique_ptr<Case>()> make;
    std::string note;          // one line for the report
};

std::vector<Workload> &workloads();

// Static registration: `const Register r{{...}};` in a workload file.
struct Register {
    explicit Register(Workload w) { workloads().push_back(std::move(w)); }
};

// Keep the compiler from deleting work whose result is unused (the same
// idiom as benchmark::DoNotOptimize, without depending on its header).
template <class T>
inline void keep(T const &value) {
    asm volatile("" : : "r,m"(value) : "memory");
}
inline void clobber() { asm volatile("" : : : "memory"); }

}  // namespace nke::bench

#include "workload.hpp"

namespace nke::bench {

std::vector<Workload> &workloads() {
    static std::vector<Workload> v;
    return v;
}

}  // namespace nke::bench

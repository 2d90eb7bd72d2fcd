#include "selection.hpp"

#include "glob.hpp"

#include <algorithm>
#include <chrono>
#include <random>

namespace nke::runner {

Filter::Filter(const std::vector<std::string> &globs) {
    for (const auto &g : globs) {
        if (!g.empty() && g[0] == '-') exclude_.push_back(g.substr(1));
        else include_.push_back(g);
    }
}

bool Filter::matches(const TestCase &t) const {
    auto hit = [&](const std::string &glob) {
        if (glob_match(glob, t.id) || glob_match(glob, t.gtest_name)) return true;
        return std::any_of(t.rules.begin(), t.rules.end(),
                           [&](const std::string &r) { return glob_match(glob, r); });
    };
    if (!include_.empty() && std::none_of(include_.begin(), include_.end(), hit)) return false;
    return std::none_of(exclude_.begin(), exclude_.end(), hit);
}

std::vector<size_t> select_tests(const std::vector<TestCase> &tests, const Filter &filter,
                                 int shard_index, int shard_count) {
    std::vector<size_t> idx;
    for (size_t i = 0; i < tests.size(); ++i) {
        if (filter.matches(tests[i])) idx.push_back(i);
    }
    std::sort(idx.begin(), idx.end(), [&](size_t a, size_t b) { return tests[a].id < tests[b].id; });
    if (shard_count <= 1) return idx;
    std::vector<size_t> mine;
    for (size_t k = 0; k < idx.size(); ++k) {
        if (static_cast<int>(k % static_cast<size_t>(shard_count)) == shard_index - 1) mine.push_back(idx[k]);
    }
    return mine;
}

uint64_t SplitMix64::next() {
    uint64_t z = (s_ += 0x9e3779b97f4a7c15ULL);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
}

uint64_t SplitMix64::below(uint64_t n) {
    // Reject the values that would make "r % n" favour small numbers.
    const uint64_t threshold = (0 - n) % n;
    while (true) {
        const uint64_t r = next();
        if (r >= threshold) return r % n;
    }
}

void shuffle_order(std::vector<size_t> &order, uint64_t seed) {
    SplitMix64 rng(seed);
    for (size_t i = order.size(); i > 1; --i) {
        const size_t j = static_cast<size_t>(rng.below(i));
        std::swap(order[i - 1], order[j]);
    }
}

uint64_t random_seed() {
    std::random_device rd;
    const uint64_t a = (static_cast<uint64_t>(rd()) << 32) ^ rd();
    const auto t = static_cast<uint64_t>(std::chrono::steady_clock::now().time_since_epoch().count());
    // Short seeds are easier to type back: keep it below 10^9.
    return (a ^ t) % 1000000000ULL;
}

}  // namespace nke::runner

// Which tests run, and in which order: --filter globs, --shard I/N, --shuffle
// with a seed.  Everything is deterministic for given inputs, on any host:
// the random numbers come from splitmix64, not from the standard library's
// unspecified distributions.
#pragma once

#include "model.hpp"

#include <cstdint>
#include <string>
#include <vector>

namespace nke::runner {

class Filter {
public:
    // Globs as given to --filter; a leading '-' excludes.  No include glob
    // means "every test".
    explicit Filter(const std::vector<std::string> &globs);
    // A glob matches a test if it matches the test's id or one of its rules.
    bool matches(const TestCase &t) const;

private:
    std::vector<std::string> include_, exclude_;
};

// Indices of the selected tests in id order, then the shard's slice: the
// k-th selected test (0-based) belongs to shard (k mod N) + 1.
std::vector<size_t> select_tests(const std::vector<TestCase> &tests, const Filter &filter,
                                 int shard_index, int shard_count);

// A small deterministic generator (splitmix64).
class SplitMix64 {
public:
    explicit SplitMix64(uint64_t seed) : s_(seed) {}
    uint64_t next();
    // Uniform in [0, n), n > 0, without modulo bias.
    uint64_t below(uint64_t n);

private:
    uint64_t s_;
};

// Fisher-Yates with SplitMix64(seed).
void shuffle_order(std::vector<size_t> &order, uint64_t seed);

// A seed for --shuffle when the user gave none.
uint64_t random_seed();

}  // namespace nke::runner

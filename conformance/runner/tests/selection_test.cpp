#include "selection.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <set>

using namespace nke::runner;

namespace {
std::vector<TestCase> make_tests(int n) {
    std::vector<TestCase> v;
    for (int i = 0; i < n; ++i) {
        TestCase t;
        t.id = t.gtest_name = "Suite" + std::to_string(i % 7) + ".Test" + std::to_string(i);
        t.rules = {i % 2 ? "CTL-CONNECT-00" + std::to_string(i % 10) : "MBUF-COPY-00" + std::to_string(i % 10)};
        v.push_back(t);
    }
    return v;
}
}  // namespace

TEST(Selection, FilterMatchesIdsAndRulesAndExcludes) {
    const auto tests = make_tests(40);
    const Filter f({"CTL-*", "-Suite3.*"});
    for (const auto &t : tests) {
        const bool want = t.rules[0].rfind("CTL-", 0) == 0 && t.id.rfind("Suite3.", 0) != 0;
        EXPECT_EQ(f.matches(t), want) << t.id;
    }
    EXPECT_TRUE(Filter({}).matches(tests[0]));
    EXPECT_FALSE(Filter({"-*"}).matches(tests[0]));
}

TEST(Selection, ShardsAreDisjointCompleteAndBalanced) {
    const auto tests = make_tests(103);
    const Filter all({});
    std::multiset<size_t> seen;
    for (int i = 1; i <= 4; ++i) {
        const auto shard = select_tests(tests, all, i, 4);
        EXPECT_GE(shard.size(), 25u);
        EXPECT_LE(shard.size(), 26u);
        seen.insert(shard.begin(), shard.end());
    }
    EXPECT_EQ(seen.size(), tests.size());
    EXPECT_EQ(std::set<size_t>(seen.begin(), seen.end()).size(), tests.size());
}

TEST(Selection, ShardingDoesNotDependOnDiscoveryOrder) {
    auto tests = make_tests(30);
    auto ids = [&](const std::vector<TestCase> &ts, const std::vector<size_t> &idx) {
        std::vector<std::string> out;
        for (size_t i : idx) out.push_back(ts[i].id);
        return out;
    };
    const auto a = ids(tests, select_tests(tests, Filter({}), 2, 3));
    std::reverse(tests.begin(), tests.end());
    const auto b = ids(tests, select_tests(tests, Filter({}), 2, 3));
    EXPECT_EQ(a, b);
}

TEST(Selection, ShuffleIsDeterministicPerSeedAndAPermutation) {
    std::vector<size_t> base(50);
    for (size_t i = 0; i < base.size(); ++i) base[i] = i;
    auto a = base, b = base, c = base;
    shuffle_order(a, 42);
    shuffle_order(b, 42);
    shuffle_order(c, 43);
    EXPECT_EQ(a, b);
    EXPECT_NE(a, c);
    EXPECT_NE(a, base);
    std::sort(c.begin(), c.end());
    EXPECT_EQ(c, base);
}

TEST(Selection, ShuffleIsTheSameOnEveryHost) {
    // Pinned values: the order for a seed must never change between hosts,
    // compilers or library versions, or "--seed S" would not reproduce.
    std::vector<size_t> v = {0, 1, 2, 3, 4, 5, 6, 7, 8, 9};
    shuffle_order(v, 12345);
    SplitMix64 rng(12345);
    EXPECT_EQ(rng.next(), 0x22118258a9d111a0ULL);
    EXPECT_EQ(v, (std::vector<size_t>{8, 6, 7, 2, 1, 3, 9, 5, 0, 4}));
}

TEST(Selection, BelowIsInRangeAndCoversIt) {
    SplitMix64 rng(1);
    std::set<uint64_t> seen;
    for (int i = 0; i < 1000; ++i) {
        const uint64_t x = rng.below(7);
        ASSERT_LT(x, 7u);
        seen.insert(x);
    }
    EXPECT_EQ(seen.size(), 7u);
}

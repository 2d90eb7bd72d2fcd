#include "options.hpp"

#include <gtest/gtest.h>

using namespace nke::runner;

namespace {
std::optional<Options> parse(std::vector<std::string> args, std::string *err) {
    args.insert(args.begin(), "nke-conformance");
    std::vector<char *> argv;
    for (auto &a : args) argv.push_back(a.data());
    err->clear();
    return parse_options(static_cast<int>(argv.size()), argv.data(), err);
}
}  // namespace

TEST(Options, BothValueForms) {
    std::string err;
    auto o = parse({"--impl", "/x.so", "--isolate=batch", "-j", "3", "--shard=2/4", "--filter", "A*:-B*",
                    "--timeout=2.5", "--repeat", "3", "--shuffle", "--seed=7"},
                   &err);
    ASSERT_TRUE(o) << err;
    EXPECT_EQ(o->impl, "/x.so");
    EXPECT_EQ(o->isolation, Isolation::Batch);
    EXPECT_EQ(o->jobs, 3);
    EXPECT_EQ(o->shard_index, 2);
    EXPECT_EQ(o->shard_count, 4);
    EXPECT_EQ(o->filters, (std::vector<std::string>{"A*", "-B*"}));
    EXPECT_DOUBLE_EQ(o->timeout_s, 2.5);
    EXPECT_EQ(o->repeat, 3);
    EXPECT_EQ(o->seed.value(), 7u);
}

TEST(Options, UsageErrorsAreReported) {
    std::string err;
    for (const auto &args : std::vector<std::vector<std::string>>{
             {"--bogus"}, {"--impl"}, {"--shard", "3/2"}, {"--shard", "0/2"}, {"--isolate=thread"},
             {"--jobs", "0"}, {"--timeout", "-1"}, {"--seed", "5"}, {"--list=yes"},
             {"--update-expectations", "--expectations", "none"}}) {
        EXPECT_FALSE(parse(args, &err)) << args.front();
        EXPECT_FALSE(err.empty()) << args.front();
    }
}

TEST(Options, HelpMentionsEveryOption) {
    const std::string h = help_text();
    for (const char *opt : {"--impl", "--filter", "--list", "--isolate", "--jobs", "--shard", "--shuffle", "--seed",
                            "--repeat", "--timeout", "--expectations", "--update-expectations", "--report-dir",
                            "--rules", "--suite", "--module-dir", "Exit status"}) {
        EXPECT_NE(h.find(opt), std::string::npos) << opt;
    }
}

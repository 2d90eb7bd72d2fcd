#include "nke_test.hpp"

#include <cstdlib>
#include <map>
#include <mutex>
#include <sstream>

namespace nke::test {
namespace {

std::map<std::string, TestMeta *, std::less<>> &metas() {
    static std::map<std::string, TestMeta *, std::less<>> m;
    return m;
}

}  // namespace

TestMeta::TestMeta(const char *suite, const char *name, std::initializer_list<const char *> r,
                   const char *f, int l)
    : id(std::string(suite) + "." + name), file(f), line(l) {
    for (const char *x : r) rules.emplace_back(x);
    metas()[id] = this;
}

const TestMeta *find_meta(std::string_view id) {
    auto it = metas().find(id);
    return it == metas().end() ? nullptr : it->second;
}

const std::map<std::string, TestMeta *, std::less<>> &all_metas() { return metas(); }

std::map<std::string, int, std::less<>> &timeouts() {
    static std::map<std::string, int, std::less<>> m;
    return m;
}

TimeoutMeta::TimeoutMeta(const char *suite, const char *name, int seconds) {
    timeouts()[std::string(suite) + "." + name] = seconds;
}

const nke_harness &harness() {
    static const nke_harness *h = nke_harness_v1();
    return *h;
}

nke_counters counters() {
    nke_counters c{};
    c.size = sizeof c;
    const int rc = harness().get_counters(&c);
    if (rc != 0) ADD_FAILURE() << "get_counters failed: " << rc;
    return c;
}

std::vector<std::pair<const char *, uint64_t>> live_counters(const nke_counters &c) {
    return {
        {"mbufs", c.mbufs},
        {"clusters", c.clusters},
        {"sockets", c.sockets},
        {"descriptors", c.descriptors},
        {"domains", c.domains},
        {"protosws", c.protosws},
        {"sockfilters", c.sockfilters},
        {"kextcbs", c.kextcbs},
        {"controllers", c.controllers},
        {"ctl_clients", c.ctl_clients},
        {"event_sockets", c.event_sockets},
        {"if_families", c.if_families},
        {"interfaces", c.interfaces},
        {"dl_protos", c.dl_protos},
        {"dl_filters", c.dl_filters},
        {"modules", c.modules},
    };
}

std::string live_diff(const nke_counters &before, const nke_counters &after) {
    const auto a = live_counters(before);
    const auto b = live_counters(after);
    std::ostringstream out;
    for (size_t i = 0; i < a.size(); ++i) {
        if (a[i].second == b[i].second) continue;
        if (out.tellp() > 0) out << "; ";
        out << a[i].first << " " << a[i].second << " -> " << b[i].second;
    }
    return out.str();
}

AsUser::AsUser(uint32_t uid, uint32_t euid) {
    if (harness().set_credentials == nullptr) {
        ADD_FAILURE() << "AsUser needs the set_credentials hook (use NKE_REQUIRE_HOOK first)";
        return;
    }
    EXPECT_EQ(harness().set_credentials(uid, euid), 0);
}

AsUser::~AsUser() {
    if (harness().set_credentials) harness().set_credentials(0, 0);
}

FailAlloc::FailAlloc(uint64_t nth, bool persistent) {
    if (harness().fail_alloc == nullptr) {
        ADD_FAILURE() << "FailAlloc needs the fail_alloc hook (use NKE_REQUIRE_HOOK first)";
        return;
    }
    EXPECT_EQ(harness().fail_alloc(nth, persistent ? 1 : 0), 0);
}

FailAlloc::~FailAlloc() {
    if (harness().fail_alloc) harness().fail_alloc(0, 0);
}

uint64_t alloc_sweep(const std::function<int()> &attempt, const std::function<void()> &undo,
                     std::initializer_list<int> allowed, uint64_t max_n) {
    if (harness().fail_alloc == nullptr) {
        ADD_FAILURE() << "alloc_sweep needs the fail_alloc hook (use NKE_REQUIRE_HOOK first)";
        return 0;
    }
    uint64_t first_success = 0;
    for (bool persistent : {false, true}) {
        bool succeeded = false;
        for (uint64_t n = 1; n <= max_n && !succeeded; ++n) {
            const nke_counters before = counters();
            int rc;
            {
                FailAlloc fail(n, persistent);
                rc = attempt();
            }
            if (rc == 0) {
                succeeded = true;
                if (!persistent) first_success = n;
                undo();
                break;
            }
            bool ok = false;
            for (int e : allowed) ok = ok || rc == e;
            EXPECT_TRUE(ok) << "n=" << n << (persistent ? " (persistent)" : "")
                            << ": unexpected error " << rc;
            const std::string diff = live_diff(before, counters());
            EXPECT_TRUE(diff.empty()) << "n=" << n << (persistent ? " (persistent)" : "")
                                      << ": a failed call changed the stack: " << diff;
            if (!ok || !diff.empty()) return 0;
        }
        if (!succeeded) {
            ADD_FAILURE() << "the call never succeeded within " << max_n << " allocations"
                          << (persistent ? " (persistent)" : "");
            return 0;
        }
    }
    // The stack still works with nothing armed.
    const int rc = attempt();
    EXPECT_EQ(rc, 0) << "the call fails after the sweep";
    if (rc == 0) undo();
    return first_success;
}

std::string module_path(std::string_view name) {
    const char *dir = std::getenv("NKE_TEST_MODULE_DIR");
    std::string d = dir && *dir ? dir : NKE_TEST_MODULE_DIR_DEFAULT;
    return d + "/" + std::string(name) + ".nke.so";
}

void Fixture::SetUp() {
    const auto *info = ::testing::UnitTest::GetInstance()->current_test_info();
    const std::string id = std::string(info->test_suite_name()) + "." + info->name();
    if (const TestMeta *m = find_meta(id)) {
        std::string joined;
        for (const auto &r : m->rules) joined += (joined.empty() ? "" : ",") + r;
        RecordProperty("rules", joined);
    } else {
        ADD_FAILURE() << "test " << id << " has no rule metadata (use NKE_TEST)";
    }
    baseline_ = counters();
}

void Fixture::TearDown() {
    // Leave the thread as the harness found it, whatever the test did.
    if (harness().fail_alloc) harness().fail_alloc(0, 0);
    if (harness().set_credentials) harness().set_credentials(0, 0);
    const std::string diff = live_diff(baseline_, counters());
    EXPECT_TRUE(diff.empty()) << "resources leaked by the test (HARN-COUNT-002): " << diff;
}

void Fixture::expect_unchanged(const nke_counters &before, const char *what) {
    const std::string diff = live_diff(before, counters());
    EXPECT_TRUE(diff.empty()) << what << " changed the stack: " << diff;
}

}  // namespace nke::test

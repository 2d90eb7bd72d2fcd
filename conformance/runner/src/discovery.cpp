#include "discovery.hpp"

#include "json.hpp"
#include "process.hpp"
#include "text.hpp"

#include <sys/wait.h>

#include <filesystem>
#include <map>

namespace nke::runner {

std::vector<TestCase> parse_test_list(const std::string &json_text, const std::string &binary) {
    const Json doc = parse_json(json_text);
    std::vector<TestCase> out;
    for (const Json &t : doc.as_array()) {
        TestCase tc;
        tc.gtest_name = t.string_or("test");
        if (tc.gtest_name.empty()) throw JsonError("a test entry has no \"test\" name");
        tc.id = tc.gtest_name;
        tc.binary = binary;
        if (const Json *rules = t.find("rules"); rules && rules->is_array()) {
            for (const Json &r : rules->as_array()) tc.rules.push_back(r.as_string());
        }
        tc.file = t.string_or("file");
        tc.line = static_cast<int>(t.number_or("line", 0));
        tc.timeout_s = static_cast<int>(t.number_or("timeout", 0));
        const size_t dot = tc.gtest_name.find('.');
        const std::string suite = tc.gtest_name.substr(0, dot);
        const std::string name = dot == std::string::npos ? "" : tc.gtest_name.substr(dot + 1);
        tc.disabled = suite.rfind("DISABLED_", 0) == 0 || name.rfind("DISABLED_", 0) == 0;
        out.push_back(std::move(tc));
    }
    return out;
}

void make_ids_unique(std::vector<TestCase> &tests) {
    std::map<std::string, int> count;
    for (const auto &t : tests) ++count[t.gtest_name];
    for (auto &t : tests) {
        if (count[t.gtest_name] > 1)
            t.id = std::filesystem::path(t.binary).filename().string() + ":" + t.gtest_name;
    }
}

Discovery discover_tests(const std::vector<std::string> &binaries, const TestEnvironment &env,
                         const std::string &scratch, double timeout_s) {
    Discovery d;
    int n = 0;
    for (const auto &binary : binaries) {
        const std::string dir = scratch + "/list" + std::to_string(n++);
        std::filesystem::create_directories(dir);
        SpawnSpec spec;
        spec.argv = {binary, "--nke_list_json"};
        spec.env = env.for_process(dir, "");
        spec.cwd = dir;
        spec.stdout_path = dir + "/list.json";
        spec.stderr_path = dir + "/stderr.txt";
        std::string err;
        const pid_t pid = spawn(spec, &err);
        if (pid < 0) {
            d.error = binary + ": " + err;
            return d;
        }
        const auto deadline = Clock::now() + std::chrono::milliseconds(static_cast<int64_t>(timeout_s * 1000));
        const auto status = wait_child(pid, deadline);
        kill_group(pid);
        if (!status) {
            wait_child(pid, Clock::now() + std::chrono::seconds(5));
            d.error = binary + " --nke_list_json did not finish within " + std::to_string(static_cast<int>(timeout_s)) + " s";
            return d;
        }
        const std::string stderr_tail = tail(read_file(spec.stderr_path), 20, 4000);
        if (!WIFEXITED(*status) || WEXITSTATUS(*status) != 0) {
            d.error = binary + " --nke_list_json failed (" + describe_status(*status) + ")" +
                      (stderr_tail.empty() ? "" : ":\n" + stderr_tail);
            return d;
        }
        try {
            auto tests = parse_test_list(read_file(spec.stdout_path), binary);
            for (auto &t : tests) d.tests.push_back(std::move(t));
        } catch (const JsonError &e) {
            d.error = binary + " --nke_list_json printed something that is not a test list: " + e.what();
            return d;
        }
    }
    make_ids_unique(d.tests);
    return d;
}

}  // namespace nke::runner

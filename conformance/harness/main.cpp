// main() of every conformance binary.
//
//   --nke_list_json     print the tests with their rules and timeouts (for the
//                       runner and the spec lint) and exit
//   --nke_abi_check     check the implementation's harness table and exit
//
// With NKE_RESULT_FILE set, one record per finished test is appended to that
// file for the runner (format in result_file.hpp).
#include "nke_test.hpp"
#include "result_file.hpp"

#include <cstdio>
#include <cstdlib>
#include <map>
#include <string>

namespace nke::test {
const std::map<std::string, TestMeta *, std::less<>> &all_metas();
std::map<std::string, int, std::less<>> &timeouts();
}  // namespace nke::test

namespace {

std::string json_escape(const std::string &s) {
    std::string out;
    for (char c : s) {
        switch (c) {
        case '"': out += "\\\""; break;
        case '\\': out += "\\\\"; break;
        case '\n': out += "\\n"; break;
        case '\t': out += "\\t"; break;
        default:
            if (static_cast<unsigned char>(c) < 0x20) {
                char buf[8];
                std::snprintf(buf, sizeof buf, "\\u%04x", c);
                out += buf;
            } else {
                out += c;
            }
        }
    }
    return out;
}

int list_json() {
    auto *ut = ::testing::UnitTest::GetInstance();
    std::printf("[\n");
    bool first = true;
    for (int i = 0; i < ut->total_test_suite_count(); ++i) {
        const auto *suite = ut->GetTestSuite(i);
        for (int j = 0; j < suite->total_test_count(); ++j) {
            const auto *t = suite->GetTestInfo(j);
            const std::string id = std::string(suite->name()) + "." + t->name();
            const auto *meta = nke::test::find_meta(id);
            std::printf("%s {\"test\": \"%s\", \"rules\": [", first ? "" : ",\n",
                        json_escape(id).c_str());
            first = false;
            if (meta) {
                for (size_t k = 0; k < meta->rules.size(); ++k)
                    std::printf("%s\"%s\"", k ? ", " : "", json_escape(meta->rules[k]).c_str());
            }
            std::printf("], \"file\": \"%s\", \"line\": %d",
                        json_escape(meta ? meta->file : t->file()).c_str(),
                        meta ? meta->line : t->line());
            auto to = nke::test::timeouts().find(id);
            if (to != nke::test::timeouts().end()) std::printf(", \"timeout\": %d", to->second);
            std::printf("}");
        }
    }
    std::printf("\n]\n");
    return 0;
}

// 0: usable; 3: the implementation cannot be judged by this suite.
int abi_check(bool verbose) {
    const nke_harness *h = nke_harness_v1();
    if (h == nullptr) {
        std::fprintf(stderr, "nke: the implementation's nke_harness_v1() returned NULL\n");
        return 3;
    }
    const unsigned major = h->abi_version >> 16, minor = h->abi_version & 0xffff;
    if (major != NKE_ABI_VERSION_MAJOR || static_cast<int>(minor) < NKE_ABI_VERSION_MINOR ||
        h->size < offsetof(nke_harness, reset) || h->get_counters == nullptr) {
        std::fprintf(stderr,
                     "nke: ABI mismatch: the implementation reports ABI %u.%u (harness table of "
                     "%u bytes), this suite needs %d.%d or a later minor version\n",
                     major, minor, h->size, NKE_ABI_VERSION_MAJOR, NKE_ABI_VERSION_MINOR);
        return 3;
    }
    if (verbose) {
        std::printf("implementation: %s %s\nabi: %u.%u\nhooks: get_counters%s%s%s\n",
                    h->impl_name ? h->impl_name : "?", h->impl_version ? h->impl_version : "?",
                    major, minor, h->fail_alloc ? " fail_alloc" : "",
                    h->set_credentials ? " set_credentials" : "", h->reset ? " reset" : "");
    }
    return 0;
}

}  // namespace

int main(int argc, char **argv) {
    ::testing::InitGoogleTest(&argc, argv);
    for (int i = 1; i < argc; ++i) {
        const std::string a = argv[i];
        if (a == "--nke_list_json") return list_json();
        if (a == "--nke_abi_check") return abi_check(true);
    }
    if (int rc = abi_check(false)) return rc;
    if (const char *path = std::getenv("NKE_RESULT_FILE"); path && *path) {
        ::testing::UnitTest::GetInstance()->listeners().Append(
            new nke::test::ResultFileListener(path));
    }
    return RUN_ALL_TESTS();
}

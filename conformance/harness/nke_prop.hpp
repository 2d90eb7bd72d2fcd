// RapidCheck properties in the conformance harness.
//
//   NKE_PROP(MbufProps, AlgebraMatchesByteModel, "MBUF-ADJ-001", "MBUF-CAT-002") {
//       const auto ops = *rc::gen::arbitrary<std::vector<Op>>();
//       ...RC_ASSERT(...);
//   }
//
// An NKE_PROP is a Google Test like an NKE_TEST: it carries rule metadata
// (so --nke_list_json, the result file and the spec lint see it), runs in
// the leak-checking fixture (the whole property must leave the live counters
// where it found them), and in addition checks every generated case on its
// own: a case that leaves a live counter changed fails, and is shrunk like
// any other failure.  The body has no parameters; draw values inside it with
// `*gen`.  Use RAII for everything a case creates, so that a failing case
// (RC_ASSERT throws) still cleans up after itself.
//
// On failure the property prints, on stderr and in the test's failure
// message, the line
//
//   RC_PARAMS="reproduce=..."
//
// which replays the shrunk counterexample at once (the runner copies it into
// its reports).  Include this header only from executables: the Debian
// RapidCheck library is not position-independent (toolchain-notes §1).
#pragma once

#include <gtest/gtest.h>
#include <rapidcheck.h>

#include <cstdio>
#include <iostream>
#include <sstream>
#include <string>

#include "nke_test.hpp"  // last: <nke/mbuf.h> defines m_* macros

namespace nke::test {

namespace prop_detail {

inline std::string &not_supported() {
    static std::string reason;
    return reason;
}

}  // namespace prop_detail

// Called by NKE_PROP_REQUIRE_HOOK: the property is reported NOT_SUPPORTED.
inline void prop_not_supported(const char *reason) { prop_detail::not_supported() = reason; }

// Fails the current case (RC_FAIL) when a live counter differs from `before`.
inline void prop_assert_no_leak(const nke_counters &before, const char *what) {
    const std::string diff = live_diff(before, counters());
    if (!diff.empty()) RC_FAIL(std::string(what) + " (HARN-COUNT-002): " + diff);
}

// Runs `body` as a RapidCheck property named after the current Google Test,
// with a per-case leak check.
template <class Body>
void check_prop(Body body) {
    const auto *info = ::testing::UnitTest::GetInstance()->current_test_info();
    rc::detail::TestMetadata metadata;
    // The id RapidCheck's own gtest integration uses, so reproduce strings
    // are interchangeable with RC_GTEST_PROP's.
    metadata.id = std::string(info->test_suite_name()) + "/" + info->name();
    metadata.description = info->name();
    prop_detail::not_supported().clear();

    const auto result = rc::detail::checkTestable(
        [body] {
            if (!prop_detail::not_supported().empty()) return;
            const nke_counters before = counters();
            body();
            // Leave the thread as the case found it, whatever the body did.
            if (harness().fail_alloc) harness().fail_alloc(0, 0);
            if (harness().set_credentials) harness().set_credentials(0, 0);
            prop_assert_no_leak(before, "resources leaked by the case");
        },
        metadata);

    if (!prop_detail::not_supported().empty()) {
        GTEST_SKIP() << "NOT_SUPPORTED: " << prop_detail::not_supported();
    }
    if (result.template is<rc::detail::SuccessResult>()) {
        const auto success = result.template get<rc::detail::SuccessResult>();
        if (!success.distribution.empty()) {
            rc::detail::printResultMessage(result, std::cout);
            std::cout << std::endl;
        }
        return;
    }
    std::ostringstream msg;
    rc::detail::printResultMessage(result, msg);
    if (result.template is<rc::detail::FailureResult>()) {
        rc::detail::Configuration config;
        config.reproduce[metadata.id] = result.template get<rc::detail::FailureResult>().reproduce;
        // Keep only the reproduce= key: the runner takes everything up to
        // the closing quote as the reproduce value.
        std::istringstream keys(rc::detail::configToMinimalString(config));
        std::string key, value;
        while (keys >> key)
            if (key.rfind("reproduce=", 0) == 0) value = key;
        const std::string line = "RC_PARAMS=\"" + value + "\"";
        msg << "\nTo reproduce this counterexample, run with: " << line;
        // On stderr at once, so the runner finds it even if the process dies
        // before RapidCheck's own exit-time summary.
        std::fprintf(stderr, "%s: reproduce with %s\n", metadata.id.c_str(), line.c_str());
        std::fflush(stderr);
    }
    FAIL() << msg.str();
}

}  // namespace nke::test

#define NKE_PROP_BODY_NAME_(suite, name) nke_prop_body_##suite##_##name##_

// NKE_PROP(Suite, Name, "RULE-ID-001", ...) { property body }
#define NKE_PROP(suite, name, ...)                                                           \
    static const ::nke::test::TestMeta NKE_TEST_META_NAME_(suite, name){                     \
        NKE_TEST_STR_(suite), NKE_TEST_STR_(name), {__VA_ARGS__}, __FILE__, __LINE__};       \
    static void NKE_PROP_BODY_NAME_(suite, name)();                                          \
    GTEST_TEST_(suite, name, ::nke::test::Fixture,                                           \
                ::testing::internal::GetTypeId<::nke::test::Fixture>()) {                    \
        ::nke::test::check_prop(&NKE_PROP_BODY_NAME_(suite, name));                          \
    }                                                                                        \
    static void NKE_PROP_BODY_NAME_(suite, name)()

// Inside an NKE_PROP body: report the property NOT_SUPPORTED when the
// implementation lacks an optional harness hook.
#define NKE_PROP_REQUIRE_HOOK(hook)                                                          \
    do {                                                                                     \
        if (::nke::test::harness().hook == nullptr) {                                        \
            ::nke::test::prop_not_supported("harness hook " #hook " is not provided");       \
            return;                                                                          \
        }                                                                                    \
    } while (0)

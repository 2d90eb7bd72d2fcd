#include "records.hpp"

#include <gtest/gtest.h>

using namespace nke::runner;

TEST(Records, ParsesStartAndFinishRecords) {
    const auto r = parse_records(
        "start\tA.B\n\n"
        "test\tA.B\nstatus\tFAIL\nduration_ms\t12\nmessage\tf.cpp:3: Expected: x\\n  Which is: 1\\tz\\\\\n\n"
        "start\tA.C\n\n");
    ASSERT_EQ(r.size(), 3u);
    EXPECT_TRUE(r[0].start);
    EXPECT_EQ(r[0].test, "A.B");
    EXPECT_FALSE(r[1].start);
    EXPECT_EQ(r[1].status, "FAIL");
    EXPECT_EQ(r[1].duration_ms, 12);
    EXPECT_EQ(r[1].message, "f.cpp:3: Expected: x\n  Which is: 1\tz\\");
    EXPECT_TRUE(r[2].start);
    EXPECT_EQ(r[2].test, "A.C");
}

TEST(Records, IgnoresAnUnterminatedRecord) {
    const auto r = parse_records("test\tA.B\nstatus\tPASS\nmessage\t\n\ntest\tA.C\nstatus\tPA");
    ASSERT_EQ(r.size(), 1u);
    EXPECT_EQ(r[0].test, "A.B");
    EXPECT_EQ(r[0].duration_ms, -1);
}

TEST(Records, OlderFormatWithoutDurationStillParses) {
    const auto r = parse_records("test\tA.B\nstatus\tSKIP\nmessage\twhy\n\n");
    ASSERT_EQ(r.size(), 1u);
    EXPECT_EQ(r[0].status, "SKIP");
    EXPECT_EQ(r[0].message, "why");
}

#include "glob.hpp"

#include <gtest/gtest.h>

using namespace nke::runner;

TEST(Glob, StarQuestionAndClasses) {
    EXPECT_TRUE(glob_match("*", ""));
    EXPECT_TRUE(glob_match("Ctl*", "CtlConnect.ShortAddress"));
    EXPECT_TRUE(glob_match("*.Short*", "CtlConnect.ShortAddress"));
    EXPECT_FALSE(glob_match("Ctl*", "MbufSplit.X"));
    EXPECT_TRUE(glob_match("CTL-CONNECT-00?", "CTL-CONNECT-004"));
    EXPECT_FALSE(glob_match("CTL-CONNECT-00?", "CTL-CONNECT-0040"));
    EXPECT_TRUE(glob_match("MBUF-[A-C]*", "MBUF-COPY-001"));
    EXPECT_FALSE(glob_match("MBUF-[!A-C]*", "MBUF-COPY-001"));
    EXPECT_TRUE(glob_match("a*b*c", "aXXbYYbc"));
    EXPECT_FALSE(glob_match("a*b*c", "aXXbYYbd"));
}

TEST(Glob, BackslashMakesLiteral) {
    EXPECT_TRUE(glob_match("A\\*", "A*"));
    EXPECT_FALSE(glob_match("A\\*", "AB"));
    EXPECT_TRUE(has_glob_chars("a*"));
    EXPECT_FALSE(has_glob_chars("Suite.Name"));
}

TEST(Glob, UnclosedBracketIsLiteral) {
    EXPECT_TRUE(glob_match("a[b", "a[b"));
    EXPECT_FALSE(glob_match("a[b", "ab"));
}

#include "text.hpp"

#include <gtest/gtest.h>

using namespace nke::runner;

TEST(Text, XmlEscapeHandlesMarkupAndForbiddenCharacters) {
    EXPECT_EQ(xml_escape("<a href=\"x\">&'</a>"), "&lt;a href=&quot;x&quot;&gt;&amp;&apos;&lt;/a&gt;");
    // XML 1.0 forbids most control characters even escaped: they become U+FFFD.
    EXPECT_EQ(xml_escape(std::string("a\x01z\tb\nc\x1b", 8)), "a\xef\xbf\xbdz\tb\nc\xef\xbf\xbd");
    EXPECT_EQ(xml_escape("\xff"), "\xef\xbf\xbd");
    EXPECT_EQ(xml_escape("]]>"), "]]&gt;");
}

TEST(Text, HtmlEscapeUsesNumericApostrophe) {
    EXPECT_EQ(html_escape("it's <b>"), "it&#39;s &lt;b&gt;");
}

TEST(Text, Utf8RepairKeepsValidText) {
    const std::string ok = "caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80";
    EXPECT_EQ(sanitize_utf8(ok), ok);
    EXPECT_EQ(sanitize_utf8("\xc0\xaf"), "\xef\xbf\xbd");         // overlong '/'
    EXPECT_EQ(sanitize_utf8("\xed\xa0\x80"), "\xef\xbf\xbd");     // surrogate
    EXPECT_EQ(sanitize_utf8("a\xe2\x82"), "a\xef\xbf\xbd");       // truncated
}

TEST(Text, ShellQuoteRoundTripsThroughTheShellRules) {
    EXPECT_EQ(shell_quote("Suite.Name"), "Suite.Name");
    EXPECT_EQ(shell_quote("/a/b-c_d.so"), "/a/b-c_d.so");
    EXPECT_EQ(shell_quote(""), "''");
    EXPECT_EQ(shell_quote("a b"), "'a b'");
    EXPECT_EQ(shell_quote("it's"), "'it'\\''s'");
    EXPECT_EQ(shell_quote("A\\*"), "'A\\*'");
}

TEST(Text, TailKeepsTheLastLines) {
    EXPECT_EQ(tail("a\nb\nc\n", 2, 100), "[... 2 bytes before]\nb\nc");
    EXPECT_EQ(tail("a\nb\nc", 5, 100), "a\nb\nc");
    EXPECT_EQ(tail("", 5, 100), "");
    const std::string t = tail("0123456789\nabcdefghij\n", 10, 12);
    EXPECT_EQ(t, "[... 11 bytes before]\nabcdefghij");
}

TEST(Text, SplitAndTrim) {
    EXPECT_EQ(split("a:b::c", ':'), (std::vector<std::string>{"a", "b", "", "c"}));
    EXPECT_EQ(trim("  x y \t\n"), "x y");
    EXPECT_EQ(first_line("one\ntwo"), "one");
}

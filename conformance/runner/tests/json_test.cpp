#include "json.hpp"

#include <gtest/gtest.h>

using namespace nke::runner;

TEST(Json, ParsesTheSuiteListFormat) {
    const Json j = parse_json(R"([ {"test": "A.B", "rules": ["X-Y-001", "X-Y-002"], "file": "a.cpp", "line": 12, "timeout": 30} ])");
    ASSERT_TRUE(j.is_array());
    const Json &t = j.as_array().at(0);
    EXPECT_EQ(t.string_or("test"), "A.B");
    EXPECT_EQ(t.find("rules")->as_array().size(), 2u);
    EXPECT_EQ(t.number_or("line", 0), 12);
    EXPECT_EQ(t.number_or("missing", 7), 7);
}

TEST(Json, DecodesEscapesAndSurrogatePairs) {
    const Json j = parse_json(R"("a\"b\\c\n\t\u00e9\ud83d\ude00\/")");
    EXPECT_EQ(j.as_string(), "a\"b\\c\n\t\xc3\xa9\xf0\x9f\x98\x80/");
    // A lone surrogate cannot be UTF-8: it becomes U+FFFD.
    EXPECT_EQ(parse_json(R"("\ud800x")").as_string(), "\xef\xbf\xbdx");
}

TEST(Json, RejectsMalformedText) {
    for (const char *bad : {"", "[1,]", "{\"a\" 1}", "[1] x", "\"unterminated", "tru", "{\"a\":1,}", "\"\x01\""}) {
        EXPECT_THROW(parse_json(bad), JsonError) << bad;
    }
}

TEST(Json, QuoteEscapesControlCharactersAndRepairsUtf8) {
    EXPECT_EQ(json_quote("a\"b\\"), R"("a\"b\\")");
    EXPECT_EQ(json_quote(std::string("\x01\x1f\x7f\n", 4)), R"("\u0001\u001f\u007f\n")");
    // Invalid UTF-8 (a lone continuation byte, a truncated sequence) must not
    // make the report invalid JSON.
    const std::string q = json_quote("ok\x80 \xe2\x82");
    EXPECT_EQ(q, "\"ok\xef\xbf\xbd \xef\xbf\xbd\"");
    EXPECT_NO_THROW(parse_json(q));
}

TEST(Json, WriterOutputParsesBack) {
    JsonWriter w;
    w.begin_object();
    w.field("s", std::string("x\"y\n\x80"));
    w.field("n", 42).field("d", 1.5).field("b", true);
    w.key("nothing").null();
    w.key("list").begin_array().value("a").value(int64_t{-3}).end_array();
    w.key("empty").begin_object().end_object();
    w.end_object();
    const Json j = parse_json(w.str());
    EXPECT_EQ(j.string_or("s"), "x\"y\n\xef\xbf\xbd");
    EXPECT_EQ(j.number_or("n", 0), 42);
    EXPECT_TRUE(j.find("b")->as_bool());
    EXPECT_TRUE(j.find("nothing")->is_null());
    EXPECT_EQ(j.find("list")->as_array().size(), 2u);
    EXPECT_TRUE(j.find("empty")->as_object().empty());
}

// A small JSON reader (for the suite's --nke_list_json output and rules.json)
// and a streaming writer (for the JSON report).  Strings are UTF-8; the writer
// replaces invalid byte sequences so that the report is always valid JSON,
// whatever a crashing implementation printed.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <stdexcept>
#include <string>
#include <string_view>
#include <utility>
#include <variant>
#include <vector>

namespace nke::runner {

class JsonError : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

class Json {
public:
    using Array = std::vector<Json>;
    using Object = std::vector<std::pair<std::string, Json>>;  // keeps the order of the text

    Json() = default;
    explicit Json(bool b) : v_(b) {}
    explicit Json(double d) : v_(d) {}
    explicit Json(std::string s) : v_(std::move(s)) {}
    explicit Json(Array a) : v_(std::move(a)) {}
    explicit Json(Object o) : v_(std::move(o)) {}

    bool is_null() const { return std::holds_alternative<std::monostate>(v_); }
    bool is_bool() const { return std::holds_alternative<bool>(v_); }
    bool is_number() const { return std::holds_alternative<double>(v_); }
    bool is_string() const { return std::holds_alternative<std::string>(v_); }
    bool is_array() const { return std::holds_alternative<Array>(v_); }
    bool is_object() const { return std::holds_alternative<Object>(v_); }

    // Typed access; throw JsonError on a type mismatch.
    bool as_bool() const;
    double as_number() const;
    const std::string &as_string() const;
    const Array &as_array() const;
    const Object &as_object() const;

    // Object member or nullptr.
    const Json *find(std::string_view key) const;
    // Convenience: member as string/number with a default when absent or of another type.
    std::string string_or(std::string_view key, std::string_view def = {}) const;
    double number_or(std::string_view key, double def) const;

private:
    std::variant<std::monostate, bool, double, std::string, Array, Object> v_;
};

// Parse a complete JSON text (trailing whitespace allowed).  Throws JsonError
// with the byte offset of the problem.
Json parse_json(std::string_view text);

// A JSON string literal, quotes included; invalid UTF-8 becomes U+FFFD and
// every control character is escaped.
std::string json_quote(std::string_view s);

// A streaming writer with two-space indentation.
class JsonWriter {
public:
    JsonWriter &begin_object();
    JsonWriter &end_object();
    JsonWriter &begin_array();
    JsonWriter &end_array();
    JsonWriter &key(std::string_view k);
    JsonWriter &value(std::string_view s);
    JsonWriter &value(const char *s) { return value(std::string_view(s)); }
    JsonWriter &value(const std::string &s) { return value(std::string_view(s)); }
    JsonWriter &value(int64_t n);
    JsonWriter &value(int n) { return value(static_cast<int64_t>(n)); }
    JsonWriter &value(uint64_t n);
    JsonWriter &value(double d);
    JsonWriter &value(bool b);
    JsonWriter &null();
    // Shorthand for key(k).value(v).
    template <typename T>
    JsonWriter &field(std::string_view k, T &&v) {
        key(k);
        return value(std::forward<T>(v));
    }
    const std::string &str() const { return out_; }

private:
    void before_value();
    void newline();
    struct Level {
        bool object;
        bool empty;
    };
    std::vector<Level> stack_;
    bool after_key_ = false;
    std::string out_;
};

}  // namespace nke::runner

#include "json.hpp"

#include "text.hpp"

#include <cmath>
#include <cstdio>
#include <cstdlib>

namespace nke::runner {

bool Json::as_bool() const {
    if (!is_bool()) throw JsonError("JSON value is not a boolean");
    return std::get<bool>(v_);
}
double Json::as_number() const {
    if (!is_number()) throw JsonError("JSON value is not a number");
    return std::get<double>(v_);
}
const std::string &Json::as_string() const {
    if (!is_string()) throw JsonError("JSON value is not a string");
    return std::get<std::string>(v_);
}
const Json::Array &Json::as_array() const {
    if (!is_array()) throw JsonError("JSON value is not an array");
    return std::get<Array>(v_);
}
const Json::Object &Json::as_object() const {
    if (!is_object()) throw JsonError("JSON value is not an object");
    return std::get<Object>(v_);
}

const Json *Json::find(std::string_view key) const {
    if (!is_object()) return nullptr;
    for (const auto &[k, v] : std::get<Object>(v_)) {
        if (k == key) return &v;
    }
    return nullptr;
}

std::string Json::string_or(std::string_view key, std::string_view def) const {
    const Json *j = find(key);
    return j && j->is_string() ? j->as_string() : std::string(def);
}

double Json::number_or(std::string_view key, double def) const {
    const Json *j = find(key);
    return j && j->is_number() ? j->as_number() : def;
}

namespace {

class Parser {
public:
    explicit Parser(std::string_view t) : t_(t) {}

    Json document() {
        Json v = value(0);
        ws();
        if (p_ != t_.size()) fail("unexpected text after the JSON value");
        return v;
    }

private:
    [[noreturn]] void fail(const std::string &what) const {
        throw JsonError("JSON: " + what + " at byte " + std::to_string(p_));
    }

    void ws() {
        while (p_ < t_.size() && (t_[p_] == ' ' || t_[p_] == '\t' || t_[p_] == '\n' || t_[p_] == '\r'))
            ++p_;
    }

    bool eat(char c) {
        ws();
        if (p_ < t_.size() && t_[p_] == c) {
            ++p_;
            return true;
        }
        return false;
    }

    void expect(char c) {
        if (!eat(c)) fail(std::string("expected '") + c + "'");
    }

    bool literal(std::string_view word) {
        if (t_.substr(p_, word.size()) == word) {
            p_ += word.size();
            return true;
        }
        return false;
    }

    Json value(int depth) {
        if (depth > 200) fail("nesting too deep");
        ws();
        if (p_ >= t_.size()) fail("unexpected end of text");
        const char c = t_[p_];
        if (c == '{') return object(depth);
        if (c == '[') return array(depth);
        if (c == '"') return Json(string());
        if (literal("true")) return Json(true);
        if (literal("false")) return Json(false);
        if (literal("null")) return Json();
        if (c == '-' || (c >= '0' && c <= '9')) return number();
        fail("unexpected character");
    }

    Json object(int depth) {
        expect('{');
        Json::Object members;
        if (eat('}')) return Json(std::move(members));
        do {
            ws();
            if (p_ >= t_.size() || t_[p_] != '"') fail("expected a member name");
            std::string k = string();
            expect(':');
            members.emplace_back(std::move(k), value(depth + 1));
        } while (eat(','));
        expect('}');
        return Json(std::move(members));
    }

    Json array(int depth) {
        expect('[');
        Json::Array items;
        if (eat(']')) return Json(std::move(items));
        do {
            items.push_back(value(depth + 1));
        } while (eat(','));
        expect(']');
        return Json(std::move(items));
    }

    Json number() {
        const size_t start = p_;
        if (t_[p_] == '-') ++p_;
        auto digits = [&] {
            const size_t s = p_;
            while (p_ < t_.size() && t_[p_] >= '0' && t_[p_] <= '9') ++p_;
            if (p_ == s) fail("malformed number");
        };
        digits();
        if (p_ < t_.size() && t_[p_] == '.') {
            ++p_;
            digits();
        }
        if (p_ < t_.size() && (t_[p_] == 'e' || t_[p_] == 'E')) {
            ++p_;
            if (p_ < t_.size() && (t_[p_] == '+' || t_[p_] == '-')) ++p_;
            digits();
        }
        const std::string text(t_.substr(start, p_ - start));
        return Json(std::strtod(text.c_str(), nullptr));
    }

    unsigned hex4() {
        if (p_ + 4 > t_.size()) fail("truncated \\u escape");
        unsigned v = 0;
        for (int i = 0; i < 4; ++i) {
            const char c = t_[p_++];
            v <<= 4;
            if (c >= '0' && c <= '9') v |= static_cast<unsigned>(c - '0');
            else if (c >= 'a' && c <= 'f') v |= static_cast<unsigned>(c - 'a' + 10);
            else if (c >= 'A' && c <= 'F') v |= static_cast<unsigned>(c - 'A' + 10);
            else fail("malformed \\u escape");
        }
        return v;
    }

    std::string string() {
        ++p_;  // opening quote
        std::string out;
        while (true) {
            if (p_ >= t_.size()) fail("unterminated string");
            const char c = t_[p_++];
            if (c == '"') return out;
            if (static_cast<unsigned char>(c) < 0x20) fail("control character in a string");
            if (c != '\\') {
                out += c;
                continue;
            }
            if (p_ >= t_.size()) fail("unterminated escape");
            const char e = t_[p_++];
            switch (e) {
            case '"': out += '"'; break;
            case '\\': out += '\\'; break;
            case '/': out += '/'; break;
            case 'b': out += '\b'; break;
            case 'f': out += '\f'; break;
            case 'n': out += '\n'; break;
            case 'r': out += '\r'; break;
            case 't': out += '\t'; break;
            case 'u': {
                unsigned cp = hex4();
                if (cp >= 0xd800 && cp < 0xdc00) {
                    // A surrogate pair; a lone high surrogate becomes U+FFFD.
                    if (t_.substr(p_, 2) == "\\u") {
                        p_ += 2;
                        const unsigned lo = hex4();
                        if (lo >= 0xdc00 && lo < 0xe000) cp = 0x10000 + ((cp - 0xd800) << 10) + (lo - 0xdc00);
                        else cp = 0xfffd;
                    } else {
                        cp = 0xfffd;
                    }
                } else if (cp >= 0xdc00 && cp < 0xe000) {
                    cp = 0xfffd;
                }
                append_utf8(out, cp);
                break;
            }
            default: fail("unknown escape");
            }
        }
    }

    std::string_view t_;
    size_t p_ = 0;
};

}  // namespace

Json parse_json(std::string_view text) { return Parser(text).document(); }

std::string json_quote(std::string_view s) {
    const std::string clean = sanitize_utf8(s);
    std::string out = "\"";
    for (const char c : clean) {
        switch (c) {
        case '"': out += "\\\""; break;
        case '\\': out += "\\\\"; break;
        case '\n': out += "\\n"; break;
        case '\r': out += "\\r"; break;
        case '\t': out += "\\t"; break;
        case '\b': out += "\\b"; break;
        case '\f': out += "\\f"; break;
        default:
            if (static_cast<unsigned char>(c) < 0x20 || c == 0x7f) {
                char buf[8];
                std::snprintf(buf, sizeof buf, "\\u%04x", static_cast<unsigned>(static_cast<unsigned char>(c)));
                out += buf;
            } else {
                out += c;
            }
        }
    }
    out += '"';
    return out;
}

void JsonWriter::newline() {
    out_ += '\n';
    out_.append(2 * stack_.size(), ' ');
}

void JsonWriter::before_value() {
    if (after_key_) {
        after_key_ = false;
        return;
    }
    if (!stack_.empty()) {
        if (!stack_.back().empty) out_ += ',';
        stack_.back().empty = false;
        newline();
    }
}

JsonWriter &JsonWriter::begin_object() {
    before_value();
    out_ += '{';
    stack_.push_back({true, true});
    return *this;
}

JsonWriter &JsonWriter::end_object() {
    const bool empty = stack_.back().empty;
    stack_.pop_back();
    if (!empty) newline();
    out_ += '}';
    if (stack_.empty()) out_ += '\n';
    return *this;
}

JsonWriter &JsonWriter::begin_array() {
    before_value();
    out_ += '[';
    stack_.push_back({false, true});
    return *this;
}

JsonWriter &JsonWriter::end_array() {
    const bool empty = stack_.back().empty;
    stack_.pop_back();
    if (!empty) newline();
    out_ += ']';
    if (stack_.empty()) out_ += '\n';
    return *this;
}

JsonWriter &JsonWriter::key(std::string_view k) {
    before_value();
    out_ += json_quote(k);
    out_ += ": ";
    after_key_ = true;
    return *this;
}

JsonWriter &JsonWriter::value(std::string_view s) {
    before_value();
    out_ += json_quote(s);
    return *this;
}

JsonWriter &JsonWriter::value(int64_t n) {
    before_value();
    out_ += std::to_string(n);
    return *this;
}

JsonWriter &JsonWriter::value(uint64_t n) {
    before_value();
    out_ += std::to_string(n);
    return *this;
}

JsonWriter &JsonWriter::value(double d) {
    before_value();
    if (!std::isfinite(d)) {
        out_ += "null";
        return *this;
    }
    char buf[64];
    std::snprintf(buf, sizeof buf, "%.6g", d);
    out_ += buf;
    return *this;
}

JsonWriter &JsonWriter::value(bool b) {
    before_value();
    out_ += b ? "true" : "false";
    return *this;
}

JsonWriter &JsonWriter::null() {
    before_value();
    out_ += "null";
    return *this;
}

}  // namespace nke::runner

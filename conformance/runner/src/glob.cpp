#include "glob.hpp"

namespace nke::runner {
namespace {

// Match one class "[...]" at pattern[pi] against c.  Sets next to the index
// after the class; returns false with next = npos if the class is malformed
// (then '[' is an ordinary character).
bool match_class(std::string_view p, size_t pi, char c, size_t &next, bool &matched) {
    size_t i = pi + 1;
    bool negate = false;
    if (i < p.size() && (p[i] == '!' || p[i] == '^')) {
        negate = true;
        ++i;
    }
    bool hit = false;
    bool first = true;
    while (i < p.size() && (first || p[i] != ']')) {
        first = false;
        char lo = p[i];
        if (lo == '\\' && i + 1 < p.size()) lo = p[++i];
        char hi = lo;
        if (i + 2 < p.size() && p[i + 1] == '-' && p[i + 2] != ']') {
            hi = p[i + 2];
            if (hi == '\\' && i + 3 < p.size()) {
                hi = p[i + 3];
                ++i;
            }
            i += 2;
        }
        if (lo <= c && c <= hi) hit = true;
        ++i;
    }
    if (i >= p.size()) {
        next = std::string_view::npos;
        return false;
    }
    next = i + 1;
    matched = hit != negate;
    return true;
}

}  // namespace

bool glob_match(std::string_view p, std::string_view t) {
    size_t pi = 0, ti = 0;
    size_t star_p = std::string_view::npos, star_t = 0;
    while (ti < t.size()) {
        if (pi < p.size()) {
            const char pc = p[pi];
            if (pc == '*') {
                star_p = pi++;
                star_t = ti;
                continue;
            }
            if (pc == '?') {
                ++pi;
                ++ti;
                continue;
            }
            if (pc == '[') {
                size_t next;
                bool matched;
                if (match_class(p, pi, t[ti], next, matched)) {
                    if (matched) {
                        pi = next;
                        ++ti;
                        continue;
                    }
                } else if (t[ti] == '[') {
                    ++pi;
                    ++ti;
                    continue;
                }
            } else {
                char lit = pc;
                size_t adv = 1;
                if (pc == '\\' && pi + 1 < p.size()) {
                    lit = p[pi + 1];
                    adv = 2;
                }
                if (lit == t[ti]) {
                    pi += adv;
                    ++ti;
                    continue;
                }
            }
        }
        // Mismatch: let the last '*' swallow one more character.
        if (star_p == std::string_view::npos) return false;
        pi = star_p + 1;
        ti = ++star_t;
    }
    while (pi < p.size() && p[pi] == '*') ++pi;
    return pi == p.size();
}

bool has_glob_chars(std::string_view p) {
    return p.find_first_of("*?[\\") != std::string_view::npos;
}

}  // namespace nke::runner

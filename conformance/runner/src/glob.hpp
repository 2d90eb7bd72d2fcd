// Shell-style globs for --filter and the expectations file: '*' matches any
// run of characters (dots included), '?' one character, '[a-z]' / '[!a-z]'
// a class, and a backslash makes the next character literal.
#pragma once

#include <string_view>

namespace nke::runner {

bool glob_match(std::string_view pattern, std::string_view text);
bool has_glob_chars(std::string_view pattern);

}  // namespace nke::runner

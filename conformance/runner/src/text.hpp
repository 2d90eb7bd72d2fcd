// Text helpers shared by the reporters: escaping for XML, HTML and the shell,
// UTF-8 repair, and small string utilities.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace nke::runner {

// Append code point cp as UTF-8.
void append_utf8(std::string &out, uint32_t cp);

// Copy of s with every invalid UTF-8 sequence (bad lead byte, truncated or
// overlong sequence, surrogate, > U+10FFFF) replaced by U+FFFD.
std::string sanitize_utf8(std::string_view s);

// XML 1.0 text or attribute value: & < > " ' escaped, control characters
// that XML 1.0 forbids (all below 0x20 except tab, newline and carriage
// return) replaced by U+FFFD, invalid UTF-8 repaired.
std::string xml_escape(std::string_view s);

// HTML text or attribute value (same rules as xml_escape).
std::string html_escape(std::string_view s);

// One word for a POSIX shell: unchanged when it is made only of safe
// characters, otherwise single-quoted.
std::string shell_quote(std::string_view s);

std::vector<std::string> split(std::string_view s, char sep);
std::string_view trim(std::string_view s);
std::string lower(std::string_view s);

// The last max_lines lines of s, at most max_bytes bytes (cut at a line
// start when possible), with a "[... N bytes before]" note when cut.
std::string tail(std::string_view s, size_t max_lines, size_t max_bytes);

// The first line of s (without its newline).
std::string_view first_line(std::string_view s);

// Whole-file read; empty string and ok = false when it cannot be read.
std::string read_file(const std::string &path, bool *ok = nullptr, size_t max_bytes = SIZE_MAX);
// Write through a temporary file and rename, so readers never see half a file.
bool write_file(const std::string &path, std::string_view content, std::string *error = nullptr);

}  // namespace nke::runner

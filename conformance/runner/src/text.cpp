#include "text.hpp"

#include <cstdio>
#include <fstream>
#include <iterator>
#include <sstream>

namespace nke::runner {

void append_utf8(std::string &out, uint32_t cp) {
    if (cp < 0x80) {
        out += static_cast<char>(cp);
    } else if (cp < 0x800) {
        out += static_cast<char>(0xc0 | (cp >> 6));
        out += static_cast<char>(0x80 | (cp & 0x3f));
    } else if (cp < 0x10000) {
        out += static_cast<char>(0xe0 | (cp >> 12));
        out += static_cast<char>(0x80 | ((cp >> 6) & 0x3f));
        out += static_cast<char>(0x80 | (cp & 0x3f));
    } else {
        out += static_cast<char>(0xf0 | (cp >> 18));
        out += static_cast<char>(0x80 | ((cp >> 12) & 0x3f));
        out += static_cast<char>(0x80 | ((cp >> 6) & 0x3f));
        out += static_cast<char>(0x80 | (cp & 0x3f));
    }
}

std::string sanitize_utf8(std::string_view s) {
    std::string out;
    out.reserve(s.size());
    size_t i = 0;
    while (i < s.size()) {
        const auto b0 = static_cast<unsigned char>(s[i]);
        if (b0 < 0x80) {
            out += static_cast<char>(b0);
            ++i;
            continue;
        }
        size_t need;
        uint32_t cp, min;
        if ((b0 & 0xe0) == 0xc0) {
            need = 1;
            cp = b0 & 0x1f;
            min = 0x80;
        } else if ((b0 & 0xf0) == 0xe0) {
            need = 2;
            cp = b0 & 0x0f;
            min = 0x800;
        } else if ((b0 & 0xf8) == 0xf0) {
            need = 3;
            cp = b0 & 0x07;
            min = 0x10000;
        } else {
            append_utf8(out, 0xfffd);
            ++i;
            continue;
        }
        size_t k = 1;
        for (; k <= need && i + k < s.size(); ++k) {
            const auto b = static_cast<unsigned char>(s[i + k]);
            if ((b & 0xc0) != 0x80) break;
            cp = (cp << 6) | (b & 0x3f);
        }
        if (k != need + 1 || cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp < 0xe000)) {
            append_utf8(out, 0xfffd);
            i += k;  // skip the lead byte and the continuation bytes seen
            continue;
        }
        out.append(s.substr(i, need + 1));
        i += need + 1;
    }
    return out;
}

std::string xml_escape(std::string_view s) {
    const std::string clean = sanitize_utf8(s);
    std::string out;
    out.reserve(clean.size());
    for (const char c : clean) {
        switch (c) {
        case '&': out += "&amp;"; break;
        case '<': out += "&lt;"; break;
        case '>': out += "&gt;"; break;
        case '"': out += "&quot;"; break;
        case '\'': out += "&apos;"; break;
        case '\t':
        case '\n':
        case '\r': out += c; break;
        default:
            if (static_cast<unsigned char>(c) < 0x20 || c == 0x7f) append_utf8(out, 0xfffd);
            else out += c;
        }
    }
    return out;
}

std::string html_escape(std::string_view s) {
    std::string out = xml_escape(s);
    // &apos; is XML; HTML 4 readers prefer the numeric form.
    std::string fixed;
    fixed.reserve(out.size());
    for (size_t i = 0; i < out.size(); ++i) {
        if (out.compare(i, 6, "&apos;") == 0) {
            fixed += "&#39;";
            i += 5;
        } else {
            fixed += out[i];
        }
    }
    return fixed;
}

std::string shell_quote(std::string_view s) {
    if (s.empty()) return "''";
    bool safe = true;
    for (const char c : s) {
        const bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                        c == '_' || c == '-' || c == '.' || c == '/' || c == ':' || c == '=' ||
                        c == ',' || c == '+' || c == '@' || c == '%';
        if (!ok) {
            safe = false;
            break;
        }
    }
    if (safe) return std::string(s);
    std::string out = "'";
    for (const char c : s) {
        if (c == '\'') out += "'\\''";
        else out += c;
    }
    out += '\'';
    return out;
}

std::vector<std::string> split(std::string_view s, char sep) {
    std::vector<std::string> out;
    size_t start = 0;
    while (true) {
        const size_t p = s.find(sep, start);
        out.emplace_back(s.substr(start, p == std::string_view::npos ? std::string_view::npos : p - start));
        if (p == std::string_view::npos) return out;
        start = p + 1;
    }
}

std::string_view trim(std::string_view s) {
    const char *ws = " \t\r\n";
    const size_t b = s.find_first_not_of(ws);
    if (b == std::string_view::npos) return {};
    const size_t e = s.find_last_not_of(ws);
    return s.substr(b, e - b + 1);
}

std::string lower(std::string_view s) {
    std::string out(s);
    for (char &c : out) {
        if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
    }
    return out;
}

std::string tail(std::string_view s, size_t max_lines, size_t max_bytes) {
    while (!s.empty() && (s.back() == '\n' || s.back() == '\r')) s.remove_suffix(1);
    if (max_lines == 0 || max_bytes == 0) return s.empty() ? "" : "[... " + std::to_string(s.size()) + " bytes before]\n";
    // Walk back over max_lines line breaks.
    size_t start = s.size();
    size_t lines = 0;
    while (start > 0) {
        const size_t p = s.rfind('\n', start - 1);
        if (p == std::string_view::npos) {
            start = 0;
            break;
        }
        if (++lines >= max_lines) {
            start = p + 1;
            break;
        }
        start = p;
    }
    if (s.size() - start > max_bytes) {
        start = s.size() - max_bytes;
        const size_t nl = s.find('\n', start);
        if (nl != std::string_view::npos && nl + 1 < s.size()) start = nl + 1;
    }
    std::string out;
    if (start > 0) out = "[... " + std::to_string(start) + " bytes before]\n";
    out.append(s.substr(start));
    return out;
}

std::string_view first_line(std::string_view s) {
    const size_t p = s.find('\n');
    return p == std::string_view::npos ? s : s.substr(0, p);
}

std::string read_file(const std::string &path, bool *ok, size_t max_bytes) {
    std::ifstream in(path, std::ios::binary);
    if (!in) {
        if (ok) *ok = false;
        return {};
    }
    std::string out;
    if (max_bytes == SIZE_MAX) {
        out.assign(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
    } else {
        // Keep the end of an oversized file: the end is where failures are.
        in.seekg(0, std::ios::end);
        const auto size = static_cast<size_t>(in.tellg());
        const size_t skip = size > max_bytes ? size - max_bytes : 0;
        in.seekg(static_cast<std::streamoff>(skip));
        out.assign(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
    }
    if (ok) *ok = true;
    return out;
}

bool write_file(const std::string &path, std::string_view content, std::string *error) {
    const std::string tmp = path + ".tmp";
    {
        std::ofstream out(tmp, std::ios::binary | std::ios::trunc);
        if (!out) {
            if (error) *error = "cannot write " + tmp;
            return false;
        }
        out.write(content.data(), static_cast<std::streamsize>(content.size()));
        if (!out) {
            if (error) *error = "cannot write " + tmp;
            return false;
        }
    }
    if (std::rename(tmp.c_str(), path.c_str()) != 0) {
        if (error) *error = "cannot rename " + tmp + " to " + path;
        return false;
    }
    return true;
}

}  // namespace nke::runner

#include "records.hpp"

#include <cstdlib>

namespace nke::runner {

std::string unescape_record_value(std::string_view v) {
    std::string out;
    for (size_t i = 0; i < v.size(); ++i) {
        if (v[i] == '\\' && i + 1 < v.size()) {
            const char n = v[++i];
            out += n == 'n' ? '\n' : n == 't' ? '\t' : n;
        } else {
            out += v[i];
        }
    }
    return out;
}

std::vector<Record> parse_records(std::string_view text) {
    std::vector<Record> out;
    size_t pos = 0;
    while (pos < text.size()) {
        const size_t end = text.find("\n\n", pos);
        if (end == std::string_view::npos) break;  // unterminated: the writer died
        std::string_view block = text.substr(pos, end - pos + 1);
        pos = end + 2;
        Record r;
        bool any = false, has_status = false;
        while (!block.empty()) {
            const size_t nl = block.find('\n');
            const std::string_view line = block.substr(0, nl);
            block.remove_prefix(nl == std::string_view::npos ? block.size() : nl + 1);
            const size_t tab = line.find('\t');
            if (tab == std::string_view::npos) continue;
            const std::string_view key = line.substr(0, tab), value = line.substr(tab + 1);
            if (key == "start") {
                r.start = true;
                r.test = std::string(value);
                any = true;
            } else if (key == "test") {
                r.test = std::string(value);
                any = true;
            } else if (key == "status") {
                r.status = std::string(value);
                has_status = true;
            } else if (key == "duration_ms") {
                r.duration_ms = std::strtoll(std::string(value).c_str(), nullptr, 10);
            } else if (key == "message") {
                r.message = unescape_record_value(value);
            }
        }
        if (any && (r.start || has_status)) out.push_back(std::move(r));
    }
    return out;
}

}  // namespace nke::runner

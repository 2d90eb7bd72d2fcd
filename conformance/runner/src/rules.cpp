#include "rules.hpp"

#include "json.hpp"
#include "text.hpp"

namespace nke::runner {

RuleCatalog RuleCatalog::load(const std::string &path) {
    RuleCatalog c;
    c.path_ = path;
    if (path.empty()) {
        c.error_ = "no rule catalogue given";
        return c;
    }
    bool ok = false;
    const std::string text = read_file(path, &ok);
    if (!ok) {
        c.error_ = "cannot read " + path;
        return c;
    }
    try {
        const Json doc = parse_json(text);
        const Json *rules = doc.find("rules");
        if (!rules) throw JsonError("no \"rules\" member");
        for (const Json &j : rules->as_array()) {
            Rule r;
            r.id = j.string_or("id");
            r.level = j.string_or("level");
            r.chapter = j.string_or("chapter");
            r.chapter_title = j.string_or("chapter_title");
            r.section = j.string_or("section");
            r.file = j.string_or("file");
            r.source = j.string_or("source");
            r.text = j.string_or("text");
            r.line = static_cast<int>(j.number_or("line", 0));
            if (const Json *e = j.find("errno"); e && e->is_array()) {
                for (const Json &x : e->as_array()) {
                    if (x.is_string()) r.errnos.push_back(x.as_string());
                }
            }
            if (r.id.empty()) continue;
            c.by_id_[r.id] = c.rules_.size();
            if (!r.chapter.empty() && !r.chapter_title.empty()) c.titles_[r.chapter] = r.chapter_title;
            c.rules_.push_back(std::move(r));
        }
        c.loaded_ = true;
    } catch (const JsonError &e) {
        c.rules_.clear();
        c.by_id_.clear();
        c.error_ = path + ": " + e.what();
    }
    return c;
}

std::vector<BuildTimeCheck> load_buildtime_checks(const std::string &path) {
    std::vector<BuildTimeCheck> out;
    bool ok = false;
    const std::string text = path.empty() ? std::string() : read_file(path, &ok);
    if (!ok) return out;
    try {
        const Json doc = parse_json(text);  // the loop below must not outlive it
        for (const Json &j : doc.as_array()) {
            BuildTimeCheck c;
            c.name = j.string_or("test");
            if (const Json *r = j.find("rules"); r && r->is_array()) {
                for (const Json &x : r->as_array()) {
                    if (x.is_string()) c.rules.push_back(x.as_string());
                }
            }
            if (!c.name.empty()) out.push_back(std::move(c));
        }
    } catch (const JsonError &) {
        out.clear();
    }
    return out;
}

const Rule *RuleCatalog::find(const std::string &id) const {
    const auto it = by_id_.find(id);
    return it == by_id_.end() ? nullptr : &rules_[it->second];
}

std::string RuleCatalog::chapter_of(const std::string &rule_id) const {
    if (const Rule *r = find(rule_id); r && !r->chapter.empty()) return r->chapter;
    const std::string prefix = rule_id.substr(0, rule_id.find('-'));
    static const std::map<std::string, std::string, std::less<>> kPrefixes = {
        {"ABI", "abi"},       {"KERN", "kern"},           {"MBUF", "mbuf"},       {"DOM", "domain"},
        {"PROTO", "domain"},  {"SOCK", "socket"},         {"SF", "sockfilter"},   {"CTL", "kern_control"},
        {"KEV", "kern_event"}, {"DLIL", "dlil"},          {"KMOD", "module"},     {"CONC", "concurrency"},
        {"HARN", "harness"}};
    const auto it = kPrefixes.find(prefix);
    if (it != kPrefixes.end()) return it->second;
    return prefix.empty() ? "unknown" : lower(prefix);
}

std::string RuleCatalog::chapter_title(const std::string &chapter) const {
    const auto it = titles_.find(chapter);
    return it == titles_.end() ? chapter : it->second;
}

}  // namespace nke::runner

// The rule catalogue (rules.json, written by spec/tools/rules.py extract):
// rule text for the HTML matrix and each rule's chapter for the summaries.
#pragma once

#include <map>
#include <string>
#include <vector>

namespace nke::runner {

struct Rule {
    std::string id, level, chapter, chapter_title, section, file, source, text;
    std::vector<std::string> errnos;
    int line = 0;
};

// A check the suite's build performs (spec/tests/buildtime_tests.json): the
// header self-tests.  If the suite was built, they passed.
struct BuildTimeCheck {
    std::string name;
    std::vector<std::string> rules;
};

// Missing file: empty list (not an error; the matrix then shows those rules
// as untested).
std::vector<BuildTimeCheck> load_buildtime_checks(const std::string &path);

class RuleCatalog {
public:
    // A missing or malformed file gives an empty catalogue with error() set;
    // the run goes on (chapters then come from the rule prefixes).
    static RuleCatalog load(const std::string &path);

    const std::vector<Rule> &rules() const { return rules_; }
    const Rule *find(const std::string &id) const;
    bool loaded() const { return loaded_; }
    const std::string &error() const { return error_; }
    const std::string &path() const { return path_; }

    // The chapter of a rule: from the catalogue, else from its prefix
    // (spec/README.md's table), else the prefix in lower case.
    std::string chapter_of(const std::string &rule_id) const;
    // Title of a chapter ("Kernel controllers"), or the chapter name.
    std::string chapter_title(const std::string &chapter) const;

private:
    std::vector<Rule> rules_;
    std::map<std::string, size_t, std::less<>> by_id_;
    std::map<std::string, std::string, std::less<>> titles_;
    bool loaded_ = false;
    std::string error_, path_;
};

}  // namespace nke::runner

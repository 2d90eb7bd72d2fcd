#include "report_junit.hpp"

#include "text.hpp"

#include <cstdio>
#include <map>

namespace nke::runner {
namespace {

std::string seconds(int64_t ms) {
    char buf[32];
    std::snprintf(buf, sizeof buf, "%.3f", static_cast<double>(ms) / 1000.0);
    return buf;
}

int64_t duration_of(const TestResult &res) {
    int64_t ms = 0;
    for (const auto &a : res.attempts) ms += a.wall_ms;
    return ms;
}

}  // namespace

std::string junit_xml(const RunReport &r, const Summary &s) {
    std::string x = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n";
    const auto &c = s.all;
    const int failures = c[Outcome::Fail] + c[Outcome::XPass];
    const int errors = c[Outcome::Crash] + c[Outcome::Timeout] + c[Outcome::Broken];
    const int skipped = c[Outcome::Skip] + c[Outcome::NotSupported] + c[Outcome::XFail];
    x += "<testsuites name=\"nke-conformance\" tests=\"" + std::to_string(c.total) + "\" failures=\"" +
         std::to_string(failures) + "\" errors=\"" + std::to_string(errors) + "\" skipped=\"" +
         std::to_string(skipped) + "\" time=\"" + seconds(r.duration_ms) + "\">\n";

    std::map<std::string, std::vector<const TestResult *>> by_chapter;
    for (const auto &res : r.results) by_chapter[(*r.tests)[res.test].chapter].push_back(&res);

    for (const auto &ch : s.chapters) {
        const auto &cc = ch.counts;
        int64_t total_ms = 0;
        for (const TestResult *res : by_chapter[ch.chapter]) total_ms += duration_of(*res);
        x += "  <testsuite name=\"" + xml_escape(ch.chapter) + "\" tests=\"" + std::to_string(cc.total) +
             "\" failures=\"" + std::to_string(cc[Outcome::Fail] + cc[Outcome::XPass]) + "\" errors=\"" +
             std::to_string(cc[Outcome::Crash] + cc[Outcome::Timeout] + cc[Outcome::Broken]) + "\" skipped=\"" +
             std::to_string(cc[Outcome::Skip] + cc[Outcome::NotSupported] + cc[Outcome::XFail]) + "\" time=\"" +
             seconds(total_ms) + "\" timestamp=\"" + xml_escape(r.started_at) + "\" hostname=\"" +
             xml_escape(r.host) + "\">\n";
        x += "    <properties>\n";
        x += "      <property name=\"implementation\" value=\"" + xml_escape(r.impl.name + " " + r.impl.version) + "\"/>\n";
        x += "      <property name=\"suite_version\" value=\"" + xml_escape(r.suite_version) + "\"/>\n";
        x += "      <property name=\"git_revision\" value=\"" + xml_escape(r.git_revision) + "\"/>\n";
        x += "      <property name=\"isolation\" value=\"" +
             std::string(r.isolation == Isolation::Process ? "process" : "batch") + "\"/>\n";
        x += "    </properties>\n";
        for (const TestResult *res : by_chapter[ch.chapter]) {
            const TestCase &t = (*r.tests)[res->test];
            const size_t dot = t.gtest_name.find('.');
            const std::string suite = t.gtest_name.substr(0, dot);
            const std::string name = dot == std::string::npos ? t.gtest_name : t.gtest_name.substr(dot + 1);
            x += "    <testcase classname=\"" + xml_escape(ch.chapter + "." + suite) + "\" name=\"" +
                 xml_escape(name) + "\" time=\"" + seconds(duration_of(*res)) + "\"";
            if (!t.file.empty()) x += " file=\"" + xml_escape(t.file) + "\" line=\"" + std::to_string(t.line) + "\"";
            x += ">\n      <properties>\n";
            for (const auto &rule : t.rules) x += "        <property name=\"rule\" value=\"" + xml_escape(rule) + "\"/>\n";
            x += "        <property name=\"outcome\" value=\"" + std::string(outcome_name(res->outcome)) + "\"/>\n";
            if (res->expected)
                x += "        <property name=\"expected\" value=\"" + std::string(outcome_name(res->expected->outcome)) +
                     ": " + xml_escape(res->expected->reason) + "\"/>\n";
            const std::string reproduce = res->attempts.empty() ? "" : res->attempts.front().reproduce;
            if (!reproduce.empty())
                x += "        <property name=\"rc_reproduce\" value=\"" + xml_escape(reproduce) + "\"/>\n";
            if (!is_acceptable(res->outcome) || res->outcome == Outcome::XFail)
                x += "        <property name=\"rerun\" value=\"" + xml_escape(rerun_command(r, t, reproduce)) + "\"/>\n";
            x += "      </properties>\n";
            const std::string msg = std::string(outcome_name(res->outcome)) + (res->message.empty() ? "" : ": " + res->message);
            switch (res->outcome) {
            case Outcome::Fail:
            case Outcome::XPass:
                x += "      <failure type=\"" + std::string(outcome_name(res->outcome)) + "\" message=\"" +
                     xml_escape(std::string(first_line(msg))) + "\">" + xml_escape(res->message) + "</failure>\n";
                break;
            case Outcome::Crash:
            case Outcome::Timeout:
            case Outcome::Broken:
                x += "      <error type=\"" + std::string(outcome_name(res->outcome)) + "\" message=\"" +
                     xml_escape(std::string(first_line(msg))) + "\">" + xml_escape(res->message) + "</error>\n";
                break;
            case Outcome::Skip:
            case Outcome::NotSupported:
            case Outcome::XFail:
                x += "      <skipped message=\"" + xml_escape(std::string(first_line(msg))) + "\"/>\n";
                break;
            case Outcome::Pass: break;
            }
            std::string tail_text;
            for (const auto &a : res->attempts) {
                if (!a.output_tail.empty()) {
                    tail_text = a.output_tail;
                    break;
                }
            }
            if (!tail_text.empty()) x += "      <system-err>" + xml_escape(tail_text) + "</system-err>\n";
            x += "    </testcase>\n";
        }
        x += "  </testsuite>\n";
    }
    x += "</testsuites>\n";
    return x;
}

}  // namespace nke::runner

#include "report_html.hpp"

#include "text.hpp"

#include <cstdio>
#include <map>
#include <set>

namespace nke::runner {

std::string html_anchor(std::string_view prefix, std::string_view id) {
    std::string out(prefix);
    out += '-';
    for (const char c : id) {
        const bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' ||
                        c == '_' || c == '.';
        if (ok) out += c;
        else {
            char buf[8];
            std::snprintf(buf, sizeof buf, ":%02x", static_cast<unsigned>(static_cast<unsigned char>(c)));
            out += buf;
        }
    }
    return out;
}

namespace {

constexpr const char *kStyle = R"(
:root { --pass:#1a7f37; --fail:#cf222e; --warn:#9a6700; --muted:#6e7781; --bg:#f6f8fa; --line:#d0d7de; }
* { box-sizing: border-box; }
body { font: 14px/1.45 system-ui, -apple-system, "Segoe UI", sans-serif; margin: 0 auto; max-width: 1400px; padding: 16px 24px; color: #1f2328; }
h1 { font-size: 22px; margin: 4px 0 8px; } h2 { font-size: 18px; margin: 28px 0 8px; border-bottom: 1px solid var(--line); padding-bottom: 4px; }
table { border-collapse: collapse; width: 100%; margin: 6px 0; }
th, td { border: 1px solid var(--line); padding: 3px 6px; text-align: left; vertical-align: top; }
th { background: var(--bg); position: sticky; top: 0; }
td.num, th.num { text-align: right; font-variant-numeric: tabular-nums; }
code, pre { font: 12px/1.4 ui-monospace, SFMono-Regular, Menlo, monospace; }
pre { background: var(--bg); border: 1px solid var(--line); padding: 8px; overflow-x: auto; white-space: pre-wrap; word-break: break-all; }
.meta td:first-child { color: var(--muted); width: 200px; }
.badge { display: inline-block; padding: 0 6px; border-radius: 10px; font-size: 12px; margin: 1px 2px; text-decoration: none; white-space: nowrap; border: 1px solid transparent; }
.o-PASS, .s-pass { background: #dafbe1; color: var(--pass); }
.o-FAIL, .o-CRASH, .o-TIMEOUT, .o-XPASS, .o-BROKEN, .s-fail, .s-broken { background: #ffebe9; color: var(--fail); }
.o-SKIP, .o-NOT_SUPPORTED, .s-skipped, .s-not-run { background: #eaeef2; color: var(--muted); }
.o-XFAIL, .s-xfail { background: #fff8c5; color: var(--warn); }
.s-untested { background: #eaeef2; color: var(--muted); }
.s-build-time { background: #ddf4ff; color: #0969da; }
tr.must-untested td, tr.must-nopass td { background: #fff1f0; }
tr.must-untested td.level, tr.must-nopass td.level { font-weight: bold; color: var(--fail); }
tr.chapter-row td { background: #ddf4ff; font-weight: bold; }
.cards { display: flex; flex-wrap: wrap; gap: 8px; margin: 8px 0; }
.card { border: 1px solid var(--line); border-radius: 6px; padding: 6px 12px; min-width: 110px; }
.card b { display: block; font-size: 20px; }
.bar { height: 8px; background: #ffebe9; border-radius: 4px; overflow: hidden; min-width: 120px; }
.bar span { display: block; height: 100%; background: var(--pass); }
details summary { cursor: pointer; color: var(--muted); }
.rule-text { white-space: pre-wrap; margin: 4px 0 0; }
#matrix td:first-child, #tests td:first-child { white-space: nowrap; }
#matrix td:nth-child(3) { width: 42%; }
.filters { position: sticky; top: 0; background: #fff; padding: 8px 0; border-bottom: 1px solid var(--line); z-index: 2; display: flex; flex-wrap: wrap; gap: 12px; align-items: center; }
.filters label { white-space: nowrap; }
.hidden { display: none; }
.closing { font-weight: bold; font-family: ui-monospace, monospace; }
section.failure { border: 1px solid var(--line); border-left: 4px solid var(--fail); padding: 6px 12px; margin: 10px 0; }
section.failure.xfail { border-left-color: var(--warn); }
)";

constexpr const char *kScript = R"(
(function () {
  var q = document.getElementById('f-text'), ch = document.getElementById('f-chapter'),
      only = document.getElementById('f-problems'), boxes = document.querySelectorAll('input.f-outcome');
  function apply() {
    var text = q.value.toLowerCase(), chapter = ch.value, on = {};
    boxes.forEach(function (b) { on[b.value] = b.checked; });
    document.querySelectorAll('#tests tbody tr').forEach(function (tr) {
      var show = on[tr.dataset.outcome] !== false && (!chapter || tr.dataset.chapter === chapter) &&
                 (!text || tr.textContent.toLowerCase().indexOf(text) >= 0);
      tr.classList.toggle('hidden', !show);
    });
    document.querySelectorAll('#matrix tbody tr.rule').forEach(function (tr) {
      var bad = ['fail', 'broken', 'xfail'].indexOf(tr.dataset.result) >= 0 ||
                tr.classList.contains('must-untested') || tr.classList.contains('must-nopass');
      var show = (!chapter || tr.dataset.chapter === chapter) && (!only.checked || bad) &&
                 (!text || tr.textContent.toLowerCase().indexOf(text) >= 0);
      tr.classList.toggle('hidden', !show);
    });
    document.querySelectorAll('#matrix tbody tr.chapter-row').forEach(function (tr) {
      tr.classList.toggle('hidden', !!chapter && tr.dataset.chapter !== chapter);
    });
  }
  [q, ch, only].forEach(function (e) { e.addEventListener('input', apply); e.addEventListener('change', apply); });
  boxes.forEach(function (b) { b.addEventListener('change', apply); });
  document.getElementById('filters').classList.remove('hidden');
  document.body.dataset.ready = 'yes';
})();
)";

std::string esc(std::string_view s) { return html_escape(s); }

std::string badge(Outcome o, const std::string &label, const std::string &href = {}) {
    const std::string cls = "badge o-" + std::string(outcome_name(o));
    if (href.empty()) return "<span class=\"" + cls + "\">" + esc(label) + "</span>";
    return "<a class=\"" + cls + "\" href=\"#" + esc(href) + "\">" + esc(label) + "</a>";
}

std::string ms_text(int64_t ms) {
    char buf[32];
    if (ms < 1000) std::snprintf(buf, sizeof buf, "%lld ms", static_cast<long long>(ms));
    else std::snprintf(buf, sizeof buf, "%.2f s", static_cast<double>(ms) / 1000.0);
    return buf;
}

int64_t wall_of(const TestResult &res) {
    int64_t ms = 0;
    for (const auto &a : res.attempts) ms += a.wall_ms;
    return ms;
}

}  // namespace

std::string html_report(const RunReport &r, const Summary &s, const Coverage &c) {
    std::string h;
    h.reserve(1 << 20);
    const std::string title = "OpenNKE conformance: " + r.impl.name + " " + r.impl.version;
    h += "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n";
    h += "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n";
    h += "<title>" + esc(title) + "</title>\n<style>" + std::string(kStyle) + "</style>\n</head>\n";
    h += "<body data-ready=\"no\">\n<h1>" + esc(title) + "</h1>\n";

    // --- identity and run parameters
    auto meta = [&](const std::string &k, const std::string &v) {
        h += "<tr><td>" + esc(k) + "</td><td>" + esc(v) + "</td></tr>\n";
    };
    h += "<table class=\"meta\" id=\"meta\"><tbody>\n";
    meta("implementation", r.impl.name + " " + r.impl.version + " (" + r.impl.path + ")");
    std::string hooks = "get_counters";
    for (const auto &x : r.impl.hooks) hooks += ", " + x;
    meta("implementation ABI", std::to_string(r.impl.abi_major) + "." + std::to_string(r.impl.abi_minor) +
                                   ", harness table " + std::to_string(r.impl.harness_size) + " bytes, hooks: " + hooks);
    meta("suite", r.suite_version + " (git " + r.git_revision + "), ABI " + std::to_string(r.abi_major) + "." +
                      std::to_string(r.abi_minor));
    char tbuf[128];
    std::snprintf(tbuf, sizeof tbuf, "%g s per test x %g", r.timeout_s, r.multiplier);
    meta("isolation", std::string(r.isolation == Isolation::Process ? "process (one fresh process per test)"
                                                                      : "batch (many tests per process)") +
                          ", " + std::to_string(r.jobs) + " jobs, timeout " + tbuf + ", " +
                          std::to_string(r.stats.processes) + " processes");
    std::string sel;
    for (const auto &f : r.filters) sel += (sel.empty() ? "" : " ") + f;
    if (sel.empty()) sel = "all tests";
    if (r.shard_count) sel += ", shard " + std::to_string(r.shard_index) + "/" + std::to_string(r.shard_count);
    if (r.shuffle) sel += ", shuffled with seed " + std::to_string(r.seed);
    if (r.repeat > 1) sel += ", repeated " + std::to_string(r.repeat) + " times";
    meta("selection", sel);
    meta("expectations", r.expectations_path.empty() ? "none" : r.expectations_path);
    meta("started", r.started_at + " on " + r.host + ", took " + ms_text(r.duration_ms));
    h += "</tbody></table>\n";
    if (r.interrupted) h += "<p><b>The run was interrupted; the results are partial.</b></p>\n";
    if (!r.missing_symbols.empty()) {
        h += "<p id=\"missing-symbols\"><b>The implementation lacks " + std::to_string(r.missing_symbols.size()) +
             " ABI symbols</b> (judged with --allow-missing-symbols; the run fails):";
        for (const auto &m : r.missing_symbols) h += " <code>" + esc(m) + "</code>";
        h += "</p>\n";
    }

    // --- summary
    h += "<h2 id=\"summary\">Summary</h2>\n<div class=\"cards\">\n";
    auto card = [&](const std::string &label, const std::string &value, const std::string &cls) {
        h += "<div class=\"card " + cls + "\"><b>" + esc(value) + "</b>" + esc(label) + "</div>\n";
    };
    card("raw conformance (" + std::to_string(s.raw_passed) + " of " + std::to_string(s.raw_judged) + ")",
         percent(s.raw_passed, s.raw_judged), "");
    card("with expectations (" + std::to_string(s.exp_passed) + " of " + std::to_string(s.raw_judged) + ")",
         percent(s.exp_passed, s.raw_judged), "");
    for (Outcome o : kAllOutcomes) {
        if (s.all[o] || o == Outcome::Pass || o == Outcome::Fail) card(std::string(outcome_name(o)), std::to_string(s.all[o]), "o-" + std::string(outcome_name(o)));
    }
    h += "</div>\n<p>Raw conformance counts expected failures as failures; tests that were NOT_SUPPORTED or "
         "skipped by the test itself are not judged.</p>\n";
    h += "<p class=\"closing\" id=\"closing\">" + std::to_string(s.all.passed) + " passed, " +
         std::to_string(s.all.failed) + " failed, " + std::to_string(s.all.skipped) + " skipped</p>\n";

    // --- per chapter
    h += "<h2 id=\"chapters\">Chapters</h2>\n<table id=\"chapter-table\"><thead><tr><th>chapter</th><th>title</th>"
         "<th class=\"num\">tests</th>";
    for (Outcome o : kAllOutcomes) h += "<th class=\"num\">" + std::string(outcome_name(o)) + "</th>";
    h += "<th>pass rate</th></tr></thead><tbody>\n";
    for (const auto &ch : s.chapters) {
        const auto &cc = ch.counts;
        const int judged = cc.total - cc[Outcome::NotSupported] - cc[Outcome::Skip] - cc[Outcome::Broken];
        const int ok = cc[Outcome::Pass];
        h += "<tr data-chapter=\"" + esc(ch.chapter) + "\"><td>" + esc(ch.chapter) + "</td><td>" + esc(ch.title) +
             "</td><td class=\"num\">" + std::to_string(cc.total) + "</td>";
        for (Outcome o : kAllOutcomes) h += "<td class=\"num\">" + std::to_string(cc[o]) + "</td>";
        char w[32];
        std::snprintf(w, sizeof w, "%.1f", judged ? 100.0 * ok / judged : 0.0);
        h += "<td><div class=\"bar\" title=\"" + percent(ok, judged) + "\"><span style=\"width:" + w +
             "%\"></span></div>" + percent(ok, judged) + "</td></tr>\n";
    }
    h += "</tbody></table>\n";

    // --- rule coverage
    size_t must = 0;
    if (r.rules) {
        for (const auto &rule : r.rules->rules()) must += rule.level == "MUST";
    }
    h += "<h2 id=\"coverage\">Rule coverage</h2>\n";
    if (!r.rules || !r.rules->loaded()) {
        h += "<p><b>No rule catalogue was loaded" +
             (r.rules && !r.rules->error().empty() ? " (" + esc(r.rules->error()) + ")" : std::string()) +
             ":</b> the matrix shows only the rules the tests name, without their text.</p>\n";
    }
    h += "<p>" + std::to_string(r.rules ? r.rules->rules().size() : 0) + " rules in the catalogue, " +
         std::to_string(must) + " MUST. <b>" + std::to_string(c.must_untested.size()) +
         "</b> MUST rules have no test; <b>" + std::to_string(c.must_without_pass.size()) +
         "</b> MUST rules have tests but no passing test in this run.</p>\n";
    auto rule_list = [&](const char *id, const char *label, const std::vector<std::string> &ids) {
        h += "<details id=\"" + std::string(id) + "\"" + (ids.empty() ? "" : " open") + "><summary>" + label + " (" +
             std::to_string(ids.size()) + ")</summary><p>";
        for (const auto &x : ids) h += "<a class=\"badge s-fail\" href=\"#" + esc(html_anchor("rule", x)) + "\">" + esc(x) + "</a> ";
        h += "</p></details>\n";
    };
    rule_list("must-untested", "MUST rules with no test", c.must_untested);
    rule_list("must-nopass", "MUST rules with no passing test in this run", c.must_without_pass);
    rule_list("unknown-rules", "Rules named by tests but missing from the catalogue", c.unknown);

    // --- filters (shown by the script)
    std::set<std::string> chapters;
    for (const auto &row : c.rows) chapters.insert(row.chapter);
    for (const auto &ch : s.chapters) chapters.insert(ch.chapter);
    h += "<div class=\"filters hidden\" id=\"filters\"><b>Filter</b>"
         "<label>text <input type=\"search\" id=\"f-text\" placeholder=\"rule, test, message\"></label>"
         "<label>chapter <select id=\"f-chapter\"><option value=\"\">all</option>";
    for (const auto &ch : chapters) h += "<option value=\"" + esc(ch) + "\">" + esc(ch) + "</option>";
    h += "</select></label><label><input type=\"checkbox\" id=\"f-problems\"> only rules with problems</label>"
         "<span>tests:";
    for (Outcome o : kAllOutcomes) {
        const std::string n(outcome_name(o));
        h += " <label><input type=\"checkbox\" class=\"f-outcome\" value=\"" + n + "\" checked> " + n + "</label>";
    }
    h += "</span></div>\n";

    // --- the matrix
    h += "<h2 id=\"matrix-title\">Rule matrix</h2>\n";
    h += "<table id=\"matrix\"><thead><tr><th>rule</th><th>level</th><th>specification</th><th>tests</th>"
         "<th>result</th></tr></thead><tbody>\n";
    std::string current_chapter = "\x01";
    for (const auto &row : c.rows) {
        if (row.chapter != current_chapter) {
            current_chapter = row.chapter;
            const std::string ch_title = r.rules ? r.rules->chapter_title(row.chapter) : row.chapter;
            h += "<tr class=\"chapter-row\" data-chapter=\"" + esc(row.chapter) + "\"><td colspan=\"5\">" +
                 esc(row.chapter) + (ch_title != row.chapter ? " — " + esc(ch_title) : std::string()) + "</td></tr>\n";
        }
        const std::string level = row.rule ? row.rule->level : "?";
        std::string cls = "rule";
        if (level == "MUST" && row.status == RuleStatus::Untested) cls += " must-untested";
        else if (level == "MUST" && row.status != RuleStatus::Pass && row.status != RuleStatus::BuildTime)
            cls += " must-nopass";
        const std::string status(rule_status_name(row.status));
        h += "<tr class=\"" + cls + "\" id=\"" + esc(html_anchor("rule", row.id)) + "\" data-rule=\"" + esc(row.id) +
             "\" data-chapter=\"" + esc(row.chapter) + "\" data-result=\"" + esc(status) + "\">";
        h += "<td><code>" + esc(row.id) + "</code></td><td class=\"level\">" + esc(level) + "</td><td>";
        if (row.rule) {
            std::string where = row.rule->file + ":" + std::to_string(row.rule->line);
            if (!row.rule->section.empty()) where += " · " + row.rule->section;
            // The opening words of the rule, on one line.
            std::string first;
            bool cut = false;
            for (const char ch : row.rule->text) {
                if (first.size() >= 180) {
                    cut = true;
                    break;
                }
                if (ch == '\n' || ch == '\t') {
                    if (!first.empty() && first.back() != ' ') first += ' ';
                } else {
                    first += ch;
                }
            }
            if (cut) {
                // Do not end inside a UTF-8 sequence.
                while (!first.empty() && (static_cast<unsigned char>(first.back()) & 0xc0) == 0x80) first.pop_back();
                if (!first.empty() && static_cast<unsigned char>(first.back()) >= 0xc0) first.pop_back();
                first += "...";
            }
            h += "<details><summary>" + esc(first) + "</summary><div class=\"rule-text\">" + esc(row.rule->text) +
                 "</div><p><small>" + esc(where) + " · source: " + esc(row.rule->source);
            if (!row.rule->errnos.empty()) {
                std::string e;
                for (const auto &x : row.rule->errnos) e += (e.empty() ? "" : ", ") + x;
                h += " · errno: " + esc(e);
            }
            h += "</small></p></details>";
        } else {
            h += "<i>not in the rule catalogue</i>";
        }
        h += "</td><td>";
        std::set<size_t> ran;
        for (const TestResult *res : row.results) {
            const TestCase &t = (*r.tests)[res->test];
            ran.insert(res->test);
            h += badge(res->outcome, t.id, html_anchor("test", t.id)) + " ";
        }
        for (size_t ti : row.tests) {
            if (!ran.count(ti)) h += "<span class=\"badge s-not-run\" title=\"not selected in this run\">" +
                                     esc((*r.tests)[ti].id) + "</span> ";
        }
        for (const auto &b : row.buildtime)
            h += "<span class=\"badge s-build-time\" title=\"checked when the suite was built\">" + esc(b) + "</span> ";
        if (row.tests.empty() && row.buildtime.empty()) h += "<span class=\"badge s-untested\">no test</span>";
        std::string status_class = status;
        for (char &ch : status_class) {
            if (ch == ' ') ch = '-';
        }
        h += "</td><td><span class=\"badge s-" + esc(status_class) + "\">" + esc(status) + "</span></td></tr>\n";
    }
    h += "</tbody></table>\n";

    // --- every test
    h += "<h2 id=\"tests-title\">Tests</h2>\n<table id=\"tests\"><thead><tr><th>test</th><th>chapter</th><th>rules</th>"
         "<th>result</th><th class=\"num\">time</th><th>message</th></tr></thead><tbody>\n";
    for (const auto &res : r.results) {
        const TestCase &t = (*r.tests)[res.test];
        const std::string o(outcome_name(res.outcome));
        h += "<tr id=\"" + esc(html_anchor("test", t.id)) + "\" data-outcome=\"" + o + "\" data-chapter=\"" +
             esc(t.chapter) + "\"><td><code>" + esc(t.id) + "</code></td><td>" + esc(t.chapter) + "</td><td>";
        for (const auto &id : t.rules) h += "<a href=\"#" + esc(html_anchor("rule", id)) + "\"><code>" + esc(id) + "</code></a> ";
        h += "</td><td>" + badge(res.outcome, o);
        if (!is_acceptable(res.outcome) || res.outcome == Outcome::XFail)
            h += " <a href=\"#" + esc(html_anchor("detail", t.id)) + "\">details</a>";
        h += "</td><td class=\"num\">" + ms_text(wall_of(res)) + "</td><td>" + esc(std::string(first_line(res.message))) +
             "</td></tr>\n";
    }
    h += "</tbody></table>\n";

    // --- drill-down for every test that did not pass as it should
    h += "<h2 id=\"failures\">Failures</h2>\n";
    int nfail = 0;
    for (const auto &res : r.results) {
        if (is_acceptable(res.outcome) && res.outcome != Outcome::XFail) continue;
        ++nfail;
        const TestCase &t = (*r.tests)[res.test];
        std::string reproduce, out_tail;
        for (const auto &a : res.attempts) {
            if (reproduce.empty()) reproduce = a.reproduce;
            if (out_tail.empty()) out_tail = a.output_tail;
        }
        h += "<section class=\"failure" + std::string(res.outcome == Outcome::XFail ? " xfail" : "") + "\" id=\"" +
             esc(html_anchor("detail", t.id)) + "\"><h3>" + badge(res.outcome, std::string(outcome_name(res.outcome))) +
             " <code>" + esc(t.id) + "</code></h3>\n";
        h += "<p>rules: ";
        for (const auto &id : t.rules) h += "<a href=\"#" + esc(html_anchor("rule", id)) + "\"><code>" + esc(id) + "</code></a> ";
        h += " · " + esc(t.file) + ":" + std::to_string(t.line) + "</p>\n";
        if (res.expected)
            h += "<p>expected " + esc(std::string(outcome_name(res.expected->outcome))) + ": " + esc(res.expected->reason) + "</p>\n";
        h += "<pre class=\"message\">" + esc(res.message) + "</pre>\n";
        h += "<p>Rerun in isolation:</p><pre class=\"rerun\"><code>" + esc(rerun_command(r, t, reproduce)) + "</code></pre>\n";
        if (!reproduce.empty()) h += "<p>RapidCheck: <code>RC_PARAMS=\"reproduce=" + esc(reproduce) + "\"</code></p>\n";
        if (res.attempts.size() > 1) {
            h += "<p>attempts:";
            for (const auto &a : res.attempts) h += " " + badge(a.outcome, std::string(outcome_name(a.outcome)));
            h += "</p>\n";
        }
        if (!out_tail.empty()) h += "<details><summary>output (last lines)</summary><pre>" + esc(out_tail) + "</pre></details>\n";
        h += "</section>\n";
    }
    if (nfail == 0) h += "<p>None.</p>\n";

    if (!r.stale.empty()) {
        h += "<h2 id=\"stale\">Stale expectations</h2>\n<p>These entries of " + esc(r.expectations_path) +
             " match no test (an error):</p><ul>\n";
        for (const auto &e : r.stale)
            h += "<li>line " + std::to_string(e.line) + ": <code>" + esc(e.pattern) + "</code> " +
                 esc(std::string(outcome_name(e.outcome))) + " — " + esc(e.reason) + "</li>\n";
        h += "</ul>\n";
    }
    h += "<script>" + std::string(kScript) + "</script>\n</body>\n</html>\n";
    return h;
}

}  // namespace nke::runner

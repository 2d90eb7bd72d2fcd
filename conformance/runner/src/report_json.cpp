#include "report_json.hpp"

#include "json.hpp"

namespace nke::runner {
namespace {

void counts(JsonWriter &w, const Counts &c) {
    w.begin_object();
    w.field("total", c.total).field("passed", c.passed).field("failed", c.failed).field("skipped", c.skipped);
    for (Outcome o : kAllOutcomes) w.field(outcome_name(o), c[o]);
    w.end_object();
}

}  // namespace

std::string json_report(const RunReport &r, const Summary &s, const Coverage &c) {
    JsonWriter w;
    w.begin_object();
    w.field("schema_version", kJsonSchemaVersion);

    w.key("suite").begin_object();
    w.field("name", "OpenNKE conformance suite");
    w.field("version", r.suite_version);
    w.field("git_revision", r.git_revision);
    w.field("abi_version", std::to_string(r.abi_major) + "." + std::to_string(r.abi_minor));
    w.key("binaries").begin_array();
    for (const auto &b : r.suites) w.value(b);
    w.end_array();
    w.field("module_dir", r.module_dir);
    w.field("rules", r.rules ? r.rules->path() : "");
    w.end_object();

    w.key("implementation").begin_object();
    w.field("path", r.impl.path).field("name", r.impl.name).field("version", r.impl.version);
    w.field("slug", r.impl.slug);
    w.field("abi_version", std::to_string(r.impl.abi_major) + "." + std::to_string(r.impl.abi_minor));
    w.field("harness_size", static_cast<int64_t>(r.impl.harness_size));
    w.key("missing_symbols").begin_array();
    for (const auto &m : r.missing_symbols) w.value(m);
    w.end_array();
    w.key("hooks").begin_array();
    w.value("get_counters");
    for (const auto &h : r.impl.hooks) w.value(h);
    w.end_array();
    w.end_object();

    w.key("run").begin_object();
    w.field("isolation", r.isolation == Isolation::Process ? "process" : "batch");
    w.field("jobs", r.jobs);
    w.field("timeout_s", r.timeout_s);
    w.field("timeout_multiplier", r.multiplier);
    if (r.shard_count > 0) w.field("shard", std::to_string(r.shard_index) + "/" + std::to_string(r.shard_count));
    else w.key("shard").null();
    w.field("shuffle", r.shuffle);
    if (r.shuffle) w.field("seed", r.seed);
    else w.key("seed").null();
    w.field("repeat", r.repeat);
    w.key("filters").begin_array();
    for (const auto &f : r.filters) w.value(f);
    w.end_array();
    if (r.expectations_path.empty()) w.key("expectations").null();
    else w.field("expectations", r.expectations_path);
    w.field("started_at", r.started_at).field("duration_ms", r.duration_ms).field("host", r.host);
    w.field("processes", r.stats.processes).field("batch_restarts", r.stats.batch_restarts);
    w.field("interrupted", r.interrupted);
    w.end_object();

    w.key("summary").begin_object();
    w.key("counts");
    counts(w, s.all);
    w.key("raw_conformance").begin_object();
    w.field("passed", s.raw_passed).field("judged", s.raw_judged);
    w.field("percent", s.raw_judged ? 100.0 * s.raw_passed / s.raw_judged : 0.0);
    w.end_object();
    w.key("with_expectations").begin_object();
    w.field("passed", s.exp_passed).field("judged", s.raw_judged);
    w.field("percent", s.raw_judged ? 100.0 * s.exp_passed / s.raw_judged : 0.0);
    w.end_object();
    w.key("chapters").begin_array();
    for (const auto &ch : s.chapters) {
        w.begin_object();
        w.field("chapter", ch.chapter).field("title", ch.title);
        w.key("counts");
        counts(w, ch.counts);
        w.end_object();
    }
    w.end_array();
    w.end_object();

    w.key("stale_expectations").begin_array();
    for (const auto &e : r.stale) {
        w.begin_object();
        w.field("line", e.line).field("pattern", e.pattern).field("outcome", outcome_name(e.outcome));
        w.field("reason", e.reason);
        w.end_object();
    }
    w.end_array();

    w.key("rules").begin_object();
    w.field("catalogued", static_cast<int64_t>(r.rules ? r.rules->rules().size() : 0));
    for (const auto &[key, list] : {std::pair<const char *, const std::vector<std::string> *>{"must_untested", &c.must_untested},
                                    {"must_without_pass", &c.must_without_pass},
                                    {"unknown", &c.unknown}}) {
        w.key(key).begin_array();
        for (const auto &id : *list) w.value(id);
        w.end_array();
    }
    w.key("status").begin_object();
    for (const auto &row : c.rows) w.field(row.id, rule_status_name(row.status));
    w.end_object();
    w.end_object();

    w.key("tests").begin_array();
    for (const auto &res : r.results) {
        const TestCase &t = (*r.tests)[res.test];
        w.begin_object();
        w.field("id", t.id).field("binary", t.binary).field("chapter", t.chapter);
        w.key("rules").begin_array();
        for (const auto &id : t.rules) w.value(id);
        w.end_array();
        w.field("file", t.file).field("line", t.line);
        w.field("outcome", outcome_name(res.outcome));
        w.field("raw_outcome", outcome_name(res.raw));
        if (res.expected) {
            w.key("expected").begin_object();
            w.field("outcome", outcome_name(res.expected->outcome)).field("reason", res.expected->reason);
            w.field("pattern", res.expected->pattern).field("line", res.expected->line);
            w.end_object();
        } else {
            w.key("expected").null();
        }
        int64_t wall = 0;
        for (const auto &a : res.attempts) wall += a.wall_ms;
        w.field("duration_ms", wall);
        w.field("message", res.message);
        std::string tail_text, reproduce;
        for (const auto &a : res.attempts) {
            if (tail_text.empty()) tail_text = a.output_tail;
            if (reproduce.empty()) reproduce = a.reproduce;
        }
        w.field("stderr_tail", tail_text);
        w.field("rerun", rerun_command(r, t, reproduce));
        if (reproduce.empty()) w.key("reproduce").null();
        else w.field("reproduce", reproduce);
        w.key("attempts").begin_array();
        for (const auto &a : res.attempts) {
            w.begin_object();
            w.field("outcome", outcome_name(a.outcome)).field("wall_ms", a.wall_ms).field("test_ms", a.test_ms);
            w.field("message", a.message);
            w.end_object();
        }
        w.end_array();
        w.end_object();
    }
    w.end_array();
    w.end_object();
    return w.str();
}

}  // namespace nke::runner

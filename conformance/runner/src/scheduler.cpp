#include "scheduler.hpp"

#include "classify.hpp"
#include "process.hpp"
#include "records.hpp"
#include "text.hpp"

#include <sys/stat.h>
#include <sys/wait.h>

#include <algorithm>
#include <deque>
#include <filesystem>
#include <map>
#include <optional>
#include <set>

namespace fs = std::filesystem;

namespace nke::runner {

double test_timeout(const TestCase &t, const SchedulerConfig &cfg) {
    const double base = t.timeout_s > 0 ? t.timeout_s : cfg.default_timeout_s;
    return base * cfg.multiplier;
}

std::string output_of_test(std::string_view output, const std::string &gtest_name) {
    const std::string run = "[ RUN      ] " + gtest_name + "\n";
    const size_t start = output.find(run);
    if (start == std::string_view::npos) return {};
    size_t end = output.size();
    for (const std::string &closer : {"[       OK ] " + gtest_name, "[  FAILED  ] " + gtest_name,
                                      "[  SKIPPED ] " + gtest_name}) {
        const size_t p = output.find(closer, start);
        if (p != std::string_view::npos) {
            const size_t nl = output.find('\n', p);
            end = std::min(end, nl == std::string_view::npos ? output.size() : nl + 1);
        }
    }
    // A test that never closed (it crashed) runs to the next test or the end.
    const size_t next = output.find("[ RUN      ] ", start + run.size());
    if (next != std::string_view::npos) end = std::min(end, next);
    return std::string(output.substr(start, end - start));
}

namespace {

constexpr size_t kTailLines = 60;
constexpr size_t kTailBytes = 8000;
constexpr size_t kMaxOutputRead = 4 << 20;  // keep the last 4 MiB of a chatty process

struct Running {
    pid_t pid = -1;
    std::vector<WorkItem> items;   // one in process mode
    std::string scratch, result_path, output_path;
    Clock::time_point started;
    Clock::time_point deadline;
    bool killed = false;           // by the watchdog
    double current_timeout = 0;
    // batch mode progress
    off_t result_size = 0;
    std::set<std::string> seen_start, seen_finish;
    bool restart = false;          // this process continues a crashed batch
};

class Scheduler {
public:
    Scheduler(const std::vector<TestCase> &tests, const TestEnvironment &env, const SchedulerConfig &cfg,
              const ProgressFn &progress, SchedulerStats *stats)
        : tests_(tests), env_(env), cfg_(cfg), progress_(progress), stats_(stats) {}

    std::vector<Executed> run(const std::vector<WorkItem> &work) {
        make_queue(work);
        while (!queue_.empty() || !running_.empty()) {
            if (interrupted()) {
                abort_all();
                break;
            }
            while (!queue_.empty() && static_cast<int>(running_.size()) < cfg_.jobs) {
                auto [items, restart] = std::move(queue_.front());
                queue_.pop_front();
                start(std::move(items), restart);
            }
            std::optional<Clock::time_point> wake;
            for (const auto &[pid, r] : running_) {
                if (!r.killed && (!wake || r.deadline < *wake)) wake = r.deadline;
            }
            // Batch processes are polled for progress a few times a second.
            if (cfg_.isolation == Isolation::Batch && !running_.empty()) {
                const auto poll = Clock::now() + std::chrono::milliseconds(200);
                if (!wake || poll < *wake) wake = poll;
            }
            for (const Exited &ex : wait_children(wake)) finish(ex.pid, ex.status);
            const auto now = Clock::now();
            for (auto &[pid, r] : running_) {
                if (cfg_.isolation == Isolation::Batch) poll_progress(r, now);
                if (!r.killed && now >= r.deadline) {
                    kill_group(pid);
                    r.killed = true;
                }
            }
        }
        return std::move(done_);
    }

private:
    using Batch = std::pair<std::vector<WorkItem>, bool>;

    void make_queue(const std::vector<WorkItem> &work) {
        if (cfg_.isolation == Isolation::Process) {
            for (const auto &w : work) queue_.push_back({{w}, false});
            return;
        }
        // Batch mode: one process runs tests of one binary and one repetition.
        std::map<std::pair<std::string, int>, std::vector<WorkItem>> groups;
        std::vector<std::pair<std::string, int>> order;
        for (const auto &w : work) {
            const auto key = std::make_pair(tests_[w.test].binary, w.repetition);
            if (!groups.count(key)) order.push_back(key);
            groups[key].push_back(w);
        }
        for (const auto &key : order) {
            const auto &items = groups[key];
            size_t size = static_cast<size_t>(cfg_.batch_size);
            if (size == 0) {
                // Enough batches to keep every job busy, small enough that a
                // crash costs little.
                size = std::clamp<size_t>((items.size() + 4 * static_cast<size_t>(cfg_.jobs) - 1) /
                                              (4 * static_cast<size_t>(cfg_.jobs)),
                                          1, 100);
            }
            for (size_t i = 0; i < items.size(); i += size) {
                queue_.push_back({std::vector<WorkItem>(items.begin() + static_cast<std::ptrdiff_t>(i),
                                                        items.begin() + static_cast<std::ptrdiff_t>(std::min(items.size(), i + size))),
                                  false});
            }
        }
    }

    void start(std::vector<WorkItem> items, bool restart) {
        Running r;
        r.items = std::move(items);
        r.restart = restart;
        r.scratch = cfg_.tmp_root + "/t" + std::to_string(seq_++);
        const std::string work_dir = r.scratch + "/work";
        std::error_code ec;
        fs::create_directories(work_dir, ec);
        r.result_path = r.scratch + "/result";
        r.output_path = r.scratch + "/output";

        const TestCase &first = tests_[r.items.front().test];
        SpawnSpec spec;
        spec.argv = {first.binary};
        std::string filter = "--gtest_filter=";
        for (size_t i = 0; i < r.items.size(); ++i) filter += (i ? ":" : "") + tests_[r.items[i].test].gtest_name;
        spec.argv.push_back(filter);
        spec.argv.push_back("--gtest_color=no");
        if (cfg_.isolation == Isolation::Batch && cfg_.shuffle) {
            spec.argv.push_back("--gtest_shuffle");
            spec.argv.push_back("--gtest_random_seed=" + std::to_string(1 + (cfg_.seed + seq_) % 99999));
        }
        spec.env = env_.for_process(work_dir, r.result_path);
        spec.cwd = work_dir;
        spec.stdout_path = r.output_path;

        r.current_timeout = test_timeout(first, cfg_);
        r.started = Clock::now();
        r.deadline = r.started + to_duration(r.current_timeout);
        std::string err;
        r.pid = spawn(spec, &err);
        if (stats_) {
            ++stats_->processes;
            if (restart) ++stats_->batch_restarts;
        }
        if (r.pid < 0) {
            for (const auto &w : r.items) {
                Attempt a;
                a.outcome = Outcome::Broken;
                a.message = "cannot start the test process: " + err;
                record(w, std::move(a));
            }
            cleanup(r);
            return;
        }
        running_.emplace(r.pid, std::move(r));
    }

    static Clock::duration to_duration(double s) {
        return std::chrono::duration_cast<Clock::duration>(std::chrono::duration<double>(s));
    }

    // Batch mode: follow the result file to restart the watchdog for every
    // test and to know which test is running.
    void poll_progress(Running &r, Clock::time_point now) {
        struct stat st {};
        if (::stat(r.result_path.c_str(), &st) != 0 || st.st_size == r.result_size) return;
        r.result_size = st.st_size;
        for (const Record &rec : parse_records(read_file(r.result_path))) {
            if (rec.start) {
                if (r.seen_start.insert(rec.test).second) {
                    for (const auto &w : r.items) {
                        if (tests_[w.test].gtest_name == rec.test) r.current_timeout = test_timeout(tests_[w.test], cfg_);
                    }
                    if (!r.killed) r.deadline = now + to_duration(r.current_timeout);
                }
            } else if (r.seen_finish.insert(rec.test).second && !r.killed) {
                r.deadline = now + to_duration(cfg_.default_timeout_s * cfg_.multiplier);
            }
        }
    }

    void finish(pid_t pid, int status) {
        const auto it = running_.find(pid);
        if (it == running_.end()) return;  // not ours
        Running r = std::move(it->second);
        running_.erase(it);
        kill_group(pid);  // strays the test left behind
        const auto wall = std::chrono::duration_cast<std::chrono::milliseconds>(Clock::now() - r.started).count();

        const std::vector<Record> records = parse_records(read_file(r.result_path));
        const std::string output = read_file(r.output_path, nullptr, kMaxOutputRead);
        ProcessEnd end;
        end.timed_out = r.killed;
        end.timeout_s = r.current_timeout;
        end.status = status;

        std::map<std::string, const Record *> finished;
        std::set<std::string> started;
        for (const Record &rec : records) {
            if (rec.start) started.insert(rec.test);
            else finished[rec.test] = &rec;
        }

        if (r.items.size() == 1 && cfg_.isolation == Isolation::Process) {
            const TestCase &t = tests_[r.items[0].test];
            const auto f = finished.find(t.gtest_name);
            Attempt a = classify(end, f == finished.end() ? nullptr : f->second, started.count(t.gtest_name) > 0, output);
            a.wall_ms = wall;
            if (a.outcome != Outcome::Pass) a.output_tail = tail(output, kTailLines, kTailBytes);
            record(r.items[0], std::move(a));
            cleanup(r);
            return;
        }
        finish_batch(r, end, records, finished, started, output, wall);
        cleanup(r);
    }

    void finish_batch(Running &r, const ProcessEnd &end, const std::vector<Record> &records,
                      const std::map<std::string, const Record *> &finished, const std::set<std::string> &started,
                      const std::string &output, int64_t wall) {
        // A sanitizer report inside a test's output belongs to that test; one
        // after gtest's closing summary (LeakSanitizer at exit) to nobody.
        const size_t summary_at = output.rfind("[==========] ");
        const bool exit_report = summary_at != std::string::npos &&
                                 find_sanitizer_report(std::string_view(output).substr(summary_at)).has_value();
        const bool clean_exit = !end.timed_out && WIFEXITED(end.status) &&
                                (WEXITSTATUS(end.status) == 0 || WEXITSTATUS(end.status) == 1) && !exit_report;
        // The test that was running when the process ended, if any.
        std::string current;
        for (const Record &rec : records) {
            if (rec.start && !finished.count(rec.test)) current = rec.test;
        }
        std::vector<WorkItem> rest;
        const bool none_started = started.empty();
        for (const auto &w : r.items) {
            const TestCase &t = tests_[w.test];
            const auto f = finished.find(t.gtest_name);
            const std::string own = output_of_test(output, t.gtest_name);
            if (f != finished.end()) {
                // Finished: the record decides, unless the process failed at
                // exit with no test running (then nobody can be blamed alone).
                ProcessEnd ok;
                Attempt a = classify(ok, f->second, true, own);
                a.wall_ms = f->second->duration_ms >= 0 ? f->second->duration_ms : 0;
                if (!clean_exit && current.empty() && a.outcome == Outcome::Pass) {
                    a.outcome = Outcome::Fail;
                    a.message = "batch mode: the process ended with " +
                                (end.timed_out ? std::string("a timeout") : describe_status(end.status)) +
                                " while no test was running (this test had passed); rerun with "
                                "--isolate=process to find the culprit";
                    a.output_tail = tail(output, kTailLines, kTailBytes);
                } else if (a.outcome != Outcome::Pass) {
                    a.output_tail = tail(own, kTailLines, kTailBytes);
                }
                record(w, std::move(a));
            } else if (t.gtest_name == current || (none_started && !clean_exit)) {
                // It was running when the process died or hung (or the
                // process died before any test: every test of it shares that).
                // Only its own output: an earlier test's sanitizer report
                // must not decide this test's result.
                Attempt a = classify(end, nullptr, !none_started, own.empty() ? std::string_view(output) : own);
                if (none_started) a.message += " (before any test of the batch started)";
                a.wall_ms = wall;
                a.output_tail = tail(own.empty() ? std::string_view(output) : std::string_view(own), kTailLines, kTailBytes);
                record(w, std::move(a));
            } else if (!clean_exit) {
                rest.push_back(w);
            } else {
                Attempt a;
                a.outcome = Outcome::Broken;
                a.message = "the suite binary exited without running this test";
                record(w, std::move(a));
            }
        }
        if (!rest.empty()) queue_.push_front({std::move(rest), true});
    }

    void abort_all() {
        for (auto &[pid, r] : running_) {
            kill_group(pid);
            wait_child(pid, Clock::now() + std::chrono::seconds(5));
            for (const auto &w : r.items) interrupted_item(w);
            cleanup(r);
        }
        running_.clear();
        for (auto &b : queue_) {
            for (const auto &w : b.first) interrupted_item(w);
        }
        queue_.clear();
    }

    void interrupted_item(const WorkItem &w) {
        Attempt a;
        a.outcome = Outcome::Skip;
        a.message = "not run: the run was interrupted";
        record(w, std::move(a));
    }

    void record(const WorkItem &w, Attempt a) {
        done_.push_back({w, std::move(a)});
        if (progress_) progress_(tests_[w.test], done_.back());
    }

    void cleanup(const Running &r) {
        if (cfg_.keep_temp) return;
        std::error_code ec;
        fs::remove_all(r.scratch, ec);
    }

    const std::vector<TestCase> &tests_;
    const TestEnvironment &env_;
    const SchedulerConfig &cfg_;
    const ProgressFn &progress_;
    SchedulerStats *stats_;
    std::deque<Batch> queue_;
    std::map<pid_t, Running> running_;
    std::vector<Executed> done_;
    uint64_t seq_ = 0;
};

}  // namespace

std::vector<Executed> run_tests(const std::vector<TestCase> &tests, const std::vector<WorkItem> &work,
                                const TestEnvironment &env, const SchedulerConfig &cfg,
                                const ProgressFn &progress, SchedulerStats *stats) {
    Scheduler s(tests, env, cfg, progress, stats);
    return s.run(work);
}

}  // namespace nke::runner

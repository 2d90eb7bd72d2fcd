// A small parallel state-machine harness for RapidCheck
// (QuickCheck-state-machine style; RapidCheck itself has none).
//
// A case is a sequential prefix followed by 2 or 3 short branches.  The
// prefix runs on the main thread and must agree with the model step by
// step.  The branches then run at the same time, one thread each, against
// the same stack (the threads are released together).  The results are
// checked afterwards, on the main thread: the case passes when SOME
// interleaving of the branches (each branch keeping its own order) gives,
// in the model, every result that was observed, and ends in a model state
// whose expected observation equals the stack's (CONC-THREAD-001: "the
// result is one that some serial order of the concurrent calls could have
// produced").  Worker threads never call RC_ASSERT: they only record.
//
// Scheduling is not deterministic, so every case runs a few times, and once
// a property has failed in this process (RapidCheck is then shrinking), each
// candidate runs more often; it fails if any run is unexplained, so a shrink
// candidate that fails only now and then is not dropped by bad luck.
//
// A Spec provides:
//   using Model, Cmd, Result, Obs, Sut;            (Model, Result, Obs copyable;
//                                                    Result and Obs with ==)
//   Model initial() const;
//   Cmd gen(const Model &, const std::string &name) const;
//                    // draws with *rc::gen::...; name: a unique name for
//                    // whatever the command creates
//   Result step(Model &, const Cmd &) const;        // total: every state
//   void prepare(Sut &, const std::vector<Cmd> &all) const;  // before threads start
//   Result run(Sut &, const Cmd &) const;           // thread-safe against the other branches
//   Obs observe(Sut &) const;                       // after the threads joined
//   Obs expect(const Model &) const;
//   std::string show(const Cmd &) const, show(const Result &) const, show(const Obs &) const;
// and optionally
//   bool explains(const Result &model, const Result &got,
//                 const std::vector<const Cmd *> &concurrent) const;
//                    // a result that differs from the model's but is allowed
//                    // because of commands running at the same time
#pragma once

#include <rapidcheck.h>

#include <atomic>
#include <cstdio>
#include <exception>
#include <functional>
#include <memory>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

namespace nke::prop {

struct ParallelLimits {
    int max_prefix = 4;
    int min_branches = 2, max_branches = 3;
    int max_branch_len = 3;
    int runs = 3;                    // each case runs this often (more schedules seen)
    int retries_after_failure = 6;   // ... and this often once the property failed
};

namespace parallel_detail {

template <class Spec>
struct Run {
    std::vector<typename Spec::Result> prefix;
    std::vector<std::vector<typename Spec::Result>> branches;
    typename Spec::Obs obs{};
    std::string error;  // a worker thread caught an exception
};

// A result fits the model's when it is equal, or when the Spec says that the
// concurrent commands (those of the other threads) explain the difference
// (optional: bool explains(const Result &model, const Result &got,
// const std::vector<const Cmd *> &concurrent) const).
template <class Spec>
bool result_fits(const Spec &spec, const typename Spec::Result &model, const typename Spec::Result &got,
                 const std::vector<std::vector<typename Spec::Cmd>> &branches, size_t self) {
    if (model == got) return true;
    if constexpr (requires(const std::vector<const typename Spec::Cmd *> &c) { spec.explains(model, got, c); }) {
        std::vector<const typename Spec::Cmd *> concurrent;
        for (size_t b = 0; b < branches.size(); ++b)
            if (b != self)
                for (const auto &c : branches[b]) concurrent.push_back(&c);
        return spec.explains(model, got, concurrent);
    }
    return false;
}

// Depth-first search over the interleavings.
template <class Spec>
bool explain(const Spec &spec, const typename Spec::Model &m,
             const std::vector<std::vector<typename Spec::Cmd>> &branches,
             const std::vector<std::vector<typename Spec::Result>> &got, std::vector<size_t> &pos,
             const typename Spec::Obs &obs, std::vector<int> &order, std::vector<int> &best_order,
             std::string &best_obs) {
    bool done = true;
    for (size_t b = 0; b < branches.size(); ++b) {
        if (pos[b] == branches[b].size()) continue;
        done = false;
        typename Spec::Model next = m;
        const auto r = spec.step(next, branches[b][pos[b]]);
        if (!result_fits(spec, r, got[b][pos[b]], branches, b)) continue;
        ++pos[b];
        order.push_back(static_cast<int>(b));
        const bool ok = explain(spec, next, branches, got, pos, obs, order, best_order, best_obs);
        order.pop_back();
        --pos[b];
        if (ok) return true;
    }
    if (!done) return false;
    const auto want = spec.expect(m);
    if (want == obs) return true;
    if (best_order.empty()) {
        best_order = order;
        best_obs = spec.show(want);
    }
    return false;
}

}  // namespace parallel_detail

template <class Spec>
void check_parallel(const Spec &spec, const ParallelLimits &lim = {}) {
    using Cmd = typename Spec::Cmd;
    static std::atomic<bool> failed_before{false};
    // The first failure is also written to stderr as it happens: with
    // scheduling in play, the shrunk case may not fail again when RapidCheck
    // replays it for its report.
    auto fail = [&](const std::string &msg) {
        if (!failed_before.exchange(true)) std::fprintf(stderr, "first failing run: %s\n", msg.c_str());
        RC_FAIL(msg);
    };

    // Generate: the prefix from the initial model, every branch from the
    // model after the prefix (its commands must make sense in any order).
    typename Spec::Model m = spec.initial();
    std::vector<Cmd> prefix;
    const int np = *rc::gen::inRange(0, lim.max_prefix + 1).as("prefix length");
    for (int k = 0; k < np; ++k) {
        prefix.push_back(spec.gen(m, "p" + std::to_string(k)));
        (void)spec.step(m, prefix.back());
    }
    const typename Spec::Model after_prefix = m;
    std::vector<std::vector<Cmd>> branches(
        static_cast<size_t>(*rc::gen::inRange(lim.min_branches, lim.max_branches + 1).as("threads")));
    for (size_t b = 0; b < branches.size(); ++b) {
        const int n = *rc::gen::inRange(1, lim.max_branch_len + 1).as("thread length");
        for (int k = 0; k < n; ++k)
            branches[b].push_back(spec.gen(after_prefix, std::string(1, static_cast<char>('a' + b)) + std::to_string(k)));
    }
    std::vector<Cmd> all = prefix;
    for (const auto &br : branches) all.insert(all.end(), br.begin(), br.end());

    auto describe = [&](const parallel_detail::Run<Spec> *run) {
        std::ostringstream os;
        os << "prefix:";
        for (size_t k = 0; k < prefix.size(); ++k) {
            os << "\n    " << spec.show(prefix[k]);
            if (run && k < run->prefix.size()) os << " -> " << spec.show(run->prefix[k]);
        }
        for (size_t b = 0; b < branches.size(); ++b) {
            os << "\n  thread " << static_cast<char>('a' + b) << ":";
            for (size_t k = 0; k < branches[b].size(); ++k) {
                os << "\n    " << spec.show(branches[b][k]);
                if (run && k < run->branches[b].size()) os << " -> " << spec.show(run->branches[b][k]);
            }
        }
        if (run) os << "\n  final state observed: " << spec.show(run->obs);
        return os.str();
    };
    RC_LOG() << describe(nullptr) << "\n";

    const int attempts = failed_before.load() ? lim.retries_after_failure : lim.runs;
    for (int attempt = 0; attempt < attempts; ++attempt) {
        parallel_detail::Run<Spec> run;
        run.branches.resize(branches.size());
        {
            typename Spec::Sut sut;
            spec.prepare(sut, all);
            // The prefix, checked step by step.
            typename Spec::Model pm = spec.initial();
            for (const Cmd &c : prefix) {
                const auto want = spec.step(pm, c);
                run.prefix.push_back(spec.run(sut, c));
                if (!(run.prefix.back() == want)) {
                    fail("the sequential prefix disagrees with the model at " + spec.show(c) + ": got " +
                            spec.show(run.prefix.back()) + ", the model expects " + spec.show(want) + "\n  " +
                            describe(&run));
                }
            }
            // The branches, all released at once.
            std::atomic<int> ready{0};
            std::atomic<bool> go{false};
            std::vector<std::thread> threads;
            std::vector<std::string> errors(branches.size());
            for (size_t b = 0; b < branches.size(); ++b) {
                threads.emplace_back([&, b] {
                    ready.fetch_add(1);
                    while (!go.load(std::memory_order_acquire)) std::this_thread::yield();
                    try {
                        for (const Cmd &c : branches[b]) run.branches[b].push_back(spec.run(sut, c));
                    } catch (const std::exception &e) {
                        errors[b] = e.what();
                    } catch (...) {
                        errors[b] = "an exception";
                    }
                });
            }
            while (ready.load() < static_cast<int>(branches.size())) std::this_thread::yield();
            go.store(true, std::memory_order_release);
            for (auto &t : threads) t.join();
            for (const auto &e : errors)
                if (!e.empty()) run.error = e;
            if (!run.error.empty()) {
                fail("a command threw on a worker thread: " + run.error + "\n  " + describe(&run));
            }
            run.obs = spec.observe(sut);
        }  // the Sut releases everything here
        std::vector<size_t> pos(branches.size(), 0);
        std::vector<int> order, best_order;
        std::string best_obs;
        if (!parallel_detail::explain(spec, after_prefix, branches, run.branches, pos, run.obs, order, best_order,
                                      best_obs)) {
            std::string msg = "no serial order of the threads' calls explains what they observed (CONC-THREAD-001)";
            if (attempts > 1) msg += " [attempt " + std::to_string(attempt + 1) + " of " + std::to_string(attempts) + "]";
            msg += "\n  " + describe(&run);
            if (!best_order.empty()) {
                msg += "\n  every result fits the serial order ";
                for (int b : best_order) msg += static_cast<char>('a' + b);
                msg += ", whose final state would be: " + best_obs;
            }
            fail(msg);
        }
    }
}

}  // namespace nke::prop

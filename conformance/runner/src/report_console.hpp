// The console: a progress line while tests run (rewritten in place on a
// terminal, one plain line per test otherwise), then the per-chapter summary
// that ends with the exact line "N passed, N failed, N skipped".
#pragma once

#include "report_model.hpp"

#include <cstdio>
#include <string>

namespace nke::runner {

class ConsoleReporter {
public:
    ConsoleReporter(std::FILE *out, bool tty, bool color, bool quiet, size_t total);

    // One finished test (outcome after expectations).
    void progress(const TestCase &t, Outcome shown, const Attempt &a);
    // Clear the progress line before other output.
    void clear_line();
    void summary(const RunReport &r, const Summary &s, const std::vector<std::string> &report_files);

private:
    std::string paint(Outcome o, const std::string &text) const;
    std::FILE *out_;
    bool tty_, color_, quiet_;
    size_t total_, done_ = 0, bad_ = 0;
    bool line_open_ = false;
};

}  // namespace nke::runner

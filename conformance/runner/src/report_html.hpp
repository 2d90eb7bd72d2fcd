// report.html: one static, self-contained page (no external files, works
// from file://).  The rule-by-rule matrix (chapter -> rule -> tests -> result)
// with each rule's text, rule coverage (MUST rules without a test or without
// a passing test highlighted), per-chapter pass rates, filters, and for every
// failing test the one-line command that reruns it in isolation.  The page
// is complete without JavaScript; the script only adds the filters and marks
// <body data-ready="yes"> when it ran.
#pragma once

#include "report_model.hpp"

#include <string>

namespace nke::runner {

std::string html_report(const RunReport &r, const Summary &s, const Coverage &c);

// "test-Suite.Name" made safe for an id attribute.
std::string html_anchor(std::string_view prefix, std::string_view id);

}  // namespace nke::runner

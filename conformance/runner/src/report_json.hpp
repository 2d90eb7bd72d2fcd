// results.json: the machine-readable report.  schema_version changes only
// when a field changes meaning (README.md, "JSON report").
#pragma once

#include "report_model.hpp"

#include <string>

namespace nke::runner {

inline constexpr int kJsonSchemaVersion = 1;

std::string json_report(const RunReport &r, const Summary &s, const Coverage &c);

}  // namespace nke::runner

// JUnit XML: one <testsuite> per spec chapter, one <testcase> per test with
// its rule IDs, outcome and rerun command as <properties>.  FAIL and XPASS
// are <failure>, CRASH, TIMEOUT and BROKEN are <error>, SKIP, NOT_SUPPORTED
// and XFAIL are <skipped> with the reason (an expected failure is not
// recorded as a pass).
#pragma once

#include "report_model.hpp"

#include <string>

namespace nke::runner {

std::string junit_xml(const RunReport &r, const Summary &s);

}  // namespace nke::runner

// Command-line options of nke-conformance.
#pragma once

#include <optional>
#include <string>
#include <vector>

namespace nke::runner {

enum class Isolation { Process, Batch };

struct Options {
    std::string impl;                     // empty: the reference
    std::string impl_name;                // override for the expectations file name
    bool allow_missing = false;           // judge a partial implementation
    std::vector<std::string> suites;      // empty: the default suite binaries
    std::string module_dir;               // empty: the default
    std::string rules;                    // empty: the default
    std::vector<std::string> filters;     // globs; a leading '-' excludes
    bool list = false;
    Isolation isolation = Isolation::Process;
    int batch_size = 0;                   // 0: automatic
    int jobs = 0;                         // 0: number of online CPUs
    double timeout_s = 10.0;
    std::optional<double> timeout_multiplier;  // unset: $NKE_TIMEOUT_MULTIPLIER or 1
    int shard_index = 0;                  // 1-based; 0 = no sharding
    int shard_count = 0;
    bool shuffle = false;
    std::optional<uint64_t> seed;
    int repeat = 1;
    std::string expectations;             // empty: default; "none": no file
    bool update_expectations = false;
    std::string report_dir = "nke-conformance-report";
    bool keep_temp = false;
    bool quiet = false;
    bool color = false;                   // decided from the terminal unless forced
    std::optional<bool> color_forced;
    bool help = false;
    bool version = false;
};

// Parse argv.  On a usage error, returns std::nullopt and sets *error.
std::optional<Options> parse_options(int argc, char **argv, std::string *error);

// The --help text.
std::string help_text();

}  // namespace nke::runner

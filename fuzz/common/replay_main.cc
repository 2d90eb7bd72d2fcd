// The replay main() of every fuzz target, for builds without libFuzzer (g++
// in the default, asan and coverage presets; clang in tsan).  It runs
// LLVMFuzzerTestOneInput once per input, like the OSS-Fuzz
// standalone_fuzz_target_runner:
//
//   replay_<target> [--print] [--make-seeds DIR] PATH...
//
// - each PATH is a file, or a directory read recursively in sorted order
//   (files whose name starts with '.' are skipped: .gitkeep);
// - every input is read into a heap buffer of exactly its size, so
//   AddressSanitizer reports any over-read;
// - --print decodes each input as a readable list of ABI calls (the same as
//   NKE_FUZZ_PRINT=1), so a crasher can be read without a debugger;
// - --make-seeds DIR asks the target to write its scripted seed inputs to DIR
//   (targets define NkeFuzzWriteSeeds);
// - libFuzzer-style flags (-runs=0, -timeout=...) are accepted and ignored;
// - the exit status is 1 when no input was replayed: an empty corpus is a
//   configuration error, never a green test.
#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <memory>
#include <string>
#include <vector>

#include "fuzz_common.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
extern "C" __attribute__((weak)) int LLVMFuzzerInitialize(int *argc, char ***argv);
extern "C" __attribute__((weak)) int NkeFuzzWriteSeeds(const char *dir);

namespace fs = std::filesystem;

namespace {

void collect(const fs::path &p, std::vector<fs::path> &out) {
    std::error_code ec;
    if (fs::is_directory(p, ec)) {
        std::vector<fs::path> entries;
        for (const auto &e : fs::directory_iterator(p, ec)) entries.push_back(e.path());
        std::sort(entries.begin(), entries.end());
        for (const auto &e : entries) {
            if (e.filename().string().rfind('.', 0) == 0) continue;
            collect(e, out);
        }
    } else if (fs::is_regular_file(p, ec)) {
        out.push_back(p);
    } else {
        std::fprintf(stderr, "replay: cannot read %s\n", p.c_str());
    }
}

bool run_one(const fs::path &p) {
    std::ifstream in(p, std::ios::binary);
    if (!in) {
        std::fprintf(stderr, "replay: cannot open %s\n", p.c_str());
        return false;
    }
    std::vector<char> bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    // Exactly sized: a read one past the end is a heap-buffer-overflow.
    std::unique_ptr<uint8_t[]> buf(new uint8_t[bytes.size() ? bytes.size() : 1]);
    std::memcpy(buf.get(), bytes.data(), bytes.size());
    std::fprintf(stderr, "Running: %s (%zu bytes)\n", p.c_str(), bytes.size());
    LLVMFuzzerTestOneInput(buf.get(), bytes.size());
    return true;
}

}  // namespace

int main(int argc, char **argv) {
    std::vector<fs::path> paths;
    const char *seed_dir = nullptr;
    for (int i = 1; i < argc; ++i) {
        const std::string a = argv[i];
        if (a == "--print") {
            nke::fuzz::set_print_enabled(true);
        } else if (a == "--make-seeds" && i + 1 < argc) {
            seed_dir = argv[++i];
        } else if (a == "-h" || a == "--help") {
            std::printf("usage: %s [--print] [--make-seeds DIR] FILE|DIR...\n", argv[0]);
            return 0;
        } else if (a.size() > 1 && a[0] == '-') {
            std::fprintf(stderr, "replay: ignoring option %s\n", a.c_str());
        } else {
            paths.emplace_back(a);
        }
    }
    if (LLVMFuzzerInitialize) LLVMFuzzerInitialize(&argc, &argv);
    if (seed_dir) {
        if (!NkeFuzzWriteSeeds) {
            std::fprintf(stderr, "replay: this target has no scripted seeds\n");
            return 2;
        }
        std::error_code ec;
        fs::create_directories(seed_dir, ec);
        return NkeFuzzWriteSeeds(seed_dir);
    }
    std::vector<fs::path> files;
    for (const auto &p : paths) collect(p, files);
    size_t n = 0;
    for (const auto &f : files) n += run_one(f) ? 1 : 0;
    std::fprintf(stderr, "replayed %zu inputs\n", n);
    return n == 0 ? 1 : 0;
}

// etrun's command line (runner-contract.md "Command line").
#pragma once
#include <stdint.h>

#include <string>
#include <vector>

namespace etb {
namespace runner {

struct Options {
  std::string program;
  std::string method;  // empty: forward or the only method
  std::string kernels = "portable";
  std::vector<std::string> backends;
  bool backends_given = false;
  int threads = 1;
  int warmup = 3;
  int iterations = 20;
  double min_seconds = 0;
  // Validation only (bench/regressions.mjs): busy-wait after each execute for this percent of
  // its own time, a known proportional slowdown. Recorded in the JSON config.
  double inject_slowdown_pct = 0;
  std::string inputs;  // empty: bundled for .bpte, random:0 otherwise
  int case_index = 0;
  double rtol = 1e-5;
  double atol = 1e-8;
  std::string data;
  bool profile = false;
  bool print_outputs = false;
  std::string json_path;
  bool capabilities = false;
  bool version = false;
  bool help = false;
};

// Parses argv; on a usage error returns false with a message naming the flag.
bool parse_options(int argc, char** argv, Options* out, std::string* error);

}  // namespace runner
}  // namespace etb

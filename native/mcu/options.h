// The firmware's command line: the subset of etrun's flags that make sense
// on a microcontroller (runner-contract.md "Command line"), read from the
// semihosting command line QEMU passes (`-semihosting-config arg=...`).
#pragma once
#include <stdint.h>

namespace mcu {

struct Options {
  const char* method = nullptr;  // null: forward or the only method
  const char* inputs = nullptr;  // null: bundled for .bpte, random:0 otherwise
  const char* json_path = nullptr;  // null: standard output
  int case_index = 0;
  int warmup = 0;
  int iterations = 1;
  double rtol = 1e-5;
  double atol = 1e-8;
  bool print_outputs = false;
};

// Parses the space-separated words in `line` (modified in place). On a usage
// error returns false and points `error` at a static message.
bool parse_options(char* line, Options* out, const char** error, const char** bad_word);

}  // namespace mcu

// The flags of etrun's two long-running modes, kept apart from options.cpp:
// --generate P,G and --prompt LIST (language models, runner/generate.h),
// --sustained SECONDS and --window SECONDS (runner/sustained.h).
#pragma once
#include <string>

#include "runner/options.h"

namespace etb {
namespace runner {

// Parses the value of one of the flags above into `o`; false with a message naming the flag.
bool parse_lm_option(const std::string& flag, const std::string& value, Options* o, std::string* error);
// Checks the combinations once every flag is read (--prompt needs --generate, ...).
bool check_lm_options(const Options& o, std::string* error);

}  // namespace runner
}  // namespace etb

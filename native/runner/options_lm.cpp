#include "runner/options_lm.h"

#include <errno.h>
#include <stdlib.h>

namespace etb {
namespace runner {
namespace {

// A whole decimal number in [min, max].
bool parse_long(const std::string& text, long long min, long long max, long long* out) {
  if (text.empty()) return false;
  char* end = nullptr;
  errno = 0;
  long long v = strtoll(text.c_str(), &end, 10);
  if (errno != 0 || *end != 0 || v < min || v > max) return false;
  *out = v;
  return true;
}

bool parse_seconds(const std::string& text, double* out) {
  if (text.empty()) return false;
  char* end = nullptr;
  double v = strtod(text.c_str(), &end);
  // A week is far beyond any sustained run; NaN fails the comparison.
  if (*end != 0 || !(v > 0) || v > 7 * 86400.0) return false;
  *out = v;
  return true;
}

// Splits on commas, keeping empty parts so "3,,4" is rejected rather than read as "3,4".
std::vector<std::string> split_all(const std::string& s) {
  std::vector<std::string> parts;
  size_t start = 0;
  for (;;) {
    size_t comma = s.find(',', start);
    if (comma == std::string::npos) {
      parts.push_back(s.substr(start));
      return parts;
    }
    parts.push_back(s.substr(start, comma - start));
    start = comma + 1;
  }
}

// Far above any context length; it only keeps a typo from allocating gigabytes.
constexpr long long kMaxTokens = 1 << 20;

}  // namespace

bool parse_lm_option(const std::string& flag, const std::string& value, Options* o, std::string* error) {
  auto bad = [&](const std::string& why) {
    *error = "invalid value for " + flag + ": '" + value + "' (" + why + ")";
    return false;
  };
  if (flag == "--generate") {
    std::vector<std::string> parts = split_all(value);
    long long p = 0, g = 0;
    if (parts.size() != 2 || !parse_long(parts[0], 1, kMaxTokens, &p) || !parse_long(parts[1], 1, kMaxTokens, &g)) {
      return bad("P,G: prompt tokens and generated tokens, both at least 1");
    }
    o->generate_prompt = int(p);
    o->generate_tokens = int(g);
    return true;
  }
  if (flag == "--prompt") {
    o->prompt.clear();
    for (const std::string& part : split_all(value)) {
      long long id = 0;
      if (!parse_long(part, 0, (1LL << 62), &id)) return bad("token ids >= 0, comma-separated");
      if (o->prompt.size() >= size_t(kMaxTokens)) return bad("too many tokens");
      o->prompt.push_back(int64_t(id));
    }
    return true;
  }
  if (flag == "--sustained") return parse_seconds(value, &o->sustained_seconds) || bad("seconds > 0");
  if (flag == "--window") return parse_seconds(value, &o->window_seconds) || bad("seconds > 0");
  *error = "unknown flag " + flag;
  return false;
}

bool check_lm_options(const Options& o, std::string* error) {
  bool generate = o.generate_prompt > 0;
  if (!o.prompt.empty() && !generate) {
    *error = "--prompt needs --generate P,G";
    return false;
  }
  if (generate && !o.prompt.empty() && o.prompt.size() != size_t(o.generate_prompt)) {
    *error = "--prompt has " + std::to_string(o.prompt.size()) + " tokens but --generate asks for a prompt of " +
             std::to_string(o.generate_prompt);
    return false;
  }
  if (generate && o.sustained_seconds > 0) {
    *error = "--generate and --sustained do not combine (one measures a generation, the other a latency curve)";
    return false;
  }
  if (generate && (o.profile || o.print_outputs)) {
    *error = std::string(o.profile ? "--profile" : "--print-outputs") + " does not combine with --generate";
    return false;
  }
  if (generate && !o.inputs.empty() && o.inputs.rfind("random:", 0) != 0) {
    *error = "--generate draws its prompt from --inputs random:SEED or takes --prompt; --inputs " + o.inputs +
             " does not apply";
    return false;
  }
  // The validation knob slows the timed loop only; refusing beats a silently unslowed run.
  if (o.inject_slowdown_pct > 0 && (generate || o.sustained_seconds > 0)) {
    *error = std::string("--inject-slowdown applies to the timed loop only, not to ") + (generate ? "--generate" : "--sustained");
    return false;
  }
  if (o.window_seconds != 1 && o.sustained_seconds <= 0) {
    *error = "--window needs --sustained SECONDS";
    return false;
  }
  return true;
}

}  // namespace runner
}  // namespace etb

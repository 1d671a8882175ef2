#include "runner/options.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

namespace etb {
namespace runner {
namespace {

bool parse_int(const std::string& text, long min, long max, int* out) {
  if (text.empty()) return false;
  char* end = nullptr;
  errno = 0;
  long v = strtol(text.c_str(), &end, 10);
  if (errno != 0 || *end != 0 || v < min || v > max) return false;
  *out = int(v);
  return true;
}

bool parse_double(const std::string& text, double min, double* out) {
  if (text.empty()) return false;
  char* end = nullptr;
  double v = strtod(text.c_str(), &end);
  if (*end != 0 || !(v >= min) || v > 1e12) return false;
  *out = v;
  return true;
}

std::vector<std::string> split(const std::string& s) {
  std::vector<std::string> parts;
  size_t start = 0;
  while (start <= s.size()) {
    size_t comma = s.find(',', start);
    if (comma == std::string::npos) comma = s.size();
    if (comma > start) parts.push_back(s.substr(start, comma - start));
    start = comma + 1;
  }
  return parts;
}

}  // namespace

bool parse_options(int argc, char** argv, Options* o, std::string* error) {
  for (int i = 1; i < argc; i++) {
    std::string arg = argv[i];
    std::string value;
    bool has_value = false;
    size_t eq = arg.find('=');
    if (arg.rfind("--", 0) == 0 && eq != std::string::npos) {
      value = arg.substr(eq + 1);
      arg = arg.substr(0, eq);
      has_value = true;
    }
    auto need = [&](std::string* v) {
      if (has_value) {
        *v = value;
        return true;
      }
      if (i + 1 >= argc) {
        *error = arg + " needs a value";
        return false;
      }
      *v = argv[++i];
      return true;
    };
    auto bad = [&](const std::string& why) {
      *error = "invalid value for " + arg + ": " + why;
      return false;
    };
    std::string v;
    if (arg == "--capabilities") o->capabilities = true;
    else if (arg == "--version") o->version = true;
    else if (arg == "--help" || arg == "-h") o->help = true;
    else if (arg == "--profile") o->profile = true;
    else if (arg == "--print-outputs") o->print_outputs = true;
    else if (arg == "--method") { if (!need(&o->method)) return false; if (o->method.empty()) return bad("empty"); }
    else if (arg == "--kernels") {
      if (!need(&o->kernels)) return false;
      if (o->kernels != "portable" && o->kernels != "optimized") return bad("'" + o->kernels + "' (portable|optimized)");
    } else if (arg == "--backends") { if (!need(&v)) return false; o->backends = split(v); o->backends_given = true; }
    else if (arg == "--threads") { if (!need(&v)) return false; if (!parse_int(v, 1, 1024, &o->threads)) return bad("'" + v + "' (1..1024)"); }
    else if (arg == "--warmup") { if (!need(&v)) return false; if (!parse_int(v, 0, 1000000, &o->warmup)) return bad("'" + v + "' (0..1000000)"); }
    else if (arg == "--iterations") { if (!need(&v)) return false; if (!parse_int(v, 1, 10000000, &o->iterations)) return bad("'" + v + "' (1..10000000)"); }
    else if (arg == "--inject-slowdown") {
      if (!need(&v)) return false;
      if (!parse_double(v, 0, &o->inject_slowdown_pct) || o->inject_slowdown_pct > 1000) return bad("'" + v + "' (percent, 0..1000)");
    } else if (arg == "--min-seconds") { if (!need(&v)) return false; if (!parse_double(v, 0, &o->min_seconds)) return bad("'" + v + "' (seconds >= 0)"); }
    else if (arg == "--inputs") {
      if (!need(&o->inputs)) return false;
      if (o->inputs.rfind("random:", 0) == 0) {
        std::string seed = o->inputs.substr(7);
        char* end = nullptr;
        errno = 0;
        strtoull(seed.c_str(), &end, 10);
        if (seed.empty() || *end != 0 || errno != 0 || seed[0] == '-') return bad("'" + o->inputs + "' (random:SEED)");
      } else if (o->inputs.empty()) {
        return bad("empty");
      }
    } else if (arg == "--case") { if (!need(&v)) return false; if (!parse_int(v, 0, 1 << 30, &o->case_index)) return bad("'" + v + "'"); }
    else if (arg == "--rtol") { if (!need(&v)) return false; if (!parse_double(v, 0, &o->rtol)) return bad("'" + v + "'"); }
    else if (arg == "--atol") { if (!need(&v)) return false; if (!parse_double(v, 0, &o->atol)) return bad("'" + v + "'"); }
    else if (arg == "--data") { if (!need(&o->data)) return false; }
    else if (arg == "--json") { if (!need(&o->json_path)) return false; }
    else if (arg.rfind("-", 0) == 0 && arg.size() > 1) { *error = "unknown flag " + arg; return false; }
    else if (o->program.empty()) o->program = arg;
    else { *error = "unexpected argument '" + arg + "' (one program per run)"; return false; }
    if (has_value && (arg == "--capabilities" || arg == "--version" || arg == "--help" || arg == "--profile" || arg == "--print-outputs")) {
      *error = arg + " takes no value";
      return false;
    }
  }
  if (!o->capabilities && !o->version && !o->help && o->program.empty()) {
    *error = "no program given (etrun PROGRAM.pte|PROGRAM.bpte [flags])";
    return false;
  }
  return true;
}

}  // namespace runner
}  // namespace etb

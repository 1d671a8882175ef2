#include "mcu/options.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

namespace mcu {
namespace {

bool parse_int(const char* s, int min, int* out) {
  char* end = nullptr;
  long v = strtol(s, &end, 10);
  if (end == s || *end != 0 || v < min || v > 1000000000L) return false;
  *out = int(v);
  return true;
}

// Decimal numbers like 1e-5, 0.001 or 2.5E-3. newlib's strtod needs a heap,
// so this parses the digits itself: an integer mantissa times or divided by
// an exact power of ten (up to 1e22) is one correctly rounded operation,
// which gives strtod's result for every tolerance people write.
bool parse_tolerance(const char* s, double* out) {
  uint64_t mant = 0;
  int digits = 0, scale = 0;
  const char* p = s;
  for (; *p >= '0' && *p <= '9'; p++, digits++) mant = mant * 10 + uint64_t(*p - '0');
  if (*p == '.') {
    for (p++; *p >= '0' && *p <= '9'; p++, digits++, scale--) mant = mant * 10 + uint64_t(*p - '0');
  }
  if (digits == 0 || digits > 18) return false;
  if (*p == 'e' || *p == 'E') {
    p++;
    bool neg = *p == '-';
    if (*p == '-' || *p == '+') p++;
    int e = 0, n = 0;
    for (; *p >= '0' && *p <= '9' && n < 4; p++, n++) e = e * 10 + (*p - '0');
    if (n == 0) return false;
    scale += neg ? -e : e;
  }
  if (*p != 0 || scale < -22 || scale > 22) return false;
  double pow10 = 1;
  for (int i = 0; i < (scale < 0 ? -scale : scale); i++) pow10 *= 10;
  *out = scale < 0 ? double(mant) / pow10 : double(mant) * pow10;
  return true;
}

}  // namespace

bool parse_options(char* line, Options* out, const char** error, const char** bad_word) {
  char* words[32];
  int n = 0;
  // Split in place (newlib's strtok would allocate its state on a heap).
  for (char* p = line; *p != 0;) {
    while (*p == ' ') *p++ = 0;
    if (*p == 0) break;
    if (n == 32) {
      *error = "too many arguments";
      return false;
    }
    words[n++] = p;
    while (*p != 0 && *p != ' ') p++;
  }
  // words[0] is the program name QEMU puts first.
  for (int i = 1; i < n; i++) {
    const char* w = words[i];
    *bad_word = w;
    if (strcmp(w, "--print-outputs") == 0) {
      out->print_outputs = true;
      continue;
    }
    if (i + 1 >= n) {
      *error = "flag needs a value or is unknown";
      return false;
    }
    const char* v = words[++i];
    bool ok = true;
    if (strcmp(w, "--method") == 0) out->method = v;
    else if (strcmp(w, "--inputs") == 0) out->inputs = v;
    else if (strcmp(w, "--json") == 0) out->json_path = v;
    else if (strcmp(w, "--case") == 0) ok = parse_int(v, 0, &out->case_index);
    else if (strcmp(w, "--warmup") == 0) ok = parse_int(v, 0, &out->warmup);
    else if (strcmp(w, "--iterations") == 0) ok = parse_int(v, 1, &out->iterations);
    else if (strcmp(w, "--rtol") == 0) ok = parse_tolerance(v, &out->rtol);
    else if (strcmp(w, "--atol") == 0) ok = parse_tolerance(v, &out->atol);
    else {
      *error = "unknown flag";
      return false;
    }
    if (!ok) {
      *error = "invalid value";
      return false;
    }
  }
  return true;
}

}  // namespace mcu

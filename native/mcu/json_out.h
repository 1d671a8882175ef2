// A streaming JSON writer for the firmware: no heap, output goes through a
// small buffer to a semihosting handle. Same conventions as the host
// runner's writer (runner/json.h): doubles round-trip (17 significant
// digits), NaN and infinities are the strings "nan", "inf", "-inf".
//
//   JsonOut w(fd);
//   w.begin_object().key("cycles").value(uint64_t(123)).end_object();
//   w.finish();                         // adds the newline and flushes
#pragma once
#include <stddef.h>
#include <stdint.h>

namespace mcu {

class JsonOut {
 public:
  explicit JsonOut(int fd) : fd_(fd) {}
  JsonOut& begin_object();
  JsonOut& end_object();
  JsonOut& begin_array();
  JsonOut& end_array();
  JsonOut& key(const char* k);
  JsonOut& value(const char* s);
  JsonOut& value(const char* s, size_t n);
  JsonOut& value(double d);
  JsonOut& value(int64_t i);
  JsonOut& value(uint64_t u);
  JsonOut& value(int i) { return value(int64_t(i)); }
  JsonOut& value(bool b);
  JsonOut& null();
  // Ends the document with a newline and flushes; false when a write failed.
  bool finish();

 private:
  void separate();
  void raw(const char* s, size_t n);
  void raw(const char* s);
  void flush();
  int fd_;
  char buf_[1024];
  size_t used_ = 0;
  bool failed_ = false;
  // One bit per nesting level: no element written yet at that level.
  uint64_t first_ = 0;
  int depth_ = 0;
  bool after_key_ = false;
};

// Writes `d` as a JSON number with 17 significant digits into `out` (at
// least 32 bytes); returns the length. Finite values only. Exact: the
// binary value is expanded to decimal digits and rounded half to even, like
// printf("%.17g"), without libc's float formatting (which needs a heap).
size_t format_double(double d, char* out);
// Decimal integers.
size_t format_int(int64_t v, char* out);
size_t format_uint(uint64_t v, char* out);

}  // namespace mcu

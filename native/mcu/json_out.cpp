#include "mcu/json_out.h"

#include <string.h>

#include "mcu/semihost.h"

namespace mcu {
namespace {

// Decimal digits of |d| = mant * 2^exp2, exact: at most 1100 digits for a double.
constexpr int kMaxDigits = 1200;

}  // namespace

size_t format_uint(uint64_t v, char* out) {
  char tmp[24];
  size_t n = 0;
  do {
    tmp[n++] = char('0' + v % 10);
    v /= 10;
  } while (v != 0);
  for (size_t i = 0; i < n; i++) out[i] = tmp[n - 1 - i];
  out[n] = 0;
  return n;
}

size_t format_int(int64_t v, char* out) {
  if (v >= 0) return format_uint(uint64_t(v), out);
  out[0] = '-';
  return 1 + format_uint(uint64_t(0) - uint64_t(v), out + 1);
}

size_t format_double(double d, char* out) {
  uint64_t bits;
  memcpy(&bits, &d, 8);
  size_t n = 0;
  if (bits >> 63) out[n++] = '-';
  int biased = int((bits >> 52) & 0x7FF);
  uint64_t mant = bits & ((uint64_t(1) << 52) - 1);
  if (biased == 0 && mant == 0) {
    out[n++] = '0';
    out[n] = 0;
    return n;
  }
  int exp2 = biased == 0 ? -1074 : biased - 1075;
  if (biased != 0) mant |= uint64_t(1) << 52;
  // digits[0..len) is the integer part's decimal digits followed by
  // `frac` fraction digits: value = digits * 10^-frac.
  static uint8_t digits[kMaxDigits];
  int len = 0;
  for (uint64_t m = mant; m != 0; m /= 10) digits[len++] = uint8_t(m % 10);
  for (int i = 0; i < len / 2; i++) {
    uint8_t t = digits[i];
    digits[i] = digits[len - 1 - i];
    digits[len - 1 - i] = t;
  }
  int frac = 0;
  for (; exp2 > 0; exp2--) {  // multiply by 2
    int carry = 0;
    for (int i = len - 1; i >= 0; i--) {
      int v = digits[i] * 2 + carry;
      digits[i] = uint8_t(v % 10);
      carry = v / 10;
    }
    if (carry) {
      memmove(digits + 1, digits, size_t(len));
      digits[0] = uint8_t(carry);
      len++;
    }
  }
  for (; exp2 < 0; exp2++) {  // divide by 2: one more fraction digit
    int rem = 0;
    for (int i = 0; i < len; i++) {
      int v = rem * 10 + digits[i];
      digits[i] = uint8_t(v / 2);
      rem = v % 2;
    }
    digits[len++] = uint8_t(rem * 5);
    frac++;
  }
  int lead = 0;
  while (lead < len - 1 && digits[lead] == 0) lead++;
  // Decimal exponent of the first significant digit.
  int exp10 = (len - frac) - lead - 1;
  int sig = len - lead;
  uint8_t* s = digits + lead;
  if (sig > 17) {
    // Round half to even on the exact tail.
    bool above = s[17] > 5, half = s[17] == 5;
    if (half) {
      for (int i = 18; i < sig; i++) {
        if (s[i] != 0) {
          above = true;
          break;
        }
      }
    }
    bool up = above || (half && !above && (s[16] & 1));
    sig = 17;
    if (up) {
      int i = 16;
      while (i >= 0 && s[i] == 9) s[i--] = 0;
      if (i >= 0) {
        s[i]++;
      } else {
        s[0] = 1;  // 99..9 rounded up: one more decimal place
        for (int k = 1; k < 17; k++) s[k] = 0;
        exp10++;
      }
    }
  }
  while (sig > 1 && s[sig - 1] == 0) sig--;
  out[n++] = char('0' + s[0]);
  if (sig > 1) {
    out[n++] = '.';
    for (int i = 1; i < sig; i++) out[n++] = char('0' + s[i]);
  }
  if (exp10 != 0) {
    out[n++] = 'e';
    n += format_int(exp10, out + n);
  }
  out[n] = 0;
  return n;
}

void JsonOut::flush() {
  if (used_ > 0 && etb_sh_write(fd_, buf_, used_) != 0) failed_ = true;
  used_ = 0;
}

void JsonOut::raw(const char* s, size_t n) {
  while (n > 0) {
    if (used_ == sizeof(buf_)) flush();
    size_t k = sizeof(buf_) - used_ < n ? sizeof(buf_) - used_ : n;
    memcpy(buf_ + used_, s, k);
    used_ += k;
    s += k;
    n -= k;
  }
}

void JsonOut::raw(const char* s) { raw(s, strlen(s)); }

void JsonOut::separate() {
  if (after_key_) {
    after_key_ = false;
    return;
  }
  if (depth_ > 0) {
    uint64_t bit = uint64_t(1) << (depth_ - 1);
    if (first_ & bit) first_ &= ~bit; else raw(",", 1);
  }
}

JsonOut& JsonOut::begin_object() {
  separate();
  raw("{", 1);
  depth_++;
  first_ |= uint64_t(1) << (depth_ - 1);
  return *this;
}

JsonOut& JsonOut::end_object() {
  depth_--;
  raw("}", 1);
  return *this;
}

JsonOut& JsonOut::begin_array() {
  separate();
  raw("[", 1);
  depth_++;
  first_ |= uint64_t(1) << (depth_ - 1);
  return *this;
}

JsonOut& JsonOut::end_array() {
  depth_--;
  raw("]", 1);
  return *this;
}

JsonOut& JsonOut::key(const char* k) {
  value(k);
  raw(":", 1);
  after_key_ = true;
  return *this;
}

JsonOut& JsonOut::value(const char* s) { return value(s, strlen(s)); }

JsonOut& JsonOut::value(const char* s, size_t n) {
  separate();
  raw("\"", 1);
  for (size_t i = 0; i < n; i++) {
    unsigned char c = static_cast<unsigned char>(s[i]);
    if (c == '"' || c == '\\') {
      char esc[2] = {'\\', char(c)};
      raw(esc, 2);
    } else if (c < 0x20) {
      char esc[7] = {'\\', 'u', '0', '0', "0123456789abcdef"[c >> 4], "0123456789abcdef"[c & 15], 0};
      raw(esc, 6);
    } else {
      raw(s + i, 1);
    }
  }
  raw("\"", 1);
  return *this;
}

JsonOut& JsonOut::value(double d) {
  if (d != d) return value("nan");
  if (d > 1.7976931348623157e308) return value("inf");
  if (d < -1.7976931348623157e308) return value("-inf");
  separate();
  char buf[40];
  raw(buf, format_double(d, buf));
  return *this;
}

JsonOut& JsonOut::value(int64_t i) {
  separate();
  char buf[24];
  raw(buf, format_int(i, buf));
  return *this;
}

JsonOut& JsonOut::value(uint64_t u) {
  separate();
  char buf[24];
  raw(buf, format_uint(u, buf));
  return *this;
}

JsonOut& JsonOut::value(bool b) {
  separate();
  raw(b ? "true" : "false");
  return *this;
}

JsonOut& JsonOut::null() {
  separate();
  raw("null", 4);
  return *this;
}

bool JsonOut::finish() {
  raw("\n", 1);
  flush();
  return !failed_;
}

}  // namespace mcu

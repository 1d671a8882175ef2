// Diagnostics: a caller-owned message buffer that failing calls fill with a
// sentence naming what is wrong and where (field, index, byte offset).
//
//   etb::Diag diag;
//   auto program = etb::Program::load(loader, &diag);
//   if (!program.ok()) printf("%s: %s\n", etb::error_name(program.error()), diag.message);
//
// Every API that takes a `Diag*` accepts null (then messages are dropped).
// Only the first failure is kept, so the root cause is not overwritten by
// the errors it causes further up.
#pragma once
#include <stddef.h>

#include "runtime/error.h"

namespace etb {

struct Diag {
  static constexpr size_t kCapacity = 512;
  char message[kCapacity] = {0};
  bool has_message = false;

  void clear() {
    message[0] = 0;
    has_message = false;
  }
};

// Writes a formatted message into `diag` (if non-null and still empty) and
// returns `error`, so a check reads `return fail(diag, Error::X, "...")`.
Error fail(Diag* diag, Error error, const char* fmt, ...)
    __attribute__((format(printf, 3, 4)));

}  // namespace etb

// Early return with a message when `cond` is false.
#define ETB_CHECK(cond, diag, error, ...)          \
  do {                                             \
    if (!(cond)) {                                 \
      return ::etb::fail((diag), (error), __VA_ARGS__); \
    }                                              \
  } while (0)

#define ETB_RETURN_IF_ERROR(expr)          \
  do {                                     \
    ::etb::Error etb_err_ = (expr);        \
    if (etb_err_ != ::etb::Error::Ok) {    \
      return etb_err_;                     \
    }                                      \
  } while (0)

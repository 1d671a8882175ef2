// Weak default platform functions for hosted builds (Linux, Android, macOS).
#include "runtime/platform.h"

#include <stdio.h>
#include <time.h>

extern "C" {

__attribute__((weak)) uint64_t etb_platform_ticks(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return static_cast<uint64_t>(ts.tv_sec) * 1000000000ull + static_cast<uint64_t>(ts.tv_nsec);
}

__attribute__((weak)) int etb_platform_ticks_are_ns(void) { return 1; }

__attribute__((weak)) void etb_platform_log(const char* message) {
  fprintf(stderr, "%s\n", message);
}

}  // extern "C"

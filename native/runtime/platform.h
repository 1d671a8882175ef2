// The platform layer: the few C functions the core needs from its host.
// Each has a weak default (platform_default.cpp, POSIX-ish hosts); a
// bare-metal port overrides them with strong definitions. Core code has no
// platform #ifdefs.
#pragma once
#include <stddef.h>
#include <stdint.h>

extern "C" {

// Monotonic time in nanoseconds (or in platform ticks where no clock exists;
// see etb_platform_ticks_are_ns).
uint64_t etb_platform_ticks(void);

// True when etb_platform_ticks() counts nanoseconds.
int etb_platform_ticks_are_ns(void);

// Writes one diagnostic line (no trailing newline needed).
void etb_platform_log(const char* message);

}  // extern "C"

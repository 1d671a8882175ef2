// The runtime's platform layer on the emulated Cortex-M (runtime/platform.h):
// ticks are emulated instructions counted with SysTick, logs go to the
// semihosting console.
//
// QEMU has no cycle model. Run with `-icount shift=0`, its virtual clock
// advances exactly 1 ns per executed instruction, and SysTick (clocked from
// the core clock, kCoreClockHz) counts that virtual time. So
// instructions = ticks * 1e9 / kCoreClockHz, with a resolution of
// 1e9 / kCoreClockHz instructions. These are emulated instructions, never
// cycles or time of a real chip.
#include <string.h>

#include "mcu/board.h"
#include "mcu/semihost.h"
#include "runtime/platform.h"

extern "C" uint32_t __stack_limit, __stack_top;

namespace {

// mps3-an547's core clock in QEMU (the AN547's 32 MHz SYSCLK).
constexpr uint64_t kCoreClockHz = 32000000;
constexpr uint32_t kReload = 0xFFFFFF;  // SysTick is a 24-bit down counter
constexpr uint32_t kPaint = 0x57AC57AC;

volatile uint32_t g_wraps = 0;
bool g_started = false;

void start_systick() {
  board::reg(board::kSystRvr) = kReload;
  board::reg(board::kSystCvr) = 0;
  board::reg(board::kSystCsr) = 0x7;  // core clock, interrupt on wrap, enable
  g_started = true;
}

}  // namespace

extern "C" void etb_systick_handler(void) { g_wraps = g_wraps + 1; }

extern "C" uint64_t etb_platform_ticks(void) {
  if (!g_started) start_systick();
  uint32_t wraps, value;
  do {
    wraps = g_wraps;
    value = board::reg(board::kSystCvr);
  } while (wraps != g_wraps);
  // The counter runs reload..1 then 0, where the wrap interrupt has already
  // counted the period; before the first tick it also reads 0.
  uint64_t elapsed = value == 0 ? 0 : uint64_t(kReload) + 1 - value;
  uint64_t ticks = uint64_t(wraps) * (uint64_t(kReload) + 1) + elapsed;
  return ticks * 1000000000ull / kCoreClockHz;
}

extern "C" int etb_platform_ticks_are_ns(void) { return 0; }

extern "C" void etb_platform_log(const char* message) {
  int fd = etb_sh_stderr();
  etb_sh_write(fd, message, strlen(message));
  etb_sh_write(fd, "\n", 1);
}

namespace board {

void paint_stack() {
  uint32_t sp;
  __asm__ volatile("mov %0, sp" : "=r"(sp));
  // Leave the caller's frame alone.
  for (uint32_t* p = &__stack_limit; reinterpret_cast<uintptr_t>(p) < sp - 64; p++) *p = kPaint;
}

size_t stack_peak() {
  const uint32_t* p = &__stack_limit;
  while (p < &__stack_top && *p == kPaint) p++;
  return size_t(reinterpret_cast<uintptr_t>(&__stack_top) - reinterpret_cast<uintptr_t>(p));
}

size_t stack_size() {
  return size_t(reinterpret_cast<uintptr_t>(&__stack_top) - reinterpret_cast<uintptr_t>(&__stack_limit));
}

}  // namespace board

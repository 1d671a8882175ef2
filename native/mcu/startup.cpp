// Reset and fault handling for the Cortex-M firmware: the vector table, the
// C++ runtime set-up (.data copy, .bss clear, constructors) and a fault
// handler that reports instead of hanging, so a crashed run ends the
// emulation with a distinct status (kFaultExit) the host maps to a crash.
#include <stdint.h>
#include <string.h>

#include "mcu/board.h"
#include "mcu/semihost.h"
#include "runtime/platform.h"

extern "C" {
extern uint32_t __data_start, __data_end, __data_load, __bss_start, __bss_end;
extern uint32_t __stack_limit, __stack_top;
extern void (*__preinit_array_start[])(void), (*__preinit_array_end[])(void);
extern void (*__init_array_start[])(void), (*__init_array_end[])(void);
int main(void);
void etb_systick_handler(void);
__attribute__((noreturn)) void etb_reset_handler(void);
__attribute__((noreturn)) void etb_fault_handler(void);
}

namespace {

void write_str(const char* s) { etb_sh_write(etb_sh_stderr(), s, strlen(s)); }

void write_hex(uint32_t v) {
  char buf[11] = "0x";
  for (int i = 0; i < 8; i++) buf[2 + i] = "0123456789abcdef"[(v >> (28 - 4 * i)) & 0xF];
  buf[10] = 0;
  write_str(buf);
}

}  // namespace

extern "C" void etb_reset_handler(void) {
  // The FPU (and with it MVE) is off after reset; kernels use float.
  board::reg(board::kCpacr) |= 0xFu << 20;
  __asm__ volatile("dsb\n isb" ::: "memory");
  uint32_t* src = &__data_load;
  for (uint32_t* dst = &__data_start; dst < &__data_end;) *dst++ = *src++;
  for (uint32_t* p = &__bss_start; p < &__bss_end;) *p++ = 0;
  board::paint_stack();
  etb_platform_ticks();  // starts SysTick long before the first measurement
  for (auto f = __preinit_array_start; f < __preinit_array_end; f++) (*f)();
  for (auto f = __init_array_start; f < __init_array_end; f++) (*f)();
  etb_sh_exit(main());
}

extern "C" void etb_fault_handler(void) {
  uint32_t cfsr = board::reg(board::kCfsr);
  uint32_t hfsr = board::reg(board::kHfsr);
  write_str("etrun-mcu: processor fault: CFSR=");
  write_hex(cfsr);
  write_str(" HFSR=");
  write_hex(hfsr);
  write_str(" MMFAR=");
  write_hex(board::reg(board::kMmfar));
  write_str(" BFAR=");
  write_hex(board::reg(board::kBfar));
  write_str("\n");
  etb_sh_exit(board::kFaultExit);
}

// Entries 0..15: initial stack pointer and the core's exceptions. No device
// interrupt is used, so the table ends there.
__attribute__((section(".vectors"), used)) const uintptr_t etb_vectors[16] = {
    reinterpret_cast<uintptr_t>(&__stack_top),
    reinterpret_cast<uintptr_t>(etb_reset_handler),
    reinterpret_cast<uintptr_t>(etb_fault_handler),  // NMI
    reinterpret_cast<uintptr_t>(etb_fault_handler),  // HardFault
    reinterpret_cast<uintptr_t>(etb_fault_handler),  // MemManage
    reinterpret_cast<uintptr_t>(etb_fault_handler),  // BusFault
    reinterpret_cast<uintptr_t>(etb_fault_handler),  // UsageFault
    reinterpret_cast<uintptr_t>(etb_fault_handler),  // SecureFault
    0,
    0,
    0,
    reinterpret_cast<uintptr_t>(etb_fault_handler),  // SVCall
    reinterpret_cast<uintptr_t>(etb_fault_handler),  // DebugMonitor
    0,
    reinterpret_cast<uintptr_t>(etb_fault_handler),  // PendSV
    reinterpret_cast<uintptr_t>(etb_systick_handler),
};

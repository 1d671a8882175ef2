// Board facts the firmware needs: system register addresses, the SysTick
// clock that QEMU's mps3-an547 feeds the core, and the stack bounds.
#pragma once
#include <stddef.h>
#include <stdint.h>

namespace board {

constexpr uintptr_t kCpacr = 0xE000ED88;
constexpr uintptr_t kCfsr = 0xE000ED28;
constexpr uintptr_t kHfsr = 0xE000ED2C;
constexpr uintptr_t kMmfar = 0xE000ED34;
constexpr uintptr_t kBfar = 0xE000ED38;
constexpr uintptr_t kSystCsr = 0xE000E010;
constexpr uintptr_t kSystRvr = 0xE000E014;
constexpr uintptr_t kSystCvr = 0xE000E018;

// Exit status of a processor fault (128 + SIGABRT, what a crashed host
// process reports through a shell).
constexpr int kFaultExit = 134;

inline volatile uint32_t& reg(uintptr_t address) { return *reinterpret_cast<volatile uint32_t*>(address); }

// Fills the unused stack with a pattern so stack_peak() can find the deepest use.
void paint_stack();
size_t stack_peak();
size_t stack_size();

}  // namespace board

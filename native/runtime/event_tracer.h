// Hooks for profiling: the Method reports each executed instruction with its
// start and end ticks (etb_platform_ticks). Null tracer = no clock reads.
#pragma once
#include <stdint.h>

namespace etb {

// Skipped: an instruction a load-time pass (passes/passes.h) folded into a
// constant or fused into the instruction before it. It runs nothing and is
// never reported to a tracer.
enum class InstructionKind : uint8_t { Kernel, Delegate, Move, JumpFalse, Free, Skipped };

class EventTracer {
 public:
  // `name` is the operator or backend name (not NUL-terminated, `name_len` bytes).
  virtual void on_instruction(uint32_t chain, uint32_t index, InstructionKind kind, const char* name,
                              uint32_t name_len, uint64_t start, uint64_t end) = 0;

 protected:
  ~EventTracer() = default;
};

}  // namespace etb

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

  // One step inside a delegate (a node of its graph), reported by the backend through
  // BackendExecuteContext::node_event while the DelegateCall at (chain, index) runs, so before
  // that instruction's on_instruction. `node` numbers the steps within the delegate; `name`
  // (`name_len` bytes) is what the step is, e.g. "xnnpack::conv2d". The node times are part of
  // the instruction's time, not extra. Tracers that only want instructions ignore them.
  virtual void on_delegate_event(uint32_t chain, uint32_t index, uint32_t node, const char* name, uint32_t name_len,
                                 uint64_t start, uint64_t end) {
    (void)chain, (void)index, (void)node, (void)name, (void)name_len, (void)start, (void)end;
  }

 protected:
  ~EventTracer() = default;
};

}  // namespace etb

// Method: one ExecutionPlan of a Program, instantiated with caller memory.
//
//   etb::MethodConfig config;
//   config.kernels = &registry;                 // register_kernels(registry, ...)
//   config.backends = &backends;                // may be null: delegates then fail to load
//   config.memory = {&method_alloc, &planned, &temp_alloc};
//   auto method = etb::Method::load(program, "forward", config, &diag);
//   method->set_input(0, value, &diag);         // or set_input_bytes()
//   method->execute(&diag);
//   const etb::EValue& y = method->output(0);
//
// Load resolves every operator (all missing ones are named in one error),
// initialises delegates and runs each kernel's init (argument checks and
// prepare). execute() then runs the chains without allocating. Everything
// the method keeps lives in config.memory; the Program, registries and
// memory must outlive the Method.
#pragma once
#include <stddef.h>
#include <stdint.h>

#include "runtime/backend.h"
#include "runtime/event_tracer.h"
#include "runtime/kernel.h"
#include "runtime/memory.h"
#include "runtime/program.h"

namespace etb {

// Default cap on instructions run by one execute().
constexpr uint64_t kMaxInstructionsPerExecute = 10000000;

struct MethodConfig {
  const KernelRegistry* kernels = nullptr;   // required, not owned
  KernelSet kernel_set = KernelSet::Portable;
  const BackendRegistry* backends = nullptr;  // may be null, not owned
  MemoryManager memory;
  EventTracer* tracer = nullptr;  // may be null, not owned
  int threads = 1;
  // Cap on instructions run by one execute(): a guard against hostile loops.
  uint64_t max_instructions = kMaxInstructionsPerExecute;
};

class Method {
 public:
  static Result<Method> load(const Program& program, const char* name, const MethodConfig& config, Diag* diag);
  Method(Method&& other);
  Method(const Method&) = delete;
  Method& operator=(const Method&) = delete;
  ~Method();

  size_t num_inputs() const { return num_inputs_; }
  size_t num_outputs() const { return num_outputs_; }
  // The method's own value for input/output i (i checked by the caller).
  const EValue& input(size_t i) const { return values_[inputs_[i]]; }
  const EValue& output(size_t i) const { return values_[outputs_[i]]; }

  // Sets input i following runtime-model.md section 5: kinds must match,
  // tensors must have the input's dtype and dim order and a shape it can
  // take; planned inputs are copied, unplanned ones alias `value`'s data.
  Error set_input(size_t i, const EValue& value, Diag* diag);
  // Copies `nbytes` raw bytes (laid out in the input's dim order) into
  // tensor input i after resizing it to `sizes`.
  Error set_input_bytes(size_t i, Span<const int32_t> sizes, const void* data, size_t nbytes, Diag* diag);
  // Binds caller memory to an unplanned output tensor.
  Error set_output_data_ptr(size_t i, void* data, size_t size, Diag* diag);

  Error execute(Diag* diag);
  // Attaches (or with null, detaches) a tracer; not owned.
  void set_tracer(EventTracer* tracer) { config_.tracer = tracer; }

  size_t num_instructions() const;
  size_t method_allocator_used() const { return method_allocator_used_; }
  size_t temp_allocator_peak() const {
    return config_.memory.temp_allocator ? config_.memory.temp_allocator->peak() : 0;
  }

  struct Instruction;
  struct Chain;
  struct Delegate;

 private:
  Method() = default;
  friend struct MethodLoader;
  Error run_instruction(const Chain& chain, uint32_t chain_index, uint32_t& pc, uint64_t& clock, Diag* diag);

  MethodConfig config_;
  const char* name_ = "";
  EValue* values_ = nullptr;
  uint32_t num_values_ = 0;
  uint32_t* inputs_ = nullptr;
  size_t num_inputs_ = 0;
  uint32_t* outputs_ = nullptr;
  size_t num_outputs_ = 0;
  bool* input_set_ = nullptr;
  Chain* chains_ = nullptr;
  uint32_t num_chains_ = 0;
  Delegate* delegates_ = nullptr;
  uint32_t num_delegates_ = 0;
  size_t method_allocator_used_ = 0;
  bool owns_delegates_ = false;
};

struct Method::Instruction {
  InstructionKind kind;
  EValue** args;
  uint32_t nargs;
  const KernelEntry* kernel;  // Kernel only
  void* state;                // kernel prepare state
  StringView name;            // operator or backend name, for profiles and errors
  uint32_t a;                 // delegate index | move_from | cond value | freed value
  uint32_t b;                 // move_to | jump destination
  const float* clamp;         // Kernel only: [lo, hi] of an activation fused into it (passes/), or null
  uint32_t unread_outs;       // Kernel only: its outs that nobody reads (KernelContext::unread_outs)
};

struct Method::Chain {
  Instruction* instructions;
  uint32_t count;
};

struct Method::Delegate {
  Backend* backend;
  void* handle;
  StringView id;
};

}  // namespace etb

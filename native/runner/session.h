// Session: one program and one loaded method with all the memory they need,
// for hosted tools (etrun and the Node addon). Uses the standard library;
// the core it drives does not.
//
//   etb::Diag diag;
//   std::unique_ptr<etb::runner::Session> s;
//   if (etb::runner::Session::open_file("m.bpte", {}, &s, &diag) != etb::Error::Ok) ...;
//   s->load_method("forward", &diag);
//   s->set_bundled_inputs(0, &diag);          // or set_random_inputs(seed), set_inputs(...)
//   s->execute(&diag);
//   std::vector<etb::runner::TensorData> y = s->outputs();
#pragma once
#include <stdint.h>

#include <memory>
#include <string>
#include <vector>

#include "runtime/bundled.h"
#include "runtime/data_loader_posix.h"
#include "runtime/kernel.h"
#include "runtime/method.h"
#include "runtime/program.h"

namespace etb {
namespace runner {

// A tensor in logical row-major order (whatever its dim order in memory).
struct TensorData {
  ScalarType dtype = ScalarType::Float;
  std::vector<int32_t> shape;
  std::vector<uint8_t> bytes;
};

// What a method input or output is.
struct IoInfo {
  Tag kind = Tag::None;
  ScalarType dtype = ScalarType::Float;
  std::vector<int32_t> shape;
  std::vector<uint8_t> dim_order;
  bool planned = false;
};

struct SessionOptions {
  KernelSet kernels = KernelSet::Portable;
  std::vector<std::string> backends;  // allowed backends; empty = all registered
  bool all_backends = true;
  int threads = 1;
  std::string data_path;  // external .ptd, empty for none
  // Most bytes the session allocates for planned arenas plus unplanned input
  // and output buffers; a program that needs more fails with
  // MemoryAllocationFailed (a resource limit, exit 7) before anything is
  // allocated. The fuzzing harnesses lower it.
  uint64_t memory_limit = uint64_t(16) << 30;
  // Scratch memory kernels may take during one instruction.
  size_t temp_pool_bytes = size_t(8) << 20;
  // Most instructions one execute may run (MethodConfig::max_instructions).
  uint64_t max_instructions = kMaxInstructionsPerExecute;
  // Validation only: each execute busy-waits this percent of its own time before returning.
  double inject_slowdown_pct = 0;
};

// Per-instruction time, filled when profiling is on. A delegate that reports its steps
// (BackendExecuteContext::node_event) adds one entry per step, `node` >= 0, at its instruction.
struct InstructionProfile {
  uint32_t chain = 0;
  uint32_t instruction = 0;
  int64_t node = -1;  // the step within the delegate; -1 for the instruction itself
  std::string name;
  std::string backend;  // delegate entries: the backend id
  bool delegate = false;
  uint64_t calls = 0;
  uint64_t total_ticks = 0;
};

class Session {
 public:
  static Error open_file(const std::string& path, const SessionOptions& options, std::unique_ptr<Session>* out,
                         Diag* diag);
  static Error open_bytes(std::vector<uint8_t> bytes, const SessionOptions& options, std::unique_ptr<Session>* out,
                          Diag* diag);
  ~Session();

  bool is_bundled() const { return bundle_ != nullptr; }
  std::vector<std::string> method_names() const;
  // The default method: "forward" if present, else the only one.
  Result<std::string> default_method(Diag* diag) const;
  Error load_method(const std::string& name, Diag* diag);

  // Valid after load_method.
  const std::string& method_name() const { return method_name_; }
  std::vector<IoInfo> inputs() const;
  std::vector<IoInfo> outputs() const;
  uint32_t num_cases() const;  // bundled test cases for the loaded method
  Error set_bundled_inputs(uint32_t case_index, Diag* diag);
  std::vector<OutputCheck> check_bundled(uint32_t case_index, double rtol, double atol, Diag* diag, Error* err);
  Error set_random_inputs(uint64_t seed, Diag* diag);
  Error set_inputs(const std::vector<TensorData>& inputs, Diag* diag);
  Error execute(Diag* diag);
  // Sets the inputs of the last set_* call again: programs may reuse input
  // memory for activations, so every measured execute starts from them.
  Error restore_inputs(Diag* diag);
  std::vector<TensorData> outputs_data() const;

  void enable_profiling(bool on);
  void reset_profile();
  std::vector<InstructionProfile> profile() const;

  std::vector<size_t> planned_bytes() const { return planned_sizes_; }
  size_t method_allocator_bytes() const { return method_ ? method_->method_allocator_used() : 0; }
  size_t temp_allocator_peak_bytes() const { return temp_alloc_.peak(); }
  const std::string& sha256() const { return sha256_; }
  size_t num_instructions() const { return method_ ? method_->num_instructions() : 0; }
  // The program and the loaded method's planned arenas, for runner features that read the
  // plan or reset state between runs (runner/mutable_buffers.h).
  const Program& program() const { return *program_; }
  const PlannedMemory& planned_memory() const { return planned_; }

 private:
  Session() = default;
  Error open_program(Diag* diag);
  struct Tracer;

  SessionOptions options_;
  std::unique_ptr<MmapDataLoader> file_;
  std::vector<uint8_t> owned_;  // open_bytes: 16-byte aligned copy lives in aligned_
  uint8_t* aligned_ = nullptr;
  const uint8_t* bytes_ = nullptr;
  size_t size_ = 0;
  std::string sha256_;
  std::unique_ptr<BundledProgram> bundle_;
  std::unique_ptr<BufferDataLoader> loader_;
  std::unique_ptr<MmapDataLoader> data_file_;
  std::unique_ptr<Program> program_;
  KernelRegistry* kernels_ = nullptr;
  BackendRegistry backends_;
  std::string method_name_;
  std::vector<std::vector<uint8_t>> arenas_storage_;
  std::vector<Span<uint8_t>> arenas_;
  std::vector<size_t> planned_sizes_;
  // Allocator pools are left uninitialised: allocate_array zero-fills what
  // it hands out, and not touching 9 MiB per load keeps loads cheap.
  std::unique_ptr<uint8_t[]> method_pool_;
  std::unique_ptr<uint8_t[]> temp_pool_;
  MemoryAllocator method_alloc_;
  MemoryAllocator temp_alloc_;
  PlannedMemory planned_;
  std::unique_ptr<Method> method_;
  std::unique_ptr<Tracer> tracer_;
  std::vector<std::vector<uint8_t>> unplanned_buffers_;
  std::vector<std::vector<uint8_t>> unplanned_inputs_;
  enum class LastInputs { None, Bundled, Data } last_inputs_kind_ = LastInputs::None;
  uint32_t last_case_ = 0;
  std::vector<TensorData> last_inputs_;
};

// The kernel registry of this build (every kernel from ops.yaml), created once.
KernelRegistry& global_kernels();
// The backend registry of this build (every backend in native/backends), created once.
BackendRegistry& global_backends();
// Names of the backends this build registers.
std::vector<std::string> available_backends();

}  // namespace runner
}  // namespace etb

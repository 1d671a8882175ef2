// Method inputs and outputs on the firmware, without a heap: staging
// buffers come from a caller's allocator (the arena), layouts convert
// between logical row-major order and the tensor's dim order.
#pragma once
#include <stddef.h>
#include <stdint.h>

#include "mcu/json_out.h"
#include "runtime/bundled.h"
#include "runtime/method.h"

namespace mcu {

// The inputs of the timed execute, kept so every execute starts from them
// (programs may overwrite their input buffers with activations).
class InputSet {
 public:
  etb::Error set_bundled(etb::Method& m, const etb::BundledProgram& b, const char* method, uint32_t c,
                         etb::MemoryAllocator& alloc, etb::Diag* diag);
  // SplitMix64 values per runner-contract.md "Seeded random inputs".
  etb::Error set_random(etb::Method& m, uint64_t seed, etb::MemoryAllocator& alloc, etb::Diag* diag);
  // Returns an exit code (0, 3 bad input, 7 no memory) and a message.
  int set_from_file(etb::Method& m, const char* path, etb::MemoryAllocator& alloc, etb::Diag* diag,
                    const char** message);
  etb::Error restore(etb::Method& m, etb::Diag* diag);

 private:
  static constexpr size_t kMax = 16;
  etb::Error stage(etb::Method& m, etb::MemoryAllocator& alloc, etb::Diag* diag);
  etb::Error apply(etb::Method& m, size_t i, etb::Diag* diag);
  bool bundled_ = false;
  const etb::BundledProgram* bundle_ = nullptr;
  const char* method_ = nullptr;
  uint32_t case_ = 0;
  // Per tensor input: pristine bytes in memory order, and for unplanned
  // inputs the working copy the method aliases.
  uint8_t* pristine_[kMax] = {};
  uint8_t* work_[kMax] = {};
  size_t nbytes_[kMax] = {};
  int32_t sizes_[kMax][16] = {};
  size_t count_ = 0;
};

// Appends one method output as {dtype, shape, data} in logical order.
void write_output(JsonOut& w, const etb::EValue& v);

}  // namespace mcu

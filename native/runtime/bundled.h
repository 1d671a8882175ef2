// Bundled programs (`.bpte`, identifier BP08; docs: bundled-program.md): a
// program plus test cases with inputs and expected outputs.
//
//   auto bundle = etb::BundledProgram::parse(bytes, size, &diag);
//   etb::BufferDataLoader loader(bundle->program().data(), bundle->program().size());
//   ... load the program and method "forward" ...
//   bundle->set_inputs(method, "forward", case_index, &diag);
//   method.execute(&diag);
//   etb::OutputCheck checks[8];
//   bundle->check_outputs(method, "forward", case_index, 1e-5, 1e-8, checks, 8, &diag);
//
// The bundle bytes are not owned and must outlive the BundledProgram, the
// Program loaded from it and every Method given bundled inputs (unplanned
// inputs alias the bundle's bytes).
#pragma once
#include <stddef.h>
#include <stdint.h>

#include "runtime/diag.h"
#include "runtime/method.h"
#include "runtime/result.h"
#include "runtime/span.h"

namespace etb {

// True when bytes 4..7 are the bundled-program identifier.
bool is_bundled_program(const uint8_t* data, size_t size);

// The comparison of one output with its expected value.
struct OutputCheck {
  bool pass = false;
  double max_abs_err = 0;
  double max_rel_err = 0;
  double cosine = 1;
  const char* reason = "";  // why it failed, when it did (static string)
};

class BundledProgram {
 public:
  static Result<BundledProgram> parse(const uint8_t* data, size_t size, Diag* diag);

  // The embedded `.pte` bytes (32-byte aligned relative to the bundle).
  Span<const uint8_t> program() const { return program_; }
  // Test cases for `method`; 0 when the bundle has no suite for it.
  Result<uint32_t> num_cases(const char* method, Diag* diag) const;
  Error set_inputs(Method& m, const char* method, uint32_t case_index, Diag* diag) const;
  // Compares each output; returns the number of outputs checked (<= cap).
  Result<size_t> check_outputs(const Method& m, const char* method, uint32_t case_index, double rtol, double atol,
                               OutputCheck* checks, size_t cap, Diag* diag) const;

 private:
  Result<fb::TableVector> cases_for(const char* method, bool* found, Diag* diag) const;
  Result<fb::Table> test_case(const char* method, uint32_t case_index, Diag* diag) const;
  const uint8_t* data_ = nullptr;
  size_t size_ = 0;
  Span<const uint8_t> program_;
};

// Compares `actual` with expected data of the same dtype and shape using the
// bundled-program rule |a - e| <= atol + |rtol * e| for float types and exact
// bytes otherwise; fills the error statistics either way.
OutputCheck compare_tensor(const Tensor& actual, const void* expected, double rtol, double atol);

}  // namespace etb

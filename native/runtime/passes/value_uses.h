// Internal to the load-time passes (passes.h): who reads and who writes each
// value of a method, and which instructions a JumpFalse can skip or land on.
// A pass may only rewrite what this analysis proves nobody else observes.
#pragma once
#include <stdint.h>

#include "runtime/method.h"

namespace etb {
namespace passes {

struct ValueUse {
  uint16_t writes = 0;  // return slots (and their list items), move targets, delegate arguments, frees; saturates
  uint16_t reads = 0;   // other kernel arguments (and list items), move sources, jump conditions
  bool io = false;      // a method input or output: the caller sees it
};

struct MethodView {
  EValue* values;
  uint32_t num_values;
  const uint32_t* inputs;
  size_t num_inputs;
  const uint32_t* outputs;
  size_t num_outputs;
  Method::Chain* chains;
  uint32_t num_chains;

  // Index of `v` in the value table (v points into it).
  uint32_t index_of(const EValue* v) const { return uint32_t(v - values); }
  // False for values a pass made (a folded weight): they live outside the table.
  bool in_table(const EValue* v) const { return v >= values && v < values + num_values; }
};

// Fills uses[0 .. num_values) (caller memory) from every chain.
void count_uses(const MethodView& m, ValueUse* uses);
// uses[v], or for a value a pass made, a constant's (no reads or writes counted, not io).
const ValueUse& use_of(const MethodView& m, const ValueUse* uses, const EValue* v);

// Bytes a tensor may occupy (its planned capacity, or its current size if larger).
size_t span_bytes(const Tensor& t);
// Whether the bytes two tensors may occupy overlap.
bool bytes_meet(const Tensor& a, const Tensor& b);
// Whether the bytes of `t` meet those of any tensor argument of `ins` other
// than `skip` (the instruction's own out): writing `t` there would overwrite
// what it reads.
bool meets_arguments(const Method::Instruction& ins, const EValue* skip, const Tensor& t);
// The first instruction after `pc` that is not Skipped, when no JumpFalse lands
// on it or on the skipped ones between (so it always runs right after `pc`); null otherwise.
Method::Instruction* next_run(const Method::Chain& chain, uint32_t pc);

// Whether a JumpFalse of `chain` can skip instruction `pc` (it lies strictly
// between a jump and the jump's forward destination).
bool may_be_skipped(const Method::Chain& chain, uint32_t pc);
// Whether a JumpFalse of `chain` lands on instruction `pc`.
bool is_jump_target(const Method::Chain& chain, uint32_t pc);

// The value a kernel instruction writes when its return slot is one tensor; null otherwise.
EValue* single_out(const Method::Instruction& ins);

// Whether `ins` is a kernel instruction of operator `name` with `nargs` arguments.
bool is_op(const Method::Instruction* ins, const char* name, uint32_t nargs);
// Whether `v` holds the same thing on every execute: a constant tensor, or a
// non-tensor no instruction writes and the caller cannot set (lists: every item).
bool fixed(const MethodView& m, const ValueUse* uses, const EValue* v);

}  // namespace passes
}  // namespace etb

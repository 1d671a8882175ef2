// Load-time graph passes, run by Method::load for the optimized kernel set
// only (portable programs execute exactly as written). Each pass rewrites
// the loaded instructions in place and turns what it made redundant into
// InstructionKind::Skipped, so instruction indices, jump destinations and
// profile positions stay those of the program.
//
//   fuse_quantized_conv  before kernel init, first (the weight's dequantize
//                     is still an instruction): dequantize -> convolution ->
//                     [relu] -> quantize, all per-tensor int8, becomes one
//                     int8 convolution reading and writing the int8 tensors.
//   fold_constants    before kernel init: layout-only operators (permute,
//                     view, transpose, ...) of constants run once; their out
//                     becomes a constant, so GEMM prepare packs it once.
//   fuse_hardswish    before kernel init, after fold_constants: the
//                     decomposed hardswish / hardsigmoid (x + 3, clamp 0..6,
//                     times x, / 6) becomes one optimized hardswish /
//                     hardsigmoid instruction.
//   fold_batch_norms  before kernel init, after fuse_hardswish: an inference
//                     batch norm right after a convolution with constant
//                     weights is folded into new weights and bias.
//   fuse_activations  after kernel init: relu / hardtanh / clamp right after
//                     an optimized conv / addmm / linear / mm is applied in
//                     the GEMM's epilogue, or after a same-shape float32 add
//                     in the add.
//   mark_unread_outs  after kernel init: an optimized max pool's indices that
//                     nobody reads are left unwritten (Instruction::unread_outs).
//
// docs/optimized-kernels.md ("Load-time passes") says what each pass
// accepts and refuses, and what the op profile and memory report show.
#pragma once
#include "runtime/method.h"
#include "runtime/passes/value_uses.h"

namespace etb {
namespace passes {

struct PassContext {
  MethodView m;
  const MethodConfig& config;
  Diag* diag;
  ValueUse* uses;  // num_values entries, refreshed by each pass
};

// Both return Ok when nothing applies. Errors: MemoryAllocationFailed when the
// method allocator cannot hold a folded tensor or a fused name (the caller
// may retry with a larger pool, as for kernel prepare).
[[nodiscard]] Error fuse_quantized_conv(PassContext& p, uint32_t* fused);
[[nodiscard]] Error fold_constants(PassContext& p, uint32_t* folded);
[[nodiscard]] Error fold_batch_norms(PassContext& p, uint32_t* folded);
[[nodiscard]] Error fuse_activations(PassContext& p, uint32_t* fused);
[[nodiscard]] Error fuse_hardswish(PassContext& p, uint32_t* fused);
[[nodiscard]] Error mark_unread_outs(PassContext& p, uint32_t* marked);

}  // namespace passes
}  // namespace etb

// The int8 convolution pass (passes.h). A program quantized with PT2E and
// not delegated runs every convolution in float32 between a dequantize and a
// quantize:
//
//   x = dequantize_per_tensor(x_q)    (somewhere before)
//   w = dequantize_per_tensor(w_q)    (of a constant)
//   y = convolution(x, w, bias)
//   y = relu(y)                       (optional, right after)
//   y_q = quantize_per_tensor(y)      (right after)
//
// The convolution becomes one fused::quantized_conv2d instruction
// (kernels/optimized/quantized_conv.h) that reads x_q and writes y_q; the
// dequantizes, the relu and the quantize are skipped. The integer sums are
// exact; the one requantization (and the bias rounded to the input scale
// times the weight scale) may move an output by one step of its scale
// against the float32 graph. It runs before kernel init and before
// fold_constants, while the weight's dequantize is still an instruction.
//
// Reading x_q at the convolution rather than at its dequantize is only sound
// when nothing in between writes x_q's bytes (the memory plan may reuse them
// once the dequantize has read them): the pass checks every instruction in
// between.
#include <string.h>

#include "kernels/optimized/quantized_conv.h"
#include "runtime/passes/passes.h"

namespace etb {
namespace passes {
namespace {

using optimized::QConvGeom;

constexpr uint32_t kConvArgs = 11, kDequantArgs = 9, kQuantArgs = 8, kReluArgs = 3;

// Written once, read once (by the next step), invisible to the caller.
bool private_value(const PassContext& p, const EValue* v) {
  const ValueUse& u = use_of(p.m, p.uses, v);
  return v->is_tensor() && u.writes == 1 && u.reads == 1 && !u.io;
}

// A per-tensor int8 (de)quantize's fixed scale, zero point, bounds and
// dtype, reading float32 (a quantize) or int8 (a dequantize).
bool int8_params(const PassContext& p, const Method::Instruction& ins, ScalarType in) {
  for (uint32_t k = 1; k <= 5; k++) {
    if (!fixed(p.m, p.uses, ins.args[k])) return false;
  }
  return ins.args[1]->is_double() && ins.args[2]->is_int() && ins.args[3]->is_int() && ins.args[4]->is_int() &&
         ins.args[5]->is_int() && ins.args[5]->u.i == int64_t(ScalarType::Char) && ins.args[0]->is_tensor() &&
         ins.args[0]->tensor().dtype == in;
}

// An int8 per-tensor dequantize to float32 writing `v`, earlier in the chain: its index, or -1.
int64_t dequantize_writing(const PassContext& p, const Method::Chain& chain, uint32_t before, const EValue* v) {
  for (uint32_t pc = before; pc-- > 0;) {
    const Method::Instruction& ins = chain.instructions[pc];
    if (ins.kind != InstructionKind::Kernel || single_out(ins) != v) continue;
    if (!is_op(&ins, "quantized_decomposed::dequantize_per_tensor.out", kDequantArgs) || !int8_params(p, ins, ScalarType::Char)) {
      return -1;
    }
    const EValue* out_dtype = ins.args[6];
    if (!out_dtype->is_none() && !(out_dtype->is_int() && out_dtype->u.i == int64_t(ScalarType::Float))) return -1;
    if (!out_dtype->is_none() && !fixed(p.m, p.uses, out_dtype)) return -1;
    return pc;
  }
  return -1;
}

struct Match {
  uint32_t dq_x, conv, dq_w;
  int64_t relu;  // -1: none
  uint32_t quant;
  bool skip_dq_w;  // the weight's dequantize has no other reader
  EValue* args[optimized::kQcArgs];
};

// Whether every instruction from x_q's dequantize to the convolution runs
// whenever the convolution does, and those in between leave x_q's bytes alone.
bool quiet_between(const Method::Chain& chain, const Match& mt, const Tensor& xq) {
  for (uint32_t pc = mt.dq_x; pc <= mt.conv; pc++) {
    if (may_be_skipped(chain, pc) || (pc != mt.dq_x && is_jump_target(chain, pc))) return false;
    const Method::Instruction& ins = chain.instructions[pc];
    if (pc == mt.dq_x || pc == mt.conv || (pc == mt.dq_w && mt.skip_dq_w)) continue;
    if (ins.kind == InstructionKind::Skipped) continue;
    if (ins.kind != InstructionKind::Kernel) return false;
    for (uint32_t k = 0; k < ins.nargs; k++) {
      const EValue* a = ins.args[k];
      if (!a->is_tensor() || a->tensor().is_constant) continue;
      // Bytes the caller provides (no data at load) never meet the planned arena; two such may be one buffer.
      const Tensor& t = a->tensor();
      if ((t.data == nullptr) != (xq.data == nullptr)) continue;
      if (t.data == nullptr || bytes_meet(t, xq)) return false;
    }
  }
  return true;
}

bool match(const PassContext& p, const Method::Chain& chain, uint32_t pc, Match* mt, EValue* relu_flag) {
  Method::Instruction& conv = chain.instructions[pc];
  if (!is_op(&conv, "aten::convolution.out", kConvArgs)) return false;
  EValue** a = conv.args;
  if (!a[6]->is_bool() || a[6]->u.b) return false;
  for (uint32_t k : {3u, 4u, 5u, 6u, 8u}) {
    if (!fixed(p.m, p.uses, a[k])) return false;
  }
  if (!a[2]->is_none() && (!a[2]->is_tensor() || use_of(p.m, p.uses, a[2]).writes != 0)) return false;
  // The input and weight come from int8 dequantizes, each writing its value alone.
  const ValueUse &ux = use_of(p.m, p.uses, a[0]), &uw = use_of(p.m, p.uses, a[1]);
  if (ux.writes != 1 || ux.reads != 1 || ux.io || uw.writes != 1 || uw.io) return false;
  const int64_t dq_x = dequantize_writing(p, chain, pc, a[0]), dq_w = dequantize_writing(p, chain, pc, a[1]);
  if (dq_x < 0 || dq_w < 0) return false;
  const Method::Instruction &dx = chain.instructions[dq_x], &dw = chain.instructions[dq_w];
  const Tensor& wq = dw.args[0]->tensor();
  if (!wq.is_constant || wq.data == nullptr || use_of(p.m, p.uses, dw.args[0]).writes != 0) return false;
  const ValueUse& uq = use_of(p.m, p.uses, dx.args[0]);
  if (uq.writes > 1) return false;
  // Then an optional relu and the quantize, each right after the one before.
  // Each step's out is its return slot too (one value), so no other value names it.
  mt->relu = -1;
  EValue* cur = a[9];
  if (a[10] != cur) return false;
  Method::Instruction* next = next_run(chain, pc);
  if (is_op(next, "aten::relu.out", kReluArgs) && next->args[0] == cur && next->args[1] == next->args[2]) {
    if (!private_value(p, cur)) return false;
    mt->relu = next - chain.instructions;
    cur = single_out(*next);
    next = next_run(chain, uint32_t(mt->relu));
  }
  if (cur == nullptr || !private_value(p, cur)) return false;
  if (!is_op(next, "quantized_decomposed::quantize_per_tensor.out", kQuantArgs) || next->args[0] != cur ||
      next->args[7] != next->args[6] || !int8_params(p, *next, ScalarType::Float)) {
    return false;
  }
  mt->dq_x = uint32_t(dq_x), mt->conv = pc, mt->dq_w = uint32_t(dq_w), mt->quant = uint32_t(next - chain.instructions);
  mt->skip_dq_w = uw.reads == 1;
  if (!quiet_between(chain, *mt, dx.args[0]->tensor())) return false;
  using namespace optimized;
  EValue** f = mt->args;
  f[kQcInput] = dx.args[0], f[kQcInScale] = dx.args[1], f[kQcInZp] = dx.args[2];
  f[kQcWeight] = dw.args[0], f[kQcWScale] = dw.args[1], f[kQcWZp] = dw.args[2];
  f[kQcBias] = a[2], f[kQcStride] = a[3], f[kQcPadding] = a[4], f[kQcDilation] = a[5], f[kQcGroups] = a[8];
  f[kQcOutScale] = next->args[1], f[kQcOutZp] = next->args[2], f[kQcOutMin] = next->args[3];
  f[kQcOutMax] = next->args[4], f[kQcOut] = next->args[6], f[kQcReturn] = next->args[6];
  relu_flag->tag = Tag::Bool;
  relu_flag->u.b = mt->relu >= 0;
  f[kQcRelu] = relu_flag;
  QConvGeom g;
  return qconv_geometry(f, &g);
}

Error fuse(PassContext& p, Method::Chain& chain, const Match& mt, const KernelEntry* kernel, EValue* relu_flag) {
  MemoryAllocator* alloc = p.config.memory.method_allocator;
  auto* args = static_cast<EValue**>(alloc->allocate(optimized::kQcArgs * sizeof(EValue*), alignof(EValue*)));
  auto* flag = static_cast<EValue*>(alloc->allocate(sizeof(EValue), alignof(EValue)));
  if (args == nullptr || flag == nullptr) {
    return fail(p.diag, Error::MemoryAllocationFailed, "method allocator exhausted fusing an int8 convolution");
  }
  *flag = *relu_flag;
  memcpy(args, mt.args, sizeof(mt.args));
  args[optimized::kQcRelu] = flag;
  Method::Instruction& conv = chain.instructions[mt.conv];
  conv.kernel = kernel;
  conv.args = args;
  conv.nargs = optimized::kQcArgs;
  conv.name = StringView{"fused::quantized_conv2d", 23};
  chain.instructions[mt.dq_x].kind = InstructionKind::Skipped;
  if (mt.skip_dq_w) chain.instructions[mt.dq_w].kind = InstructionKind::Skipped;
  if (mt.relu >= 0) chain.instructions[mt.relu].kind = InstructionKind::Skipped;
  chain.instructions[mt.quant].kind = InstructionKind::Skipped;
  return Error::Ok;
}

}  // namespace

Error fuse_quantized_conv(PassContext& p, uint32_t* fused) {
  *fused = 0;
  const KernelEntry* kernel = p.config.kernels->find_in_set(optimized::kQuantizedConvName, KernelSet::Fused);
  if (kernel == nullptr) return Error::Ok;  // a build without it runs the graph as written
  count_uses(p.m, p.uses);
  for (uint32_t c = 0; c < p.m.num_chains; c++) {
    Method::Chain& chain = p.m.chains[c];
    for (uint32_t pc = 0; pc < chain.count; pc++) {
      Match mt;
      EValue relu_flag;
      if (!match(p, chain, pc, &mt, &relu_flag)) continue;
      ETB_RETURN_IF_ERROR(fuse(p, chain, mt, kernel, &relu_flag));
      (*fused)++;
    }
  }
  return Error::Ok;
}

}  // namespace passes
}  // namespace etb

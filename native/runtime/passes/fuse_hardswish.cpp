// The hardswish-fusion pass (passes.h). Exporters decompose hardswish and
// hardsigmoid (MobileNetV3) into four or five elementwise instructions,
//   a = x + 3;  c = clamp(a, 0, 6);  e = x * c / 6   (hardswish)
//                                    e = c / 6       (hardsigmoid)
// with the clamp as one clamp / hardtanh or as clamp(min 0) then
// clamp(max 6), the adds and divides by a Scalar or by a one-element constant
// tensor. Each pass over the tensor costs a full read and write; the optimized
// hardswish / hardsigmoid kernels do the same operations in the same order
// (x + 3, max 0, min 6, times x, divided by 6, each rounded to float32) in one
// pass, so results are bit for bit those of the decomposition. The first
// instruction becomes the fused kernel ("fused::hardswish" in profiles), the
// others are skipped. It runs before kernel init, so the fused kernel is
// prepared like any other.
#include <string.h>

#include "runtime/passes/passes.h"

namespace etb {
namespace passes {
namespace {

// A number the program fixes: an int or double nobody writes, or a constant
// one-element float32 tensor (an exporter's lifted scalar).
bool fixed_number(const PassContext& p, const EValue* v, double* out) {
  const ValueUse& u = use_of(p.m, p.uses, v);
  if (u.writes != 0 || u.io) return false;
  if (v->is_int()) {
    *out = double(v->u.i);
    return true;
  }
  if (v->is_double()) {
    *out = v->u.d;
    return true;
  }
  if (!v->is_tensor()) return false;
  const Tensor& t = v->tensor();
  if (!t.is_constant || t.data == nullptr || t.dtype != ScalarType::Float || t.numel() != 1) return false;
  *out = double(*t.data_as<const float>());
  return true;
}

bool is_number(const PassContext& p, const EValue* v, double want) {
  double got;
  return fixed_number(p, v, &got) && got == want;
}

bool same_f32(const Tensor& a, const Tensor& b) {
  if (a.dtype != ScalarType::Float || b.dtype != ScalarType::Float || a.dim != b.dim) return false;
  if (!a.is_contiguous() || !b.is_contiguous()) return false;
  for (int32_t d = 0; d < a.dim; d++) {
    if (a.sizes[d] != b.sizes[d]) return false;
  }
  return true;
}

// `mid`, written by one step, is read by the next step alone, invisible
// outside, and shaped like x.
bool private_step(const PassContext& p, const EValue* mid, const Tensor& x) {
  if (mid == nullptr || !mid->is_tensor()) return false;
  const ValueUse& u = use_of(p.m, p.uses, mid);
  return u.writes == 1 && u.reads == 1 && !u.io && same_f32(mid->tensor(), x);
}

// x + 3 (add.Scalar_out or add.out with a fixed 3, alpha 1): x, or null.
EValue* add_three(const PassContext& p, const Method::Instruction& ins) {
  const bool scalar = is_op(&ins, "aten::add.Scalar_out", 5);
  if (!scalar && !is_op(&ins, "aten::add.out", 5)) return nullptr;
  if (!ins.args[0]->is_tensor() || !is_number(p, ins.args[1], 3.0) || !is_number(p, ins.args[2], 1.0)) return nullptr;
  return ins.args[0];
}

// A clamp step's bounds (None leaves that side open); false if `ins` is not one.
bool clamp_step(const PassContext& p, const Method::Instruction* ins, double* lo, double* hi) {
  const bool clamp = is_op(ins, "aten::clamp.out", 5);
  if (!clamp && !is_op(ins, "aten::hardtanh.out", 5)) return false;
  *lo = -__builtin_inf();
  *hi = __builtin_inf();
  for (int k = 0; k < 2; k++) {
    const EValue* b = ins->args[1 + k];
    if (clamp && b->is_none() && use_of(p.m, p.uses, b).writes == 0) continue;
    if (!fixed_number(p, b, k == 0 ? lo : hi)) return false;
  }
  return true;
}

// x / 6 (div.Scalar_out, or div.out by a fixed 6) reading `in`: the out, or null.
EValue* divide_by_six(const PassContext& p, const Method::Instruction* ins, const EValue* in) {
  if (!is_op(ins, "aten::div.Scalar_out", 4) && !is_op(ins, "aten::div.out", 4)) return nullptr;
  if (ins->args[0] != in || !is_number(p, ins->args[1], 6.0)) return nullptr;
  return single_out(*ins);
}

struct Match {
  Method::Instruction* steps[5];
  uint32_t count;
  EValue* x;
  EValue* out;
  bool swish;  // hardswish (with the multiply) or hardsigmoid
};

// The pattern starting at instruction `pc`, each later step running right after the one before.
bool match(const PassContext& p, const Method::Chain& chain, uint32_t pc, Match* mt) {
  Method::Instruction* ins = &chain.instructions[pc];
  // The instruction that runs right after the last matched step, or null.
  const auto after_last = [&] { return next_run(chain, uint32_t(mt->steps[mt->count - 1] - chain.instructions)); };
  mt->count = 0;
  mt->x = add_three(p, *ins);
  if (mt->x == nullptr) return false;
  const Tensor& x = mt->x->tensor();
  mt->steps[mt->count++] = ins;
  EValue* cur = single_out(*ins);
  // One or two clamp steps whose composition is clamp(0, 6).
  double lo = -__builtin_inf(), hi = __builtin_inf();
  for (int k = 0; k < 2; k++) {
    Method::Instruction* next = after_last();
    double l, h;
    if (!clamp_step(p, next, &l, &h) || next->args[0] != cur || !private_step(p, cur, x)) break;
    // Only these compose into one clamp(lo, hi): bounds set once each, lower first.
    if ((l != -__builtin_inf() && (lo != -__builtin_inf() || hi != __builtin_inf())) ||
        (h != __builtin_inf() && hi != __builtin_inf())) {
      return false;
    }
    if (l != -__builtin_inf()) lo = l;
    if (h != __builtin_inf()) hi = h;
    mt->steps[mt->count++] = next;
    cur = single_out(*next);
  }
  if (mt->count == 1 || lo != 0.0 || hi != 6.0 || !private_step(p, cur, x)) return false;
  Method::Instruction* next = after_last();
  mt->swish = is_op(next, "aten::mul.out", 4) &&
              ((next->args[0] == mt->x && next->args[1] == cur) || (next->args[0] == cur && next->args[1] == mt->x));
  if (mt->swish) {
    mt->steps[mt->count++] = next;
    cur = single_out(*next);
    if (!private_step(p, cur, x)) return false;
    next = after_last();
  }
  mt->out = divide_by_six(p, next, cur);
  if (mt->out == nullptr || !same_f32(mt->out->tensor(), x)) return false;
  mt->steps[mt->count++] = next;
  // One pass reads x[i] and then writes out[i]: the out may be x's bytes
  // exactly, but not overlap them shifted.
  const Tensor& o = mt->out->tensor();
  return o.data == x.data || o.data == nullptr || x.data == nullptr || !bytes_meet(o, x);
}

Error fuse(PassContext& p, const Match& mt, uint32_t* fused) {
  const char* op = mt.swish ? "aten::hardswish.out" : "aten::hardsigmoid.out";
  const KernelEntry* kernel = p.config.kernels->find_in_set(op, KernelSet::Optimized);
  if (kernel == nullptr) return Error::Ok;  // a build without it runs the steps as written
  auto* args = static_cast<EValue**>(p.config.memory.method_allocator->allocate(3 * sizeof(EValue*), alignof(EValue*)));
  if (args == nullptr) {
    return fail(p.diag, Error::MemoryAllocationFailed, "method allocator exhausted fusing %s", op);
  }
  args[0] = mt.x;
  args[1] = mt.out;
  args[2] = mt.out;
  Method::Instruction& first = *mt.steps[0];
  first.kernel = kernel;
  first.args = args;
  first.nargs = 3;
  first.name = mt.swish ? StringView{"fused::hardswish", 16} : StringView{"fused::hardsigmoid", 18};
  for (uint32_t k = 1; k < mt.count; k++) mt.steps[k]->kind = InstructionKind::Skipped;
  (*fused)++;
  return Error::Ok;
}

}  // namespace

Error fuse_hardswish(PassContext& p, uint32_t* fused) {
  *fused = 0;
  count_uses(p.m, p.uses);
  for (uint32_t c = 0; c < p.m.num_chains; c++) {
    Method::Chain& chain = p.m.chains[c];
    for (uint32_t pc = 0; pc < chain.count; pc++) {
      Match mt;
      if (!match(p, chain, pc, &mt)) continue;
      ETB_RETURN_IF_ERROR(fuse(p, mt, fused));
    }
  }
  return Error::Ok;
}

}  // namespace passes
}  // namespace etb

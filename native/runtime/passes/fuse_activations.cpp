// The activation-fusion pass (passes.h). A GEMM-based optimized kernel, or an
// optimized same-shape float32 add, followed directly by relu, hardtanh or
// clamp of its out writes the activation's out itself, clamped as it stores
// (KernelContext::out_lo / out_hi), and the activation instruction is
// skipped. The fused instruction is renamed "<op>+<activation>" (e.g.
// "aten::convolution.out+relu", "aten::add.out+relu": ResNet's residual join)
// so op profiles say what ran.
#include <math.h>
#include <string.h>

#include "runtime/passes/passes.h"

namespace etb {
namespace passes {
namespace {

// Optimized GEMM kernels that apply KernelContext::out_lo / out_hi.
const char* const kClampingKernels[] = {"aten::convolution.out", "aten::addmm.out", "aten::linear.out", "aten::mm.out"};

bool is_gemm(const KernelEntry* k) {
  for (const char* name : kClampingKernels) {
    if (strcmp(name, k->name) == 0) return true;
  }
  return false;
}

bool same_shape(const Tensor& a, const Tensor& b) {
  if (a.dtype != b.dtype || a.dim != b.dim) return false;
  for (int32_t d = 0; d < a.dim; d++) {
    if (a.sizes[d] != b.sizes[d]) return false;
  }
  return true;
}

bool dense_f32_like(const EValue* v, const Tensor& like) {
  return v->is_tensor() && v->tensor().dtype == ScalarType::Float && v->tensor().is_contiguous() &&
         same_shape(v->tensor(), like);
}

// The optimized add clamps on its same-shape float32 path (op_binary.cpp):
// self, other and out dense float32 of one shape, alpha a program constant 1.
bool is_plain_add(const PassContext& p, const Method::Instruction& ins) {
  if (strcmp(ins.kernel->name, "aten::add.out") != 0 || ins.nargs != 5) return false;
  EValue* out = single_out(ins);
  if (out == nullptr) return false;
  const Tensor& o = out->tensor();
  if (!dense_f32_like(ins.args[0], o) || !dense_f32_like(ins.args[1], o) || !dense_f32_like(out, o)) return false;
  const EValue* alpha = ins.args[2];
  const ValueUse& u = use_of(p.m, p.uses, alpha);
  if (u.writes != 0 || u.io) return false;
  return (alpha->is_int() && alpha->u.i == 1) || (alpha->is_double() && alpha->u.d == 1.0);
}

bool clamps(const PassContext& p, const Method::Instruction& ins) {
  if (ins.kernel->set != KernelSet::Optimized) return false;  // fell back to portable at init
  return is_gemm(ins.kernel) || is_plain_add(p, ins);
}

// Whether writing `t` during `ins` could overwrite what `ins` still reads.
// An elementwise add reads element i only to write element i, so an out on
// exactly the bytes of a same-shape input is safe there (the memory plan
// often gives the activation the dead input's bytes); a GEMM reads each
// input element for many outputs, so any overlap counts.
bool overwrites_input(const Method::Instruction& ins, const EValue* skip, const Tensor& t) {
  if (is_gemm(ins.kernel)) return meets_arguments(ins, skip, t);
  for (uint32_t k = 0; k < ins.nargs; k++) {
    const EValue* a = ins.args[k];
    if (a == skip || !a->is_tensor() || a->tensor().data == nullptr) continue;
    if (a->tensor().data == t.data && dense_f32_like(a, t)) continue;  // in place, element by element
    if (bytes_meet(t, a->tensor())) return true;
  }
  return false;
}

// A scalar bound the program fixes (no instruction writes it); false for
// anything else. None leaves `*bound` unchanged (no bound on that side).
bool fixed_bound(const PassContext& p, const EValue* v, float* bound) {
  const ValueUse& u = use_of(p.m, p.uses, v);
  if (u.writes != 0 || u.io) return false;
  double d;
  if (v->is_none()) return true;
  if (v->is_int()) {
    d = double(v->u.i);
  } else if (v->is_double()) {
    d = v->u.d;
  } else {
    return false;
  }
  if (isnan(d)) return false;
  *bound = float(d);
  return true;
}

// The activation's bounds and short name; false if `act` is not one we fuse.
bool activation_bounds(const PassContext& p, const Method::Instruction& act, float* lo, float* hi,
                       const char** short_name) {
  const char* name = act.kernel->name;
  *lo = -__builtin_inff();
  *hi = __builtin_inff();
  if (strcmp(name, "aten::relu.out") == 0 && act.nargs == 3) {
    *lo = 0.0f;
    *short_name = "relu";
    return true;
  }
  if (strcmp(name, "aten::hardtanh.out") == 0 && act.nargs == 5) {
    *short_name = "hardtanh";
    return !act.args[1]->is_none() && !act.args[2]->is_none() && fixed_bound(p, act.args[1], lo) &&
           fixed_bound(p, act.args[2], hi);
  }
  if (strcmp(name, "aten::clamp.out") == 0 && act.nargs == 5) {
    *short_name = "clamp";
    return fixed_bound(p, act.args[1], lo) && fixed_bound(p, act.args[2], hi);
  }
  return false;
}

Error fuse(PassContext& p, Method::Instruction& gemm, Method::Instruction& act, float lo, float hi,
           const char* short_name) {
  EValue* mid = gemm.args[gemm.nargs - 1];
  EValue* out = act.args[act.nargs - 1];
  MemoryAllocator* alloc = p.config.memory.method_allocator;
  const size_t len = gemm.name.size + 1 + strlen(short_name);
  auto* name = static_cast<char*>(alloc->allocate(len + 1, 1));
  auto* bounds = static_cast<float*>(alloc->allocate(2 * sizeof(float), alignof(float)));
  if (name == nullptr || bounds == nullptr) {
    return fail(p.diag, Error::MemoryAllocationFailed, "method allocator exhausted fusing %.*s with %s",
                int(gemm.name.size), gemm.name.data, short_name);
  }
  memcpy(name, gemm.name.data, gemm.name.size);
  name[gemm.name.size] = '+';
  memcpy(name + gemm.name.size + 1, short_name, strlen(short_name) + 1);
  bounds[0] = lo;
  bounds[1] = hi;
  for (uint32_t k = 0; k < gemm.nargs; k++) {
    if (gemm.args[k] == mid) gemm.args[k] = out;
  }
  gemm.clamp = bounds;
  gemm.name = StringView{name, len};
  act.kind = InstructionKind::Skipped;
  return Error::Ok;
}

}  // namespace

Error fuse_activations(PassContext& p, uint32_t* fused) {
  *fused = 0;
  count_uses(p.m, p.uses);
  for (uint32_t c = 0; c < p.m.num_chains; c++) {
    Method::Chain& chain = p.m.chains[c];
    for (uint32_t pc = 0; pc + 1 < chain.count; pc++) {
      Method::Instruction& gemm = chain.instructions[pc];
      // The next instruction that runs, past a batch norm folded into a convolution;
      // none if a jump lands in between (it would run the activation without the GEMM).
      Method::Instruction* next = next_run(chain, pc);
      if (gemm.kind != InstructionKind::Kernel || next == nullptr || next->kind != InstructionKind::Kernel) continue;
      Method::Instruction& act = *next;
      if (!clamps(p, gemm) || gemm.clamp != nullptr || act.nargs == 0) continue;
      EValue* mid = single_out(gemm);
      EValue* out = single_out(act);
      if (mid == nullptr || out == nullptr || act.args[0] != mid) continue;
      // The GEMM's out is read by the activation alone and invisible outside.
      const ValueUse& u = p.uses[p.m.index_of(mid)];
      if (u.writes != 1 || u.reads != 1 || u.io) continue;
      const Tensor& t = out->tensor();
      if (!same_shape(t, mid->tensor()) || t.dtype != ScalarType::Float || !t.is_contiguous()) continue;
      // The activation's out must have its own planned bytes, apart from the GEMM's inputs.
      if (out != mid && (!t.is_planned || t.data == nullptr || overwrites_input(gemm, mid, t))) continue;
      float lo, hi;
      const char* short_name = "";
      if (!activation_bounds(p, act, &lo, &hi, &short_name)) continue;
      ETB_RETURN_IF_ERROR(fuse(p, gemm, act, lo, hi, short_name));
      (*fused)++;
    }
  }
  return Error::Ok;
}

}  // namespace passes
}  // namespace etb

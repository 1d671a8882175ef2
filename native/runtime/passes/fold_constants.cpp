// The constant-folding pass (passes.h). A folded instruction's out gets its
// own bytes in the method allocator (the planned arena slot it had stays
// reserved, as planned), so method_allocator_bytes grows by the folded
// tensors: identical folds (the same operator on the same constant, as an
// unrolled LSTM transposes its weights every step) share one copy.
#include <string.h>

#include "runtime/passes/passes.h"

namespace etb {
namespace passes {
namespace {

// Operators that only move, reinterpret or dequantize bytes: their result is
// a pure function of their arguments, cheap to compute once.
const char* const kFoldable[] = {
    "aten::permute_copy.out",      "aten::view_copy.out",        "aten::t_copy.out",
    "aten::transpose_copy.int_out", "aten::unsqueeze_copy.out",  "aten::squeeze_copy.out",
    "aten::squeeze_copy.dim_out",  "aten::squeeze_copy.dims_out", "aten::expand_copy.out",
    "aten::clone.out",             "aten::_to_copy.out",          "aten::alias_copy.out",
    "dim_order_ops::_clone_dim_order.out", "dim_order_ops::_to_dim_order_copy.out",
    // Weights of a quantize-dequantize graph: dequantized once, then packed once like any float weight.
    "quantized_decomposed::dequantize_per_tensor.out", "quantized_decomposed::dequantize_per_tensor.Tensor_out",
    "quantized_decomposed::dequantize_per_channel.out",
};

bool foldable(const char* name) {
  for (const char* f : kFoldable) {
    if (strcmp(f, name) == 0) return true;
  }
  return false;
}

bool overlaps(const Tensor& a, const Tensor& b) {
  if (a.data == nullptr || b.data == nullptr) return false;
  const uint8_t *pa = static_cast<const uint8_t*>(a.data), *pb = static_cast<const uint8_t*>(b.data);
  return pa < pb + span_bytes(b) && pb < pa + span_bytes(a);
}

// A planned tensor that no instruction writes but something reads, in the
// same bytes as `out`: it aliases whatever the program writes there (the
// exporter does this for views), and would stop seeing `out` once it moves.
bool aliased(const PassContext& p, const EValue* out) {
  const Tensor& t = out->tensor();
  if (!t.is_planned) return false;
  for (uint32_t i = 0; i < p.m.num_values; i++) {
    const EValue& v = p.m.values[i];
    if (&v == out || !v.is_tensor() || v.tensor().is_constant) continue;
    const ValueUse& u = p.uses[i];
    // Inputs are written by the caller: sharing bytes with one only means the
    // planner knows it is dead by then.
    if (u.writes == 0 && !u.io && u.reads != 0 && overlaps(t, v.tensor())) return true;
  }
  return false;
}

bool can_fold(const PassContext& p, const Method::Chain& chain, uint32_t pc) {
  const Method::Instruction& ins = chain.instructions[pc];
  const EValue* out = single_out(ins);
  if (out == nullptr || !foldable(ins.kernel->name) || out->tensor().is_constant) return false;
  const ValueUse& u = p.uses[p.m.index_of(out)];
  // Written only here, invisible to the caller, and run on every execute.
  if (u.writes != 1 || u.io || may_be_skipped(chain, pc)) return false;
  for (uint32_t k = 0; k + 1 < ins.nargs; k++) {
    if (ins.args[k] != out && !fixed(p.m, p.uses, ins.args[k])) return false;
  }
  return !aliased(p, out);
}

bool same_arg(const EValue* a, const EValue* b) {
  if (a == b) return true;
  if (a->tag != b->tag) return false;
  switch (a->tag) {
    case Tag::None: return true;
    case Tag::Int: return a->u.i == b->u.i;
    case Tag::Bool: return a->u.b == b->u.b;
    case Tag::Double: return memcmp(&a->u.d, &b->u.d, sizeof(double)) == 0;
    case Tag::ListInt: {
      if (a->u.int_list.size != b->u.int_list.size) return false;
      for (uint32_t k = 0; k < a->u.int_list.size; k++) {
        if (a->u.int_list.items[k]->u.i != b->u.int_list.items[k]->u.i) return false;
      }
      return true;
    }
    default: return false;  // tensors: only the same value (checked above)
  }
}

// An earlier fold of the same operator on the same arguments into an out of
// the same type and shape: its bytes can be shared.
const Tensor* earlier_twin(const PassContext& p, const Method::Instruction& ins) {
  const Tensor& out = ins.args[ins.nargs - 1]->tensor();
  for (uint32_t c = 0; c < p.m.num_chains; c++) {
    const Method::Chain& chain = p.m.chains[c];
    for (uint32_t pc = 0; pc < chain.count; pc++) {
      const Method::Instruction& o = chain.instructions[pc];
      if (&o == &ins) return nullptr;
      if (o.kind != InstructionKind::Skipped || o.kernel != ins.kernel || o.nargs != ins.nargs) continue;
      const Tensor& t = o.args[o.nargs - 1]->tensor();
      bool same = t.dtype == out.dtype && t.dim == out.dim && t.same_dim_order(out);
      for (int32_t d = 0; same && d < t.dim; d++) same = t.sizes[d] == out.sizes[d];
      for (uint32_t k = 0; same && k + 2 < ins.nargs; k++) same = same_arg(o.args[k], ins.args[k]);
      if (same) return &t;
    }
  }
  return nullptr;
}

// Runs the instruction once into fresh method-allocator bytes. NotFound when
// the kernel refused (the instruction then stays as it was).
Error fold(PassContext& p, Method::Instruction& ins) {
  Tensor& out = ins.args[ins.nargs - 1]->tensor();
  const Tensor* twin = earlier_twin(p, ins);
  if (twin != nullptr) {
    out.data = twin->data;
    out.capacity = twin->capacity;
  } else {
    // The reference kernel: speed does not matter once, exactness does.
    const KernelEntry* k = p.config.kernels->find_in_set(ins.kernel->name, KernelSet::Portable);
    if (k == nullptr) k = ins.kernel;
    MemoryAllocator* alloc = p.config.memory.method_allocator;
    const size_t bytes = span_bytes(out);
    void* data = alloc->allocate(bytes == 0 ? 1 : bytes, 64);
    if (data == nullptr) {
      return fail(p.diag, Error::MemoryAllocationFailed,
                  "method allocator exhausted folding %s into a constant (%zu bytes; %zu used of %zu)", k->name, bytes,
                  alloc->used(), alloc->capacity());
    }
    void* old_data = out.data;
    const size_t old_capacity = out.capacity;
    out.data = data;
    out.capacity = bytes;
    const bool had_message = p.diag != nullptr && p.diag->has_message;
    KernelContext ctx(k->name, p.diag, p.config.memory.temp_allocator, alloc);
    Error e = k->init(ctx, ins.args, ins.nargs);
    if (e == Error::Ok) e = k->call(ctx, ins.args);
    if (p.config.memory.temp_allocator != nullptr) p.config.memory.temp_allocator->reset();
    if (e != Error::Ok) {
      // Left to fail (or not) at execute as written; the message is not ours to keep.
      if (p.diag != nullptr && !had_message) p.diag->clear();
      out.data = old_data;
      out.capacity = old_capacity;
      return Error::NotFound;
    }
  }
  out.is_constant = true;
  out.is_planned = false;
  ins.kind = InstructionKind::Skipped;
  return Error::Ok;
}

}  // namespace

Error fold_constants(PassContext& p, uint32_t* folded) {
  *folded = 0;
  count_uses(p.m, p.uses);
  // Program order, so a fold's out is already constant when the next
  // instruction (a view of the permute) is considered.
  for (uint32_t c = 0; c < p.m.num_chains; c++) {
    Method::Chain& chain = p.m.chains[c];
    for (uint32_t pc = 0; pc < chain.count; pc++) {
      if (chain.instructions[pc].kind != InstructionKind::Kernel || !can_fold(p, chain, pc)) continue;
      Error e = fold(p, chain.instructions[pc]);
      if (e == Error::Ok) {
        // Its only write happened at load: from here on a constant like any other.
        p.uses[p.m.index_of(chain.instructions[pc].args[chain.instructions[pc].nargs - 1])].writes = 0;
        (*folded)++;
      }
      if (e != Error::Ok && e != Error::NotFound) return e;
    }
  }
  return Error::Ok;
}

}  // namespace passes
}  // namespace etb

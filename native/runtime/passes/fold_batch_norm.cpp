// The batch-norm folding pass (passes.h): a convolution whose out only feeds
// an inference batch norm (aten::_native_batch_norm_legit_no_training) with
// constant statistics gets the norm folded into new weights and bias,
//   s = gamma / sqrt(var + eps),  W' = W * s (per out channel),  b' = (b - mean) * s + beta,
// writes the norm's out itself (or, when those bytes are ones it reads, the
// norm's one reader reads the convolution's out instead), and the norm is skipped. W' and b' live in the
// method allocator (the program's weights are read-only): method memory grows
// by one copy of each folded convolution's weights.
#include <math.h>
#include <string.h>

#include "runtime/passes/passes.h"

namespace etb {
namespace passes {
namespace {

constexpr uint32_t kConvArgs = 11;  // input, weight, bias, stride, padding, dilation, transposed, output_padding, groups, out, ret
constexpr uint32_t kNormArgs = 11;  // input, weight, bias, mean, var, momentum, eps, out0, out1, out2, ret

// A constant float32 [n] tensor (or, when `optional`, None).
bool channel_vector(const PassContext& p, const EValue* v, int32_t n, bool optional) {
  if (v->is_none()) return optional;
  if (!v->is_tensor() || use_of(p.m, p.uses, v).writes != 0) return false;
  const Tensor& t = v->tensor();
  return t.is_constant && t.data != nullptr && t.dtype == ScalarType::Float && t.dim == 1 && t.sizes[0] == n;
}

bool fixed_scalar(const PassContext& p, const EValue* v) {
  const ValueUse& u = use_of(p.m, p.uses, v);
  return u.writes == 0 && !u.io;
}

bool foldable(const PassContext& p, const Method::Instruction& conv, const Method::Instruction& bn) {
  if (conv.nargs != kConvArgs || bn.nargs != kNormArgs) return false;
  if (strcmp(conv.kernel->name, "aten::convolution.out") != 0 ||
      strcmp(bn.kernel->name, "aten::_native_batch_norm_legit_no_training.out") != 0) {
    return false;
  }
  EValue* mid = single_out(conv);
  if (mid == nullptr || bn.args[0] != mid || !mid->is_tensor()) return false;
  const ValueUse& u = use_of(p.m, p.uses, mid);
  if (u.writes != 1 || u.reads != 1 || u.io) return false;
  // Not transposed (its weight is laid out [Cin, Cout / groups, ...]); a fixed group count.
  if (!conv.args[6]->is_bool() || conv.args[6]->u.b || !fixed_scalar(p, conv.args[6]) || !fixed_scalar(p, conv.args[8])) {
    return false;
  }
  const EValue* w = conv.args[1];
  if (!w->is_tensor() || use_of(p.m, p.uses, w).writes != 0) return false;
  const Tensor& wt = w->tensor();
  if (!wt.is_constant || wt.data == nullptr || wt.dtype != ScalarType::Float || wt.dim < 3 || !wt.is_contiguous()) {
    return false;
  }
  const int32_t cout = wt.sizes[0];
  if (!channel_vector(p, conv.args[2], cout, true) || !channel_vector(p, bn.args[1], cout, true) ||
      !channel_vector(p, bn.args[2], cout, true) || !channel_vector(p, bn.args[3], cout, false) ||
      !channel_vector(p, bn.args[4], cout, false)) {
    return false;
  }
  if (!bn.args[6]->is_double() || !fixed_scalar(p, bn.args[6])) return false;
  // The norm's saved statistics must be unread: a folded norm writes none.
  for (uint32_t k = 8; k <= 9; k++) {
    const ValueUse& s = use_of(p.m, p.uses, bn.args[k]);
    if (s.reads != 0 || s.io) return false;
  }
  const EValue* out = bn.args[7];
  if (!out->is_tensor() || out == mid) return false;
  const Tensor& o = out->tensor();
  const Tensor& mt = mid->tensor();
  if (o.dtype != ScalarType::Float || mt.dtype != ScalarType::Float || o.dim != mt.dim || !o.is_contiguous()) return false;
  for (int32_t d = 0; d < o.dim; d++) {
    if (o.sizes[d] != mt.sizes[d]) return false;
  }
  return true;
}

// How the norm's result reaches its readers once the norm is skipped.
enum class Route {
  None,        // not foldable
  IntoOut,     // the convolution writes the norm's out
  ForwardMid,  // the convolution keeps writing its own out; the one reader of the norm's out reads that instead
};

// The convolution may write the norm's out only if those bytes are not ones
// it reads (planners reuse a dead input's bytes for the norm's out). Else, if
// the norm's out has exactly one reader running right after the norm, that
// reader can read the convolution's out instead: nothing runs in between to
// overwrite it.
Route route(const PassContext& p, const Method::Chain& chain, uint32_t pc, Method::Instruction** reader) {
  const Method::Instruction& conv = chain.instructions[pc];
  const Method::Instruction& bn = chain.instructions[pc + 1];
  const EValue* mid = conv.args[conv.nargs - 1];
  const Tensor& o = bn.args[7]->tensor();
  if (!o.is_planned || o.data == nullptr) return Route::None;
  if (!meets_arguments(conv, mid, o)) return Route::IntoOut;
  const ValueUse& u = use_of(p.m, p.uses, bn.args[7]);
  if (u.reads != 1 || u.io || pc + 2 >= chain.count || is_jump_target(chain, pc + 2)) return Route::None;
  Method::Instruction& next = chain.instructions[pc + 2];
  if (next.kind != InstructionKind::Kernel || next.nargs < 2) return Route::None;
  bool reads = false;
  for (uint32_t k = 0; k + 1 < next.nargs; k++) reads = reads || next.args[k] == bn.args[7];
  const EValue* out = single_out(next);
  if (!reads || out == nullptr || out == bn.args[7]) return Route::None;
  // The reader's out may be the convolution's out's bytes exactly (in place), not partly.
  const Tensor& t = out->tensor();
  const Tensor& m = mid->tensor();
  const uint8_t *tp = static_cast<const uint8_t*>(t.data), *mp = static_cast<const uint8_t*>(m.data);
  if (mp == nullptr || (tp != nullptr && tp != mp && tp < mp + span_bytes(m) && mp < tp + span_bytes(t))) return Route::None;
  *reader = &next;
  return Route::ForwardMid;
}

const float* data_or_null(const EValue* v) { return v->is_none() ? nullptr : v->tensor().data_as<const float>(); }

// A constant float32 tensor value like `shape` (sizes shared) over `data`, or,
// with shape null, a fresh [n] one.
EValue* make_constant(MemoryAllocator* alloc, const Tensor* shape, int32_t n, float* data) {
  auto* ev = static_cast<EValue*>(alloc->allocate(sizeof(EValue), alignof(EValue)));
  auto* t = static_cast<Tensor*>(alloc->allocate(sizeof(Tensor), alignof(Tensor)));
  if (ev == nullptr || t == nullptr) return nullptr;
  if (shape != nullptr) {
    *t = *shape;
  } else {
    *t = Tensor{};
    auto* sizes = static_cast<int32_t*>(alloc->allocate(sizeof(int32_t), alignof(int32_t)));
    auto* order = static_cast<uint8_t*>(alloc->allocate(1, 1));
    auto* strides = static_cast<int64_t*>(alloc->allocate(sizeof(int64_t), alignof(int64_t)));
    if (sizes == nullptr || order == nullptr || strides == nullptr) return nullptr;
    sizes[0] = n;
    order[0] = 0;
    strides[0] = 1;
    t->dtype = ScalarType::Float;
    t->dim = 1;
    t->sizes = sizes;
    t->dim_order = order;
    t->strides = strides;
  }
  t->data = data;
  t->capacity = t->nbytes();
  t->is_constant = true;
  t->is_planned = false;
  *ev = EValue{};
  ev->tag = Tag::Tensor;
  ev->u.t = t;
  return ev;
}

Error fold(PassContext& p, Method::Instruction& conv, Method::Instruction& bn, Method::Instruction* reader) {
  MemoryAllocator* alloc = p.config.memory.method_allocator;
  const Tensor& w = conv.args[1]->tensor();
  const int32_t cout = w.sizes[0];
  const int64_t per = w.numel() / cout;
  auto* nw = static_cast<float*>(alloc->allocate(size_t(w.numel()) * sizeof(float), 64));
  auto* nb = static_cast<float*>(alloc->allocate(size_t(cout) * sizeof(float), 64));
  EValue* wv = nw != nullptr ? make_constant(alloc, &w, 0, nw) : nullptr;
  EValue* bv = nb != nullptr ? make_constant(alloc, nullptr, cout, nb) : nullptr;
  if (wv == nullptr || bv == nullptr) {
    return fail(p.diag, Error::MemoryAllocationFailed,
                "method allocator exhausted folding a batch norm into a convolution's %lld weights (%zu used of %zu)",
                static_cast<long long>(w.numel()), alloc->used(), alloc->capacity());
  }
  const float *src = w.data_as<const float>(), *bias = data_or_null(conv.args[2]);
  const float *gamma = data_or_null(bn.args[1]), *beta = data_or_null(bn.args[2]);
  const float *mean = bn.args[3]->tensor().data_as<const float>(), *var = bn.args[4]->tensor().data_as<const float>();
  const double eps = bn.args[6]->u.d;
  for (int32_t c = 0; c < cout; c++) {
    const double s = (gamma != nullptr ? double(gamma[c]) : 1.0) / sqrt(double(var[c]) + eps);
    for (int64_t i = 0; i < per; i++) nw[c * per + i] = float(double(src[c * per + i]) * s);
    nb[c] = float((double(bias != nullptr ? bias[c] : 0.0f) - double(mean[c])) * s + (beta != nullptr ? beta[c] : 0.0f));
  }
  EValue* mid = conv.args[conv.nargs - 1];
  EValue* out = bn.args[7];
  if (reader != nullptr) {
    for (uint32_t k = 0; k + 1 < reader->nargs; k++) {
      if (reader->args[k] == out) reader->args[k] = mid;
    }
  } else {
    for (uint32_t k = 0; k < conv.nargs; k++) {
      if (conv.args[k] == mid) conv.args[k] = out;
    }
  }
  conv.args[1] = wv;
  conv.args[2] = bv;
  bn.kind = InstructionKind::Skipped;
  return Error::Ok;
}

}  // namespace

Error fold_batch_norms(PassContext& p, uint32_t* folded) {
  *folded = 0;
  count_uses(p.m, p.uses);
  for (uint32_t c = 0; c < p.m.num_chains; c++) {
    Method::Chain& chain = p.m.chains[c];
    for (uint32_t pc = 0; pc + 1 < chain.count; pc++) {
      Method::Instruction& conv = chain.instructions[pc];
      Method::Instruction& bn = chain.instructions[pc + 1];
      if (conv.kind != InstructionKind::Kernel || bn.kind != InstructionKind::Kernel) continue;
      // A jump onto the norm would run it without the convolution before it.
      if (is_jump_target(chain, pc + 1) || !foldable(p, conv, bn)) continue;
      Method::Instruction* reader = nullptr;
      if (route(p, chain, pc, &reader) == Route::None) continue;
      ETB_RETURN_IF_ERROR(fold(p, conv, bn, reader));
      // The forwarded reader now reads the convolution's out: recount before the next pair.
      if (reader != nullptr) count_uses(p.m, p.uses);
      (*folded)++;
    }
  }
  return Error::Ok;
}

}  // namespace passes
}  // namespace etb

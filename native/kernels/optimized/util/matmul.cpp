#include "kernels/optimized/util/matmul.h"

namespace etb {
namespace optimized {
namespace {

// A few rows against packed weights or a row-major B need no packing at all (sgemm_small_m).
bool small_m_in_place(const MatmulPlan& p, bool b_prepacked) {
  return small_m_available(p.M) && (b_prepacked || p.b.cs == 1);
}

size_t scratch_need(const MatmulPlan& p, bool b_prepacked) {
  if (small_m_in_place(p, b_prepacked)) return 0;
  return packed_a_floats(p.M, p.K) + (b_prepacked ? 0 : packed_b_floats(p.K, p.N));
}

bool prepacked_matches(const MatmulState* st, const MatmulPlan& p) {
  return st != nullptr && st->b_packed != nullptr && st->b_source == p.b.p && st->packed_k == p.K &&
         st->packed_n == p.N && (p.b_bs == 0 || st->packed_batches == p.batches);
}

// Packs the constant B once per method: an instruction packing the same
// bytes with the same shape and strides reuses the pack another made
// (runtime/pack_cache.h), e.g. the unrolled steps of an LSTM.
Error pack_constant_b(KernelContext& ctx, const MatmulPlan& plan, MatmulState* st) {
  const int64_t packs = plan.b_bs == 0 ? 1 : plan.batches;
  const PackKey key{PackKind::MatmulB, plan.b.p, {plan.K, plan.N, plan.b.rs, plan.b.cs, plan.b_bs, packs}};
  auto* packed = ctx.packs != nullptr ? static_cast<const float*>(ctx.packs->find(key)) : nullptr;
  if (packed == nullptr) {
    const size_t one = packed_b_floats(plan.K, plan.N);
    auto* fresh = static_cast<float*>(ctx.allocate_persistent(one * size_t(packs) * sizeof(float), 64));
    if (fresh == nullptr && one * size_t(packs) != 0) {
      return ctx.fail(Error::MemoryAllocationFailed, "no memory to pack %lld x %lld weights", (long long)plan.K,
                      (long long)plan.N);
    }
    for (int64_t b = 0; b < packs; b++) {
      MatView v = plan.b;
      v.p += b * plan.b_bs;
      pack_b(v, plan.K, plan.N, fresh + size_t(b) * one, ctx.threads);
    }
    // Without room for the entry the pack is just not shared.
    if (ctx.packs != nullptr && fresh != nullptr) (void)ctx.packs->add(key, fresh);
    packed = fresh;
  }
  st->b_packed = packed;
  st->b_source = plan.b.p;
  st->packed_k = plan.K;
  st->packed_n = plan.N;
  st->packed_batches = packs;
  return Error::Ok;
}

}  // namespace

bool is_f32_contiguous(const Tensor& t) { return t.dtype == ScalarType::Float && t.is_contiguous(); }

MatView last2_view(const Tensor& t) {
  return MatView{t.data_as<const float>(), t.strides[t.dim - 2], t.strides[t.dim - 1]};
}

Error resize_out(KernelContext& ctx, Tensor& out, const int32_t* sizes, int n) {
  Error e = resize(out, Span<const int32_t>(sizes, size_t(n)), ctx.diag(), "out");
  return e == Error::Ok ? e : ctx.fail(e, "cannot resize out");
}

Error matmul_prepare(KernelContext& ctx, const MatmulPlan& plan, bool b_constant) {
  auto* st = static_cast<MatmulState*>(ctx.allocate_persistent(sizeof(MatmulState), alignof(MatmulState)));
  if (st == nullptr) return ctx.fail(Error::MemoryAllocationFailed, "no memory for the kernel state");
  *st = MatmulState{};
  if (b_constant && plan.b.p != nullptr) {
    ETB_RETURN_IF_ERROR(pack_constant_b(ctx, plan, st));
  }
  st->scratch_floats = scratch_need(plan, st->b_packed != nullptr);
  if (st->scratch_floats != 0) {
    st->scratch = static_cast<float*>(ctx.allocate_persistent(st->scratch_floats * sizeof(float), 64));
    if (st->scratch == nullptr) return ctx.fail(Error::MemoryAllocationFailed, "no memory for packing scratch");
  }
  ctx.state = st;
  return Error::Ok;
}

Error matmul_run(KernelContext& ctx, const MatmulPlan& plan, const Epilogue& ep) {
  auto* st = static_cast<MatmulState*>(ctx.state);
  const bool prepacked = prepacked_matches(st, plan);
  const size_t need = scratch_need(plan, prepacked);
  float* scratch = st != nullptr && need <= st->scratch_floats ? st->scratch : nullptr;
  if (scratch == nullptr && need != 0) scratch = static_cast<float*>(ctx.allocate_temp(need * sizeof(float), 64));
  if (scratch == nullptr && need != 0) {
    return ctx.fail(Error::MemoryAllocationFailed, "no scratch for packing (%zu bytes)", need * sizeof(float));
  }
  float* a_packed = scratch;
  // No scratch at all on the small-M path (null: no offsets from it).
  float* b_scratch = scratch != nullptr ? scratch + packed_a_floats(plan.M, plan.K) : nullptr;
  const size_t b_one = packed_b_floats(plan.K, plan.N);
  const bool small_m = small_m_in_place(plan, prepacked);
  for (int64_t b = 0; b < plan.batches; b++) {
    MatView a = plan.a;
    a.p += b * plan.a_bs;
    if (small_m && prepacked) {
      sgemm_small_m(ctx.threads, plan.M, plan.N, plan.K, a, st->b_packed + (plan.b_bs == 0 ? 0 : size_t(b) * b_one),
                    plan.out + b * plan.out_bs, plan.ldc, ep);
      continue;
    }
    if (small_m) {
      MatView bv = plan.b;
      bv.p += b * plan.b_bs;
      sgemm_small_m_rowmajor(ctx.threads, plan.M, plan.N, plan.K, a, bv, plan.out + b * plan.out_bs, plan.ldc, ep);
      continue;
    }
    pack_a(a, plan.M, plan.K, a_packed, ctx.threads);
    const float* b_packed;
    if (prepacked) {
      b_packed = st->b_packed + (plan.b_bs == 0 ? 0 : size_t(b) * b_one);
    } else {
      MatView v = plan.b;
      v.p += b * plan.b_bs;
      pack_b(v, plan.K, plan.N, b_scratch, ctx.threads);
      b_packed = b_scratch;
    }
    sgemm_packed(ctx.threads, plan.M, plan.N, plan.K, a_packed, b_packed, plan.out + b * plan.out_bs, plan.ldc, ep);
  }
  return Error::Ok;
}

}  // namespace optimized
}  // namespace etb

// aten::convolution.out: 1-D ([N, C, L]) and 2-D ([N, C, H, W]) convolution
// with stride, padding, dilation and groups (depthwise included), and the
// transposed form (weight [C, OC/groups, kH, kW], output_padding). Written
// in gather form: each output element sums its taps in a fixed order
// (input channel, kernel row, kernel column) in double, then adds the bias.
// Padded taps are skipped, not multiplied by zero. Any dim order.
#include "kernels/generated/kernel_decls.h"
#include "kernels/portable/util/math_util.h"
#include "kernels/portable/util/shape_util.h"

namespace etb {
namespace portable {
namespace {

struct ConvPlan {
  int64_t n, c, h, w;          // input
  int64_t oc, oh, ow;          // output
  int64_t kh, kw, cg, ocg;     // kernel, channels per group (in, out)
  int64_t s[2], p[2], d[2], op[2];
  int64_t groups;
  bool transposed;
  // Strides of input, weight and out as [N, C, H, W] (H stride 0 for 1-D).
  int64_t is[4], ws[4], os[4];
  int64_t bs;  // bias stride
};

void strides4(const Tensor& t, int64_t* s) {
  if (t.dim == 3) {
    s[0] = t.strides[0], s[1] = t.strides[1], s[2] = 0, s[3] = t.strides[2];
  } else {
    for (int k = 0; k < 4; k++) s[k] = t.strides[k];
  }
}

Error plan_conv(KernelContext& ctx, const Tensor& input, const Tensor& weight, const Tensor* bias,
                Span<const int64_t> stride, Span<const int64_t> padding, Span<const int64_t> dilation, bool transposed,
                Span<const int64_t> output_padding, int64_t groups, const Tensor& out, ConvPlan* p) {
  ETB_RETURN_IF_ERROR(check_math_dtype(ctx, input, "input", false));
  const char* names[] = {"weight", "bias", "out"};
  const Tensor* ts[] = {&weight, bias, &out};
  ETB_RETURN_IF_ERROR(check_all_dtype(ctx, input.dtype, names, ts, 3));
  if (input.dim != 3 && input.dim != 4) {
    return ctx.fail(Error::NotSupported, "input has rank %d; 1-D and 2-D convolutions only", input.dim);
  }
  if (weight.dim != input.dim) {
    return ctx.fail(Error::InvalidArgument, "weight has rank %d but input has rank %d", weight.dim, input.dim);
  }
  const int sp = input.dim - 2;
  int64_t s[2], pd[2], dl[2], opd[2];
  ETB_RETURN_IF_ERROR(expand_param(ctx, stride, sp, 1, 1, "stride", s));
  ETB_RETURN_IF_ERROR(expand_param(ctx, padding, sp, 0, 0, "padding", pd));
  ETB_RETURN_IF_ERROR(expand_param(ctx, dilation, sp, 1, 1, "dilation", dl));
  ETB_RETURN_IF_ERROR(expand_param(ctx, output_padding, sp, 0, 0, "output_padding", opd));
  const int hi = sp == 2 ? 0 : -1;  // index of the H entry in the params (none for 1-D)
  auto at = [&](const int64_t* v, int k, int64_t none) { return k < 0 ? none : v[k]; };
  p->s[0] = at(s, hi, 1), p->s[1] = s[sp - 1];
  p->p[0] = at(pd, hi, 0), p->p[1] = pd[sp - 1];
  p->d[0] = at(dl, hi, 1), p->d[1] = dl[sp - 1];
  p->op[0] = at(opd, hi, 0), p->op[1] = opd[sp - 1];
  if (groups < 1) return ctx.fail(Error::InvalidArgument, "groups must be positive, got %lld", static_cast<long long>(groups));
  p->groups = groups;
  p->transposed = transposed;
  p->n = input.sizes[0], p->c = input.sizes[1];
  p->h = sp == 2 ? input.sizes[2] : 1, p->w = input.sizes[input.dim - 1];
  p->kh = sp == 2 ? weight.sizes[2] : 1, p->kw = weight.sizes[weight.dim - 1];
  if (p->c % groups != 0) {
    return ctx.fail(Error::InvalidArgument, "input has %lld channels, not divisible by groups %lld",
                    static_cast<long long>(p->c), static_cast<long long>(groups));
  }
  p->cg = p->c / groups;
  if (!transposed) {
    if (weight.sizes[1] != p->cg || weight.sizes[0] % groups != 0) {
      return ctx.fail(Error::InvalidArgument, "weight [%d, %d, ...] does not fit %lld input channels in %lld groups",
                      weight.sizes[0], weight.sizes[1], static_cast<long long>(p->c), static_cast<long long>(groups));
    }
    p->oc = weight.sizes[0];
    p->ocg = p->oc / groups;
  } else {
    if (weight.sizes[0] != p->c) {
      return ctx.fail(Error::InvalidArgument, "transposed weight has %d input channels, input has %lld", weight.sizes[0],
                      static_cast<long long>(p->c));
    }
    p->ocg = weight.sizes[1];
    p->oc = p->ocg * groups;
  }
  if (bias != nullptr && (bias->dim != 1 || bias->sizes[0] != p->oc)) {
    return ctx.fail(Error::InvalidArgument, "bias must be [%lld]", static_cast<long long>(p->oc));
  }
  const int64_t in[2] = {p->h, p->w}, k[2] = {p->kh, p->kw};
  int64_t o[2];
  for (int i = 0; i < 2; i++) {
    // Sizes and parameters are below 2^31, so each product fits in int64; the transposed sum
    // is checked in double first (it could pass 2^63 with hostile values).
    const int64_t span = p->d[i] * (k[i] - 1) + 1;
    const double approx = transposed ? double(in[i] - 1) * double(p->s[i]) + double(span) + double(p->op[i])
                                     : double(in[i]);
    if (approx > double(INT32_MAX) * 4) {
      return ctx.fail(Error::InvalidArgument, "the output size of spatial dim %d overflows", i + 2 - (sp == 1));
    }
    o[i] = transposed ? (in[i] - 1) * p->s[i] - 2 * p->p[i] + span + p->op[i]
                      : (in[i] + 2 * p->p[i] - span) / p->s[i] + 1;
    if (!transposed && in[i] + 2 * p->p[i] < span) o[i] = 0;
    if (o[i] < 1 || o[i] > INT32_MAX) {
      return ctx.fail(Error::InvalidArgument, "the output size %lld of spatial dim %d is invalid", static_cast<long long>(o[i]),
                      i + 2 - (sp == 1));
    }
  }
  p->oh = o[0], p->ow = o[1];
  p->bs = bias != nullptr ? bias->strides[0] : 0;
  strides4(input, p->is);
  strides4(weight, p->ws);
  return Error::Ok;
}

template <typename T>
void conv_run(const ConvPlan& p, const T* x, const T* wt, const T* b, T* y) {
  for (int64_t n = 0; n < p.n; n++) {
    for (int64_t oc = 0; oc < p.oc; oc++) {
      const int64_t g = oc / p.ocg;
      for (int64_t oh = 0; oh < p.oh; oh++) {
        for (int64_t ow = 0; ow < p.ow; ow++) {
          double acc = 0;
          for (int64_t ci = 0; ci < p.cg; ci++) {
            const int64_t ic = g * p.cg + ci;
            const T* xc = x + n * p.is[0] + ic * p.is[1];
            // Weight rows of this (oc, ic) pair: [oc][ci] normally, [ic][oc % ocg] transposed.
            const T* wc = p.transposed ? wt + ic * p.ws[0] + (oc % p.ocg) * p.ws[1] : wt + oc * p.ws[0] + ci * p.ws[1];
            for (int64_t kh = 0; kh < p.kh; kh++) {
              int64_t ih = oh * p.s[0] - p.p[0] + kh * p.d[0];
              if (p.transposed) {  // oh = ih * s - p + kh * d
                int64_t t = oh + p.p[0] - kh * p.d[0];
                if (t < 0 || t % p.s[0] != 0) continue;
                ih = t / p.s[0];
              }
              if (ih < 0 || ih >= p.h) continue;
              for (int64_t kw = 0; kw < p.kw; kw++) {
                int64_t iw = ow * p.s[1] - p.p[1] + kw * p.d[1];
                if (p.transposed) {
                  int64_t t = ow + p.p[1] - kw * p.d[1];
                  if (t < 0 || t % p.s[1] != 0) continue;
                  iw = t / p.s[1];
                }
                if (iw < 0 || iw >= p.w) continue;
                acc += ld(xc, ih * p.is[2] + iw * p.is[3]) * ld(wc, kh * p.ws[2] + kw * p.ws[3]);
              }
            }
          }
          if (b != nullptr) acc += ld(b, oc * p.bs);
          st(y, n * p.os[0] + oc * p.os[1] + oh * p.os[2] + ow * p.os[3], acc);
        }
      }
    }
  }
}

// The same sums (same order per output element: input channel, kernel row,
// kernel column, then the bias) written as one output plane of double
// accumulators per (n, oc), each tap adding weight * a row of input over the
// output columns whose input column is in bounds: the column loop has no
// bounds checks and, for unit stride, unit-stride memory. Plain (not
// transposed) convolution only; `acc` holds one plane.
template <typename T>
void conv_planes1(const ConvPlan& p, const T* x, const T* wt, const T* b, T* y, double* acc) {
  for (int64_t n = 0; n < p.n; n++) {
    for (int64_t oc = 0; oc < p.oc; oc++) {
      const int64_t g = oc / p.ocg;
      for (int64_t i = 0; i < p.oh * p.ow; i++) acc[i] = 0;
      for (int64_t ci = 0; ci < p.cg; ci++) {
        const T* xc = x + n * p.is[0] + (g * p.cg + ci) * p.is[1];
        const T* wc = wt + oc * p.ws[0] + ci * p.ws[1];
        for (int64_t kh = 0; kh < p.kh; kh++) {
          for (int64_t kw = 0; kw < p.kw; kw++) {
            const double w = ld(wc, kh * p.ws[2] + kw * p.ws[3]);
            // Output columns ow with 0 <= ow * s - pad + kw * d < W.
            const int64_t off = kw * p.d[1] - p.p[1];
            int64_t lo = off >= 0 ? 0 : (-off + p.s[1] - 1) / p.s[1];
            int64_t hi = p.w - 1 - off < 0 ? 0 : (p.w - 1 - off) / p.s[1] + 1;
            if (hi > p.ow) hi = p.ow;
            for (int64_t oh = 0; oh < p.oh; oh++) {
              const int64_t ih = oh * p.s[0] - p.p[0] + kh * p.d[0];
              if (ih < 0 || ih >= p.h) continue;
              const T* xr = xc + ih * p.is[2];
              double* ar = acc + oh * p.ow;
              if (p.s[1] == 1 && p.is[3] == 1) {
                const T* xs = xr + off;
                int64_t ow = lo;
                for (; ow + 4 <= hi; ow += 4) {  // four independent sums: the compiler packs them
                  ar[ow] += ld(xs, ow) * w;
                  ar[ow + 1] += ld(xs, ow + 1) * w;
                  ar[ow + 2] += ld(xs, ow + 2) * w;
                  ar[ow + 3] += ld(xs, ow + 3) * w;
                }
                for (; ow < hi; ow++) ar[ow] += ld(xs, ow) * w;
              } else {
                for (int64_t ow = lo; ow < hi; ow++) ar[ow] += ld(xr, (ow * p.s[1] + off) * p.is[3]) * w;
              }
            }
          }
        }
      }
      const double bias = b != nullptr ? ld(b, oc * p.bs) : 0.0;
      for (int64_t oh = 0; oh < p.oh; oh++) {
        for (int64_t ow = 0; ow < p.ow; ow++) {
          const double v = acc[oh * p.ow + ow];
          st(y, n * p.os[0] + oc * p.os[1] + oh * p.os[2] + ow * p.os[3], b != nullptr ? v + bias : v);
        }
      }
    }
  }
}

// conv_planes1 for four output channels of one group at once: each input row
// is read once for the four planes. Per output element the sums are the same,
// in the same order.
template <typename T>
void conv_planes4(const ConvPlan& p, const T* x, const T* wt, const T* b, T* y, double* acc) {
  const int64_t plane = p.oh * p.ow;
  for (int64_t n = 0; n < p.n; n++) {
    for (int64_t oc0 = 0; oc0 < p.oc; oc0 += 4) {
      const int64_t g = oc0 / p.ocg;
      for (int64_t i = 0; i < 4 * plane; i++) acc[i] = 0;
      for (int64_t ci = 0; ci < p.cg; ci++) {
        const T* xc = x + n * p.is[0] + (g * p.cg + ci) * p.is[1];
        const T* wc = wt + oc0 * p.ws[0] + ci * p.ws[1];
        for (int64_t kh = 0; kh < p.kh; kh++) {
          for (int64_t kw = 0; kw < p.kw; kw++) {
            const int64_t wo = kh * p.ws[2] + kw * p.ws[3];
            const double w0 = ld(wc, wo), w1 = ld(wc, p.ws[0] + wo), w2 = ld(wc, 2 * p.ws[0] + wo), w3 = ld(wc, 3 * p.ws[0] + wo);
            const int64_t off = kw * p.d[1] - p.p[1];
            int64_t lo = off >= 0 ? 0 : (-off + p.s[1] - 1) / p.s[1];
            int64_t hi = p.w - 1 - off < 0 ? 0 : (p.w - 1 - off) / p.s[1] + 1;
            if (hi > p.ow) hi = p.ow;
            const bool unit = p.s[1] == 1 && p.is[3] == 1;
            for (int64_t oh = 0; oh < p.oh; oh++) {
              const int64_t ih = oh * p.s[0] - p.p[0] + kh * p.d[0];
              if (ih < 0 || ih >= p.h) continue;
              const T* xr = xc + ih * p.is[2];
              double* a0 = acc + oh * p.ow;
              double* a1 = a0 + plane;
              double* a2 = a1 + plane;
              double* a3 = a2 + plane;
              for (int64_t ow = lo; ow < hi; ow++) {
                const double v = unit ? ld(xr, ow + off) : ld(xr, (ow * p.s[1] + off) * p.is[3]);
                a0[ow] += v * w0;
                a1[ow] += v * w1;
                a2[ow] += v * w2;
                a3[ow] += v * w3;
              }
            }
          }
        }
      }
      for (int64_t j = 0; j < 4; j++) {
        const int64_t oc = oc0 + j;
        const double bias = b != nullptr ? ld(b, oc * p.bs) : 0.0;
        for (int64_t oh = 0; oh < p.oh; oh++) {
          for (int64_t ow = 0; ow < p.ow; ow++) {
            const double v = acc[j * plane + oh * p.ow + ow];
            st(y, n * p.os[0] + oc * p.os[1] + oh * p.os[2] + ow * p.os[3], b != nullptr ? v + bias : v);
          }
        }
      }
    }
  }
}

// Runs conv_planes4 when each group's output channels come in fours, else
// conv_planes1; false when the temp allocator has no room for the planes.
template <typename T>
bool conv_planes(KernelContext& ctx, const ConvPlan& p, const T* x, const T* wt, const T* b, T* y) {
  const int64_t block = p.ocg % 4 == 0 ? 4 : 1;
  double* acc = static_cast<double*>(ctx.allocate_temp(size_t(block * p.oh * p.ow) * sizeof(double), 64));
  if (acc == nullptr) return false;
  if (block == 4) {
    conv_planes4(p, x, wt, b, y, acc);
  } else {
    conv_planes1(p, x, wt, b, y, acc);
  }
  return true;
}

}  // namespace

Error convolution_out_prepare(KernelContext& ctx, const Tensor& input, const Tensor& weight, const Tensor* bias,
                              Span<const int64_t> stride, Span<const int64_t> padding, Span<const int64_t> dilation,
                              bool transposed, Span<const int64_t> output_padding, int64_t groups, Tensor& out) {
  ConvPlan p;
  return plan_conv(ctx, input, weight, bias, stride, padding, dilation, transposed, output_padding, groups, out, &p);
}

Error convolution_out(KernelContext& ctx, const Tensor& input, const Tensor& weight, const Tensor* bias,
                      Span<const int64_t> stride, Span<const int64_t> padding, Span<const int64_t> dilation,
                      bool transposed, Span<const int64_t> output_padding, int64_t groups, Tensor& out) {
  ConvPlan p;
  ETB_RETURN_IF_ERROR(
      plan_conv(ctx, input, weight, bias, stride, padding, dilation, transposed, output_padding, groups, out, &p));
  int32_t sizes[4] = {int32_t(p.n), int32_t(p.oc), int32_t(p.oh), int32_t(p.ow)};
  if (input.dim == 3) sizes[2] = int32_t(p.ow);
  ETB_RETURN_IF_ERROR(resize_out(ctx, out, sizes, input.dim));
  strides4(out, p.os);
  if (out.numel() == 0) return Error::Ok;  // also keeps an empty batch from sizing a plane
  return dispatch_storage(ctx, out.dtype, false, [&](auto tag) {
    using T = decltype(tag);
    const T* b = bias != nullptr ? bias->data_as<const T>() : nullptr;
    if (!p.transposed && conv_planes<T>(ctx, p, input.data_as<const T>(), weight.data_as<const T>(), b, out.data_as<T>())) {
      return;
    }
    conv_run<T>(p, input.data_as<const T>(), weight.data_as<const T>(), b, out.data_as<T>());
  });
}

}  // namespace portable
}  // namespace etb

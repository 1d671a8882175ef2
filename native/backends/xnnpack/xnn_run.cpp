// Execute: bind every value's data (constants, arena, the DelegateCall's
// tensors by external id), check the bound tensors, run the nodes in order.
#include "backends/xnnpack/xnn_graph.h"
#include "backends/xnnpack/xnn_ops.h"
#include "runtime/tensor.h"

namespace etb {
namespace xnn {
namespace {

ScalarType scalar_type_of(int16_t dt) {
  switch (dt) {
    case kFp32: return ScalarType::Float;
    case kQint8: return ScalarType::Char;
    case kQuint8: return ScalarType::Byte;
    default: return ScalarType::Int;
  }
}

Error bind_external(Graph& g, uint32_t id, Span<EValue*> args, Diag* diag) {
  const Value& v = g.values[id];
  if (v.external_id >= args.size()) {
    return fail(diag, Error::InvalidProgram, "xnnpack: value %u is external %u but the delegate call has %zu arguments",
                id, v.external_id, args.size());
  }
  EValue* arg = args[v.external_id];
  if (arg == nullptr || !arg->is_tensor()) {
    return fail(diag, Error::InvalidProgram, "xnnpack: delegate argument %u (value %u) is not a tensor", v.external_id, id);
  }
  const Tensor& t = arg->tensor();
  ScalarType want = scalar_type_of(v.dtype);
  if (t.dtype != want && !(v.dtype == kQint8 && t.dtype == ScalarType::QInt8) &&
      !(v.dtype == kQuint8 && t.dtype == ScalarType::QUInt8)) {
    return fail(diag, Error::InvalidArgument, "xnnpack: delegate argument %u is %s, the graph expects %s", v.external_id,
                scalar_type_name(t.dtype), datatype_name(v.dtype));
  }
  if (uint64_t(t.numel()) < v.numel && t.dynamism != Dynamism::Static) {
    // A dynamic dimension below the exported upper bound (the graph's dims).
    return fail(diag, Error::NotSupported,
                "xnnpack: delegate argument %u has %lld elements, fewer than the %llu the graph was exported for: "
                "re-shaping for dynamic shapes is not supported",
                v.external_id, (long long)t.numel(), (unsigned long long)v.numel);
  }
  if (uint64_t(t.numel()) != v.numel) {
    return fail(diag, Error::InvalidArgument, "xnnpack: delegate argument %u has %lld elements, the graph expects %llu",
                v.external_id, (long long)t.numel(), (unsigned long long)v.numel);
  }
  if (t.data == nullptr && v.numel != 0) {
    return fail(diag, Error::InvalidArgument, "xnnpack: delegate argument %u has no data", v.external_id);
  }
  // The graph reads the bytes in the tensor's memory (dim) order; with equal
  // ranks the physical sizes must be the graph's dims.
  if (uint32_t(t.dim) == v.rank && t.dim_order != nullptr) {
    for (uint32_t d = 0; d < v.rank; d++) {
      if (uint32_t(t.sizes[t.dim_order[d]]) != v.dims[d]) {
        return fail(diag, Error::InvalidArgument,
                    "xnnpack: delegate argument %u: physical dim %u is %d, the graph expects %u", v.external_id, d,
                    t.sizes[t.dim_order[d]], v.dims[d]);
      }
    }
  }
  g.data[id] = t.data;
  return Error::Ok;
}

void run_node(Graph& g, const Node& n, int threads);

// A node with quantized operands: its fp32 implementation on dequantized
// copies (in its scratch), the output quantized back. g.data is restored.
void run_via_float(Graph& g, const Node& n, int threads) {
  if (run_unary_lut(g, n)) return;  // quantized unary nodes: a table of the same round trip
  uint8_t* scratch = g.arena + g.scratch_offset;
  uint32_t ids[6];
  void* original[6];
  uint32_t count = 0;
  for (uint32_t k = 0; k <= n.num_inputs; k++) ids[count++] = k == n.num_inputs ? n.output : n.inputs[k];
  for (uint32_t k = 0; k < count; k++) original[k] = g.data[ids[k]];
  for (uint32_t k = 0; k < count; k++) {
    const Value& v = g.values[ids[k]];
    if (v.dtype == kFp32) continue;
    float* copy = reinterpret_cast<float*>(scratch);
    scratch += (size_t(v.numel) * sizeof(float) + 63) / 64 * 64;
    if (k + 1 < count) dequantize_values(v, original[k], copy);
    g.data[ids[k]] = copy;
  }
  Node plain = n;
  plain.via_float = false;
  run_node(g, plain, threads);
  const Value& o = g.values[n.output];
  if (o.dtype != kFp32) quantize_values(o, static_cast<const float*>(g.data[n.output]), original[count - 1]);
  for (uint32_t k = count; k-- > 0;) g.data[ids[k]] = original[k];
}

void run_node(Graph& g, const Node& n, int threads) {
  if (n.via_float) return run_via_float(g, n, threads);
  OpContext c{g, n, g.arena + g.scratch_offset, threads};
  bool quantized = g.values[n.inputs[0]].dtype != kFp32;
  switch (n.kind) {
    case kFullyConnected: return quantized ? run_quantized_fully_connected(c) : run_fully_connected(c);
    case kConv2d: return quantized ? run_quantized_conv(c) : run_conv(c);
    case kDepthwiseConv2d: return quantized ? run_quantized_conv(c) : run_depthwise(c);
    case kAdd: case kSubtract: case kMultiply: case kDiv: case kMinimum: case kMaximum: case kPReLU:
      return run_binary(c);
    case kSoftmax: return run_softmax(c);
    case kConvert: return run_convert(c);
    case kStaticReshape: case kCopy: return run_copy(c);
    case kStaticTranspose: return run_transpose(c);
    case kStaticSlice: return run_slice(c);
    case kStaticConstantPad: return run_pad(c);
    case kConcatenate2: case kConcatenate3: case kConcatenate4: case kConcatenate5: return run_concat(c);
    case kAvgPooling2d: case kMaxPooling2d: return run_pooling(c);
    case kGlobalAvgPooling2d: return run_global_avg_pool(c);
    case kStaticResizeBilinear2D: return run_resize_bilinear(c);
    case kConvTranspose2d: return run_conv_transpose(c);
    case kBatchMatrixMultiply: return run_bmm(c);
    default: return run_unary(c);
  }
}

}  // namespace

Error run_graph(Graph& g, Span<EValue*> args, int threads, Diag* diag) {
  for (uint32_t id = 0; id < g.num_values; id++) {
    Value& v = g.values[id];
    if (!v.defined) {
      g.data[id] = nullptr;
    } else if (v.constant != nullptr) {
      g.data[id] = const_cast<uint8_t*>(v.constant);  // only ever read (outputs are never constant)
    } else if (v.is_external()) {
      ETB_RETURN_IF_ERROR(bind_external(g, id, args, diag));
    } else {
      g.data[id] = v.arena_offset >= 0 ? g.arena + v.arena_offset : nullptr;
    }
  }
  for (uint32_t i = 0; i < g.num_nodes; i++) run_node(g, g.nodes[i], threads);
  return Error::Ok;
}

}  // namespace xnn
}  // namespace etb

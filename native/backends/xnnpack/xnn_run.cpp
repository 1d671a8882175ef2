// Execute: bind every value's data (constants, arena, the DelegateCall's
// tensors by external id), check the bound tensors, re-derive the dims when a
// dynamic input changed size (xnn_reshape.cpp), run the nodes in order.
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

// The DelegateCall argument of external value `id`, checked to be a tensor of the value's datatype.
Result<Tensor*> argument(Graph& g, uint32_t id, Span<EValue*> args, Diag* diag) {
  const Value& v = g.values[id];
  if (v.external_id >= args.size()) {
    return fail(diag, Error::InvalidProgram, "xnnpack: value %u is external %u but the delegate call has %zu arguments",
                id, v.external_id, args.size());
  }
  EValue* arg = args[v.external_id];
  if (arg == nullptr || !arg->is_tensor()) {
    return fail(diag, Error::InvalidProgram, "xnnpack: delegate argument %u (value %u) is not a tensor", v.external_id, id);
  }
  Tensor& t = arg->tensor();
  ScalarType want = scalar_type_of(v.dtype);
  if (t.dtype != want && !(v.dtype == kQint8 && t.dtype == ScalarType::QInt8) &&
      !(v.dtype == kQuint8 && t.dtype == ScalarType::QUInt8)) {
    return fail(diag, Error::InvalidArgument, "xnnpack: delegate argument %u is %s, the graph expects %s", v.external_id,
                scalar_type_name(t.dtype), datatype_name(v.dtype));
  }
  return &t;
}

// The graph reads and writes the bytes in the tensor's memory (dim) order: with equal ranks, its
// dims are the tensor's sizes in dim order (physical).
bool physical_dims(const Tensor& t, const Value& v, uint32_t* dims) {
  if (uint32_t(t.dim) != v.rank || t.dim_order == nullptr) return false;
  for (uint32_t d = 0; d < v.rank; d++) dims[d] = uint32_t(t.sizes[t.dim_order[d]]);
  return true;
}

Error check_size(const Tensor& t, const Value& v, Diag* diag) {
  if (uint64_t(t.numel()) != v.numel) {
    return fail(diag, Error::InvalidArgument, "xnnpack: delegate argument %u has %lld elements, the graph expects %llu",
                v.external_id, (long long)t.numel(), (unsigned long long)v.numel);
  }
  if (t.data == nullptr && v.numel != 0) {
    return fail(diag, Error::InvalidArgument, "xnnpack: delegate argument %u has no data", v.external_id);
  }
  return Error::Ok;
}

// An input. A dynamic tensor whose dims differ from the value's (a shorter prompt, or back to
// the bound) gives the value its dims and sets *reshape; a static one must match.
Error bind_input(Graph& g, uint32_t id, Span<EValue*> args, bool* reshape, Diag* diag) {
  auto t = argument(g, id, args, diag);
  if (!t.ok()) return t.error();
  Value& v = g.values[id];
  uint32_t dims[kMaxDims];
  if (physical_dims(**t, v, dims)) {
    for (uint32_t d = 0; d < v.rank; d++) {
      if (dims[d] == v.dims[d]) continue;
      if ((*t)->dynamism == Dynamism::Static) {
        return fail(diag, Error::InvalidArgument, "xnnpack: delegate argument %u: physical dim %u is %u, the graph expects %u",
                    v.external_id, d, dims[d], v.dims[d]);
      }
      if (uint64_t((*t)->numel()) > v.bound_numel) {
        return fail(diag, Error::InvalidArgument,
                    "xnnpack: delegate argument %u has %lld elements, more than the %llu the graph was exported for",
                    v.external_id, (long long)(*t)->numel(), (unsigned long long)v.bound_numel);
      }
      for (uint32_t k = 0; k < v.rank; k++) v.dims[k] = dims[k];
      v.numel = uint64_t((*t)->numel());
      *reshape = true;
      break;
    }
  }
  ETB_RETURN_IF_ERROR(check_size(**t, v, diag));
  g.data[id] = (*t)->data;
  return Error::Ok;
}

// An output: a dynamic tensor is resized to the value's (possibly re-shaped) dims.
Error bind_output(Graph& g, uint32_t id, Span<EValue*> args, Diag* diag) {
  auto t = argument(g, id, args, diag);
  if (!t.ok()) return t.error();
  const Value& v = g.values[id];
  uint32_t dims[kMaxDims];
  if (physical_dims(**t, v, dims)) {
    int32_t sizes[kMaxDims];
    bool same = true;
    for (uint32_t d = 0; d < v.rank; d++) {
      sizes[(*t)->dim_order[d]] = int32_t(v.dims[d]);
      same = same && dims[d] == v.dims[d];
    }
    if (!same && (*t)->dynamism == Dynamism::Static) {
      for (uint32_t d = 0; d < v.rank; d++) {
        if (dims[d] != v.dims[d]) {
          return fail(diag, Error::InvalidArgument,
                      "xnnpack: delegate argument %u: physical dim %u is %u, the graph expects %u", v.external_id, d,
                      dims[d], v.dims[d]);
        }
      }
    }
    if (!same) ETB_RETURN_IF_ERROR(resize(**t, Span<const int32_t>(sizes, v.rank), diag, "xnnpack delegate output"));
  }
  ETB_RETURN_IF_ERROR(check_size(**t, v, diag));
  g.data[id] = (*t)->data;
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

Error run_graph(Graph& g, Span<EValue*> args, int threads, Diag* diag, const BackendExecuteContext* ctx) {
  // Inputs first: their dims decide every other value's (dynamic shapes).
  bool reshape = false;
  for (uint32_t id = 0; id < g.num_values; id++) {
    const Value& v = g.values[id];
    if (v.defined && v.constant == nullptr && (v.flags & kFlagExternalInput) != 0) {
      ETB_RETURN_IF_ERROR(bind_input(g, id, args, &reshape, diag));
    }
  }
  if (reshape || g.shapes_stale) {
    g.shapes_stale = true;
    ETB_RETURN_IF_ERROR(reshape_graph(g, diag));
    g.shapes_stale = false;
  }
  for (uint32_t id = 0; id < g.num_values; id++) {
    Value& v = g.values[id];
    if (!v.defined) {
      g.data[id] = nullptr;
    } else if (v.constant != nullptr) {
      g.data[id] = const_cast<uint8_t*>(v.constant);  // only ever read (outputs are never constant)
    } else if ((v.flags & kFlagExternalInput) != 0) {
      continue;  // bound above
    } else if (v.is_external()) {
      ETB_RETURN_IF_ERROR(bind_output(g, id, args, diag));
    } else {
      g.data[id] = v.arena_offset >= 0 ? g.arena + v.arena_offset : nullptr;
    }
  }
  if (ctx == nullptr || !ctx->profiling()) {
    for (uint32_t i = 0; i < g.num_nodes; i++) run_node(g, g.nodes[i], threads);
    return Error::Ok;
  }
  // One clock read per node boundary: binding above is the delegate's own time, not a node's.
  uint64_t clock = BackendExecuteContext::ticks();
  for (uint32_t i = 0; i < g.num_nodes; i++) {
    run_node(g, g.nodes[i], threads);
    uint64_t end = BackendExecuteContext::ticks();
    ctx->node_event(g.nodes[i].index, node_kind_name(g.nodes[i].kind), clock, end);
    clock = end;
  }
  return Error::Ok;
}

}  // namespace xnn
}  // namespace etb

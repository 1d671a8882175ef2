// Init-time checks of every node: operand datatypes, shapes and parameters,
// so that execution cannot index out of bounds whatever the payload said.
#include "backends/xnnpack/xnn_graph.h"

namespace etb {
namespace xnn {
namespace {

bool is_unary(uint8_t k) {
  switch (k) {
    case kSigmoid: case kTanh: case kClamp: case kFloor: case kCeiling: case kSquareRoot: case kHardswish:
    case kLeakyReLU: case kNegate: case kSquare: case kELU: case kAbs: case kReciprocalSquareRoot: case kLog:
    case kGelu: case kExp: case kSin: case kCos: case kCopy:
      return true;
    default:
      return false;
  }
}

bool is_binary(uint8_t k) {
  return k == kAdd || k == kSubtract || k == kMultiply || k == kDiv || k == kMinimum || k == kMaximum || k == kPReLU;
}

bool is_q8(int16_t dt) { return dt == kQint8 || dt == kQcint8; }

struct Checker {
  Graph& g;
  Diag* diag;
  Node* n = nullptr;

  const Value& in(uint32_t k) const { return g.values[n->inputs[k]]; }
  const Value& out() const { return g.values[n->output]; }

  Error bad(const char* what) const {
    return fail(diag, Error::InvalidProgram, "xnnpack: node %u (%s): %s", n->index, node_kind_name(n->kind), what);
  }
  Error unsupported(const char* what) const {
    return fail(diag, Error::NotSupported, "xnnpack: node %u (%s): %s not supported", n->index,
                node_kind_name(n->kind), what);
  }
  Error need_f32(const Value& v, const char* role) const {
    if (v.dtype == kFp32) return Error::Ok;
    return fail(diag, Error::NotSupported, "xnnpack: node %u (%s): %s of datatype %s not supported", n->index,
                node_kind_name(n->kind), role, datatype_name(v.dtype));
  }
  // fp32, or per-tensor qint8/quint8 for nodes that then run in fp32 on
  // dequantized copies and requantize their output (Node::via_float).
  Error need_real(const Value& v, const char* role) const {
    if (v.dtype == kFp32) return Error::Ok;
    if ((v.dtype == kQint8 || v.dtype == kQuint8) && v.quant == Quant::PerTensor) {
      n->via_float = true;
      return Error::Ok;
    }
    return need_f32(v, role);
  }
  Error same_dims(const Value& a, const Value& b, const char* what) const {
    if (a.rank != b.rank) return bad(what);
    for (uint32_t d = 0; d < a.rank; d++) {
      if (a.dims[d] != b.dims[d]) return bad(what);
    }
    return Error::Ok;
  }

  Error binary();
  Error convert();
  Error fully_connected();
  Error conv();
  Error pooling();
  Error layout();
  Error concat();
  Error bmm();
  Error one();
};

Error Checker::binary() {
  const Value &a = in(0), &b = in(1), &o = out();
  ETB_RETURN_IF_ERROR(need_real(a, "input 1"));
  ETB_RETURN_IF_ERROR(need_real(b, "input 2"));
  ETB_RETURN_IF_ERROR(need_real(o, "output"));
  uint32_t r = a.rank > b.rank ? a.rank : b.rank;
  if (o.rank != r) return bad("output rank is not the broadcast rank of the inputs");
  for (uint32_t d = 0; d < r; d++) {
    uint32_t da = d + a.rank >= r ? a.dims[d + a.rank - r] : 1;
    uint32_t db = d + b.rank >= r ? b.dims[d + b.rank - r] : 1;
    if (da != db && da != 1 && db != 1) return bad("input shapes do not broadcast");
    uint32_t want = da == 1 ? db : da;
    if (o.dims[d] != want) return bad("output shape is not the broadcast shape of the inputs");
  }
  return Error::Ok;
}

Error Checker::convert() {
  const Value &a = in(0), &o = out();
  if (a.numel != o.numel) return bad("input and output element counts differ");
  bool quantize = a.dtype == kFp32 && (o.dtype == kQint8 || o.dtype == kQuint8);
  bool dequantize = (a.dtype == kQint8 || a.dtype == kQuint8) && o.dtype == kFp32;
  if (!quantize && !dequantize) {
    return fail(diag, Error::NotSupported, "xnnpack: node %u (XNNConvert): %s -> %s not supported", n->index,
                datatype_name(a.dtype), datatype_name(o.dtype));
  }
  return Error::Ok;
}

Error Checker::fully_connected() {
  const Value &x = in(0), &w = in(1), &o = out();
  if (w.rank != 2) return bad("filter is not 2-D");
  if (w.constant == nullptr) return unsupported("a non-constant filter is");
  bool t = (n->flags & kFcTransposeWeights) != 0;
  uint64_t K = t ? w.dims[0] : w.dims[1], N = t ? w.dims[1] : w.dims[0];
  if (K == 0 || N == 0 || x.numel % K != 0) return bad("input size is not a multiple of the filter's input channels");
  if (x.rank == 0 || x.dims[x.rank - 1] != K) return bad("input's last dimension is not the filter's input channels");
  uint64_t M = x.numel / K;
  if (o.numel != M * N || o.rank == 0 || o.dims[o.rank - 1] != N) return bad("output shape is not [..., output channels]");
  bool has_bias = n->inputs[2] != kInvalidId;
  if (has_bias && in(2).numel != N) return bad("bias size is not the output channels");
  if (x.dtype == kFp32) {
    ETB_RETURN_IF_ERROR(need_f32(w, "filter"));
    ETB_RETURN_IF_ERROR(need_f32(o, "output"));
    if (has_bias) ETB_RETURN_IF_ERROR(need_f32(in(2), "bias"));
    return Error::Ok;
  }
  if (x.dtype != kQint8 || o.dtype != kQint8 || !is_q8(w.dtype)) {
    return fail(diag, Error::NotSupported, "xnnpack: node %u (XNNFullyConnected): %s input, %s filter, %s output not supported",
                n->index, datatype_name(x.dtype), datatype_name(w.dtype), datatype_name(o.dtype));
  }
  if (w.quant == Quant::PerChannel && uint32_t(w.channel_dim) != (t ? 1u : 0u)) return bad("filter scales are not per output channel");
  if (has_bias) {
    const Value& b = in(2);
    if (b.dtype != kQint32 && b.dtype != kQcint32) return bad("quantized bias is not qint32/qcint32");
    if (b.constant == nullptr) return unsupported("a non-constant quantized bias is");
  }
  return Error::Ok;
}

Error Checker::conv() {
  const Value &x = in(0), &w = in(1), &o = out();
  if (x.rank != 4 || w.rank != 4 || o.rank != 4) return bad("input, filter and output must be 4-D (NHWC, OHWI)");
  if (w.constant == nullptr) return unsupported("a non-constant filter is");
  const Node& c = *n;
  if (c.groups == 0 || c.group_in == 0 || c.group_out == 0 || c.stride_h == 0 || c.stride_w == 0 ||
      c.dilation_h == 0 || c.dilation_w == 0 || c.kernel_h == 0 || c.kernel_w == 0) {
    return bad("a zero group count, channel count, kernel size, stride or dilation");
  }
  uint64_t cin = uint64_t(c.groups) * c.group_in, cout = uint64_t(c.groups) * c.group_out;
  if (x.dims[3] != cin || o.dims[3] != cout || o.dims[0] != x.dims[0]) return bad("channels do not match groups x group channels");
  bool dw = c.kind == kDepthwiseConv2d;
  if (dw) {
    if (c.group_in != 1 || w.dims[0] != 1 || w.dims[3] != cout) return bad("depthwise filter is not [1, KH, KW, Cout]");
  } else if (w.dims[0] != cout || w.dims[3] != c.group_in) {
    return bad("filter is not [Cout, KH, KW, Cin / groups]");
  }
  if (w.dims[1] != c.kernel_h || w.dims[2] != c.kernel_w) return bad("filter size is not the kernel size");
  int64_t eh = int64_t(c.dilation_h) * (c.kernel_h - 1) + 1, ew = int64_t(c.dilation_w) * (c.kernel_w - 1) + 1;
  if (c.kind == kConvTranspose2d) {
    if (c.adjust_h >= c.stride_h || c.adjust_w >= c.stride_w) return bad("output adjustment is not below the stride");
    if (x.dims[1] == 0 || x.dims[2] == 0) return bad("empty input");
    int64_t oh = int64_t(c.stride_h) * (x.dims[1] - 1) + c.adjust_h + eh - c.pad_top - c.pad_bottom;
    int64_t ow = int64_t(c.stride_w) * (x.dims[2] - 1) + c.adjust_w + ew - c.pad_left - c.pad_right;
    if (oh <= 0 || ow <= 0 || o.dims[1] != uint64_t(oh) || o.dims[2] != uint64_t(ow)) {
      return bad("output height/width do not follow from input, padding, kernel, stride, dilation and adjustment");
    }
    if (x.dtype != kFp32) return unsupported("a quantized transposed convolution is");
  } else {
    int64_t ph = int64_t(x.dims[1]) + c.pad_top + c.pad_bottom, pw = int64_t(x.dims[2]) + c.pad_left + c.pad_right;
    if (ph < eh || pw < ew) return bad("the kernel is larger than the padded input");
    if (o.dims[1] != uint64_t((ph - eh) / c.stride_h + 1) || o.dims[2] != uint64_t((pw - ew) / c.stride_w + 1)) {
      return bad("output height/width do not follow from input, padding, kernel, stride and dilation");
    }
  }
  bool has_bias = c.inputs[2] != kInvalidId;
  if (has_bias && in(2).numel != cout) return bad("bias size is not the output channels");
  if (x.dtype == kFp32) {
    ETB_RETURN_IF_ERROR(need_f32(w, "filter"));
    ETB_RETURN_IF_ERROR(need_f32(o, "output"));
    if (has_bias) ETB_RETURN_IF_ERROR(need_f32(in(2), "bias"));
    return Error::Ok;
  }
  if (x.dtype != kQint8 || o.dtype != kQint8 || !is_q8(w.dtype)) {
    return fail(diag, Error::NotSupported, "xnnpack: node %u (%s): %s input, %s filter, %s output not supported", n->index,
                node_kind_name(c.kind), datatype_name(x.dtype), datatype_name(w.dtype), datatype_name(o.dtype));
  }
  if (w.quant == Quant::PerChannel && uint32_t(w.channel_dim) != (dw ? 3u : 0u)) return bad("filter scales are not per output channel");
  if (dw && uint64_t(c.kernel_h) * c.kernel_w > kMaxQuantizedTaps) return unsupported("a quantized depthwise kernel this large is");
  if (has_bias && ((in(2).dtype != kQint32 && in(2).dtype != kQcint32) || in(2).constant == nullptr)) {
    return bad("quantized bias is not a constant qint32/qcint32");
  }
  return Error::Ok;
}

Error Checker::pooling() {
  const Value &x = in(0), &o = out();
  ETB_RETURN_IF_ERROR(need_real(x, "input"));
  ETB_RETURN_IF_ERROR(need_real(o, "output"));
  if (x.rank != 4 || o.rank != 4) return bad("input and output must be 4-D (NHWC)");
  const Node& c = *n;
  if (c.kernel_h == 0 || c.kernel_w == 0 || c.stride_h == 0 || c.stride_w == 0) return bad("zero pooling size or stride");
  if (c.kind == kAvgPooling2d && (c.dilation_h != 1 || c.dilation_w != 1)) return unsupported("dilated average pooling is");
  int64_t eh = int64_t(c.dilation_h) * (c.kernel_h - 1) + 1, ew = int64_t(c.dilation_w) * (c.kernel_w - 1) + 1;
  int64_t ph = int64_t(x.dims[1]) + c.pad_top + c.pad_bottom, pw = int64_t(x.dims[2]) + c.pad_left + c.pad_right;
  if (ph < eh || pw < ew) return bad("the window is larger than the padded input");
  if (o.dims[0] != x.dims[0] || o.dims[3] != x.dims[3] || o.dims[1] != uint64_t((ph - eh) / c.stride_h + 1) ||
      o.dims[2] != uint64_t((pw - ew) / c.stride_w + 1)) {
    return bad("output shape does not follow from input, padding, window and stride");
  }
  return Error::Ok;
}

Error Checker::layout() {
  const Value &x = in(0), &o = out();
  const Node& c = *n;
  if (c.kind == kGlobalAvgPooling2d) {
    ETB_RETURN_IF_ERROR(need_real(x, "input"));
    ETB_RETURN_IF_ERROR(need_real(o, "output"));
    if (x.rank != 4 || o.numel != uint64_t(x.dims[0]) * x.dims[3]) return bad("input is not NHWC or output is not N x C");
    return Error::Ok;
  }
  if (c.kind == kStaticConstantPad) {
    ETB_RETURN_IF_ERROR(need_real(x, "input"));
    ETB_RETURN_IF_ERROR(need_real(o, "output"));
  } else if (x.dtype != o.dtype) {
    return bad("input and output datatypes differ");
  }
  if (!c.via_float && (x.quant != o.quant || x.scale != o.scale || x.zero_point != o.zero_point)) {
    return unsupported("requantizing in a layout node is");
  }
  if (x.quant == Quant::PerChannel) return unsupported("a per-channel quantized operand is");
  if (c.kind == kStaticReshape || c.kind == kCopy) {
    if (x.numel != o.numel) return bad("input and output element counts differ");
    return Error::Ok;
  }
  if (c.rank != x.rank || c.rank != o.rank) return bad("rank of the parameters, input and output differ");
  bool seen[kMaxDims] = {};
  for (uint32_t d = 0; d < c.rank; d++) {
    uint64_t want;
    if (c.kind == kStaticTranspose) {
      if (c.a[d] >= c.rank || seen[c.a[d]]) return bad("perm is not a permutation");
      seen[c.a[d]] = true;
      want = x.dims[c.a[d]];
    } else if (c.kind == kStaticSlice) {
      if (c.a[d] > x.dims[d]) return bad("slice offset is past the input");
      want = c.b[d] == 0 ? x.dims[d] - c.a[d] : c.b[d];
      if (want > x.dims[d] - c.a[d]) return bad("slice runs past the input");
    } else {  // constant pad
      if (c.a[d] > (1u << 20) || c.b[d] > (1u << 20)) return bad("padding is too large");
      want = uint64_t(c.a[d]) + x.dims[d] + c.b[d];
    }
    if (o.dims[d] != want) return bad("output shape does not follow from the input and the parameters");
  }
  return Error::Ok;
}

Error Checker::concat() {
  const Value& o = out();
  int32_t axis = n->axis < 0 ? n->axis + int32_t(o.rank) : n->axis;
  if (axis < 0 || uint32_t(axis) >= o.rank) return bad("axis is outside the output rank");
  uint64_t total = 0;
  for (uint32_t k = 0; k < n->num_inputs; k++) {
    const Value& x = in(k);
    if (x.dtype != o.dtype || datatype_size(x.dtype) == 0 || x.quant == Quant::PerChannel) return bad("inputs and output datatypes differ");
    if (x.quant != Quant::None && (x.scale != o.scale || x.zero_point != o.zero_point)) return unsupported("requantizing concatenation is");
    if (x.rank != o.rank) return bad("input rank differs from the output");
    for (uint32_t d = 0; d < o.rank; d++) {
      if (d != uint32_t(axis) && x.dims[d] != o.dims[d]) return bad("inputs differ outside the axis");
    }
    total += x.dims[axis];
  }
  if (total != o.dims[axis]) return bad("output size along the axis is not the sum of the inputs");
  return Error::Ok;
}

Error Checker::bmm() {
  const Value &a = in(0), &b = in(1), &o = out();
  ETB_RETURN_IF_ERROR(need_f32(a, "input 1"));
  ETB_RETURN_IF_ERROR(need_f32(b, "input 2"));
  ETB_RETURN_IF_ERROR(need_f32(o, "output"));
  if (a.rank < 2 || a.rank != b.rank || a.rank != o.rank) return bad("operands must have the same rank >= 2");
  uint32_t r = a.rank;
  bool t = (n->flags & kBmmTransposeB) != 0;
  uint32_t M = a.dims[r - 2], K = a.dims[r - 1];
  uint32_t bk = t ? b.dims[r - 1] : b.dims[r - 2], N = t ? b.dims[r - 2] : b.dims[r - 1];
  if (bk != K || o.dims[r - 2] != M || o.dims[r - 1] != N) return bad("operand shapes do not multiply");
  for (uint32_t d = 0; d + 2 < r; d++) {
    if (a.dims[d] != b.dims[d] || o.dims[d] != a.dims[d]) return bad("batch dimensions differ");
  }
  return Error::Ok;
}

Error Checker::one() {
  uint8_t k = n->kind;
  for (uint32_t i = 0; i < n->num_inputs; i++) {
    if (n->inputs[i] == n->output) return bad("a node reads and writes the same value");
  }
  const Value& o = out();
  if (o.constant != nullptr || (o.flags & kFlagExternalInput) != 0) return bad("output is a constant or a graph input");
  if (is_binary(k)) return binary();
  if (k == kCopy) return layout();
  if (is_unary(k) || k == kSoftmax) {
    ETB_RETURN_IF_ERROR(need_real(in(0), "input"));
    ETB_RETURN_IF_ERROR(need_real(o, "output"));
    if (k == kSoftmax && in(0).rank == 0) return bad("softmax of a scalar");
    return same_dims(in(0), o, "input and output shapes differ");
  }
  switch (k) {
    case kConvert: return convert();
    case kFullyConnected: return fully_connected();
    case kConv2d: case kDepthwiseConv2d: case kConvTranspose2d: return conv();
    case kStaticResizeBilinear2D: {
      const Value &x = in(0), &o = out();
      ETB_RETURN_IF_ERROR(need_real(x, "input"));
      ETB_RETURN_IF_ERROR(need_real(o, "output"));
      if (x.rank != 4 || o.rank != 4) return bad("input and output must be 4-D (NHWC)");
      if (n->a[0] == 0 || n->a[1] == 0 || x.dims[1] == 0 || x.dims[2] == 0) return bad("an empty size");
      if (o.dims[0] != x.dims[0] || o.dims[1] != n->a[0] || o.dims[2] != n->a[1] || o.dims[3] != x.dims[3]) {
        return bad("output shape is not [N, new_height, new_width, C]");
      }
      return Error::Ok;
    }
    case kAvgPooling2d: case kMaxPooling2d: return pooling();
    case kStaticTranspose: case kStaticReshape: case kStaticSlice: case kStaticConstantPad: case kGlobalAvgPooling2d:
      return layout();
    case kConcatenate2: case kConcatenate3: case kConcatenate4: case kConcatenate5: return concat();
    case kBatchMatrixMultiply: return bmm();
    default: return unsupported("this node kind is");
  }
}

}  // namespace

Error check_graph(Graph& g, Diag* diag) {
  Checker c{g, diag};
  for (uint32_t i = 0; i < g.num_nodes; i++) {
    c.n = &g.nodes[i];
    ETB_RETURN_IF_ERROR(c.one());
  }
  // Every value a node reads must be a constant, a graph input or written by an earlier node.
  for (uint32_t v = 0; v < g.num_values; v++) g.values[v].first_use = kInvalidId;
  for (uint32_t i = 0; i < g.num_nodes; i++) {
    const Node& n = g.nodes[i];
    for (uint32_t k = 0; k < n.num_inputs; k++) {
      if (n.inputs[k] == kInvalidId) continue;
      Value& v = g.values[n.inputs[k]];
      if (v.constant == nullptr && (v.flags & kFlagExternalInput) == 0 && v.first_use == kInvalidId) {
        return fail(diag, Error::InvalidProgram, "xnnpack: node %u (%s) reads value %u before any node writes it", i,
                    node_kind_name(n.kind), n.inputs[k]);
      }
      v.last_use = i;
    }
    Value& o = g.values[n.output];
    if (o.first_use != kInvalidId) {
      return fail(diag, Error::InvalidProgram, "xnnpack: node %u (%s) writes value %u, which node %u already wrote", i,
                  node_kind_name(n.kind), n.output, o.first_use);
    }
    o.first_use = i;
    if (o.last_use < i) o.last_use = i;
  }
  return Error::Ok;
}

}  // namespace xnn
}  // namespace etb

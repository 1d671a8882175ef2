// Payload -> Graph. The bytes are untrusted: every offset, size, count and
// id is checked before use, and failures name the field and index.
// Malformed input is InvalidProgram; a well-formed feature this backend
// lacks (node kind, datatype, dynamic quantization) is NotSupported.
#include <string.h>

#include <new>

#include "backends/xnnpack/xnn_graph.h"
#include "runtime/program.h"

namespace etb {
namespace xnn {
namespace {

constexpr size_t kHeaderSize = 30;
constexpr uint32_t kMaxValues = 1u << 20;

uint32_t u32_at(const uint8_t* p) { uint32_t v; memcpy(&v, p, 4); return v; }
uint64_t u64_at(const uint8_t* p) { uint64_t v; memcpy(&v, p, 8); return v; }

bool implemented(uint8_t kind) {
  switch (kind) {
    case kArgMaxPooling2d:
    case kScaledDotProductAttention:
      return false;
    default:
      return kind > 0 && kind < kNodeKindCount;
  }
}

struct Decoder {
  Span<const uint8_t> payload;
  const Program* program;
  MemoryAllocator* alloc;
  Diag* diag;
  Span<const uint8_t> flatbuffer, constants;  // constants: the payload's constant section
  fb::Table root;
  fb::TableVector constant_data, constant_buffer;
  Graph* g = nullptr;

  Error header();
  Result<const uint8_t*> constant(uint32_t idx, uint64_t need, const char* what, uint32_t value_id);
  Error value(uint32_t i, const fb::Table& xv);
  Error quant(Value& v, uint32_t id, const fb::Table& q);
  Error node(uint32_t i, const fb::Table& xn);
  Error node_fields(Node& n, const fb::Table& t, uint32_t i);
  Error ids(const Node& n, uint32_t i);
};

Error Decoder::header() {
  const uint8_t* p = payload.data();
  size_t size = payload.size();
  if (size < 8) return fail(diag, Error::InvalidProgram, "xnnpack: payload of %zu bytes is too small", size);
  if (memcmp(p + 4, "XH00", 4) != 0) {  // old files: the whole payload is the flatbuffer
    flatbuffer = payload;
    return Error::Ok;
  }
  if (size < kHeaderSize) {
    return fail(diag, Error::InvalidProgram, "xnnpack: XH00 header truncated (%zu of %zu bytes)", size, kHeaderSize);
  }
  uint16_t header_len;
  memcpy(&header_len, p + 8, 2);
  uint64_t fb_off = u32_at(p + 10), fb_size = u32_at(p + 14), c_off = u32_at(p + 18), c_size = u64_at(p + 22);
  if (header_len < kHeaderSize || header_len > size) {
    return fail(diag, Error::InvalidProgram, "xnnpack: XH00 header length %u is outside [%zu, %zu]", header_len,
                kHeaderSize, size);
  }
  if (fb_off > size || fb_size > size - fb_off) {
    return fail(diag, Error::InvalidProgram,
                "xnnpack: flatbuffer at offset %llu size %llu runs past the end of the %zu-byte payload",
                (unsigned long long)fb_off, (unsigned long long)fb_size, size);
  }
  if (c_off > size || c_size > size - c_off) {
    return fail(diag, Error::InvalidProgram,
                "xnnpack: constant data at offset %llu size %llu runs past the end of the %zu-byte payload",
                (unsigned long long)c_off, (unsigned long long)c_size, size);
  }
  flatbuffer = Span<const uint8_t>(p + fb_off, size_t(fb_size));
  constants = Span<const uint8_t>(p + c_off, size_t(c_size));
  return Error::Ok;
}

// Bytes of constant `idx` (at least `need` of them), 4-byte aligned (copied when not).
Result<const uint8_t*> Decoder::constant(uint32_t idx, uint64_t need, const char* what, uint32_t value_id) {
  const uint8_t* bytes = nullptr;
  uint64_t have = 0;
  if (constant_data.size() > 0) {
    if (idx >= constant_data.size()) {
      return fail(diag, Error::InvalidProgram, "xnnpack: xvalue %u: %s %u is outside constant_data (%u entries)",
                  value_id, what, idx, constant_data.size());
    }
    auto entry = constant_data[idx];
    if (!entry.ok()) return entry.error();
    auto key = entry->string(2, "ConstantDataOffset.named_key", false);
    if (!key.ok()) return key.error();
    if (key->size > 0) {
      auto blob = program->named_data(*key, diag);
      if (!blob.ok()) {
        return fail(diag, blob.error(), "xnnpack: xvalue %u: named data '%.*s' is not in the program", value_id,
                    int(key->size), key->data);
      }
      bytes = blob->data();
      have = blob->size();
    } else {
      uint64_t off = entry->scalar<uint64_t>(0, 0), sz = entry->scalar<uint64_t>(1, 0);
      if (off > constants.size() || sz > constants.size() - off) {
        return fail(diag, Error::InvalidProgram,
                    "xnnpack: xvalue %u: constant %u at offset %llu size %llu runs past the %zu-byte constant data",
                    value_id, idx, (unsigned long long)off, (unsigned long long)sz, constants.size());
      }
      bytes = constants.data() + off;
      have = sz;
    }
  } else {
    if (idx >= constant_buffer.size()) {
      return fail(diag, Error::InvalidProgram, "xnnpack: xvalue %u: %s %u is outside constant_buffer (%u entries)",
                  value_id, what, idx, constant_buffer.size());
    }
    auto buf = constant_buffer[idx];
    if (!buf.ok()) return buf.error();
    auto storage = buf->vector<uint8_t>(0, "Buffer.storage", false);
    if (!storage.ok()) return storage.error();
    bytes = storage->raw();
    have = storage->size();
  }
  if (have < need) {
    return fail(diag, Error::InvalidProgram, "xnnpack: xvalue %u: constant %u has %llu bytes, the tensor needs %llu",
                value_id, idx, (unsigned long long)have, (unsigned long long)need);
  }
  if (reinterpret_cast<uintptr_t>(bytes) % 4 != 0 && need > 0) {
    uint8_t* copy = static_cast<uint8_t*>(alloc->allocate(size_t(need), 16));
    if (copy == nullptr) return fail(diag, Error::MemoryAllocationFailed, "xnnpack: no memory to align constant %u", idx);
    memcpy(copy, bytes, size_t(need));
    bytes = copy;
  }
  return bytes;
}

Error Decoder::quant(Value& v, uint32_t id, const fb::Table& q) {
  uint8_t type = q.scalar<uint8_t>(1, 0);
  if (type == kQuantPerTensor) {
    auto t = q.table(2, kPerTensorQuant, "PerTensorQuant", true);
    if (!t.ok()) return t.error();
    v.quant = Quant::PerTensor;
    v.scale = t->scalar<float>(0, 0.0f);
    v.zero_point = t->scalar<int32_t>(1, 0);
    if (!(v.scale > 0.0f) || v.scale == __builtin_inff()) {
      return fail(diag, Error::InvalidProgram, "xnnpack: xvalue %u: quantization scale %g is not positive and finite",
                  id, double(v.scale));
    }
    return Error::Ok;
  }
  if (type == kQuantPerChannel) {
    auto t = q.table(2, kPerChannelQuant, "PerChannelQuant", true);
    if (!t.ok()) return t.error();
    v.quant = Quant::PerChannel;
    v.channel_dim = t->scalar<int32_t>(1, 0);
    if (v.channel_dim < 0 || uint32_t(v.channel_dim) >= v.rank) {
      return fail(diag, Error::InvalidProgram, "xnnpack: xvalue %u: channel_dim %d is outside rank %u", id,
                  v.channel_dim, v.rank);
    }
    uint32_t channels = v.dims[v.channel_dim];
    uint32_t buffer_idx = t->scalar<uint32_t>(2, 0);
    const uint8_t* src = nullptr;
    if (buffer_idx != 0) {
      auto c = constant(buffer_idx, uint64_t(channels) * 4, "scale_buffer_idx", id);
      if (!c.ok()) return c.error();
      src = *c;
    } else {
      auto s = t->vector<float>(0, "PerChannelQuant.scale", false);
      if (!s.ok()) return s.error();
      if (s->size() != channels) {
        return fail(diag, Error::InvalidProgram, "xnnpack: xvalue %u: %u per-channel scales for %u channels", id,
                    s->size(), channels);
      }
      src = s->raw();
    }
    float* scales = alloc->allocate_array<float>(channels == 0 ? 1 : channels);
    if (scales == nullptr) return fail(diag, Error::MemoryAllocationFailed, "xnnpack: no memory for scales");
    memcpy(scales, src, size_t(channels) * 4);
    for (uint32_t c = 0; c < channels; c++) {
      if (!(scales[c] > 0.0f) || scales[c] == __builtin_inff()) {
        return fail(diag, Error::InvalidProgram, "xnnpack: xvalue %u: scale of channel %u (%g) is not positive and finite",
                    id, c, double(scales[c]));
      }
    }
    v.channel_scales = scales;
    v.num_scales = channels;
    return Error::Ok;
  }
  if (type == kQuantPerToken || type == kQuantPerChannelGroup) {
    return fail(diag, Error::NotSupported, "xnnpack: xvalue %u: %s quantization is not supported", id,
                type == kQuantPerToken ? "per-token dynamic" : "per-channel-group (blockwise)");
  }
  return fail(diag, Error::InvalidProgram, "xnnpack: xvalue %u: quant_params type %u is unknown", id, type);
}

Error Decoder::value(uint32_t i, const fb::Table& xv) {
  uint8_t type = xv.scalar<uint8_t>(0, 0);
  fb::Table tv, qv;
  if (type == kValueTensor) {
    auto t = xv.table(1, kTensorValue, "XNNTensorValue", true);
    if (!t.ok()) return t.error();
    tv = *t;
  } else if (type == kValueQuantized) {
    auto q = xv.table(1, kQuantizedTensorValue, "XNNQuantizedTensorValue", true);
    if (!q.ok()) return q.error();
    qv = *q;
    auto t = qv.table(0, kTensorValue, "XNNQuantizedTensorValue.tensor_value", true);
    if (!t.ok()) return t.error();
    tv = *t;
  } else {
    return fail(diag, Error::InvalidProgram, "xnnpack: xvalue %u has union type %u (expected 1 or 2)", i, type);
  }
  uint32_t id = tv.scalar<uint32_t>(tv::kIdOut, 0);
  if (id >= g->num_values) {
    return fail(diag, Error::InvalidProgram, "xnnpack: xvalue %u: id_out %u is out of range (%u values)", i, id,
                g->num_values);
  }
  Value& v = g->values[id];
  if (v.defined) return fail(diag, Error::InvalidProgram, "xnnpack: xvalue %u: id_out %u is defined twice", i, id);
  v.defined = true;
  v.dtype = tv.scalar<int16_t>(tv::kDatatype, 0);
  if (tv.scalar<int16_t>(tv::kDqDatatype, 0) != kInvalid) {
    return fail(diag, Error::NotSupported, "xnnpack: xvalue %u: dynamic quantization (dq_datatype %s) is not supported",
                id, datatype_name(tv.scalar<int16_t>(tv::kDqDatatype, 0)));
  }
  auto dims = tv.vector<uint32_t>(tv::kDims, "XNNTensorValue.dims", false);
  if (!dims.ok()) return dims.error();
  v.rank = dims->size();
  if (v.rank > kMaxDims || tv.scalar<uint32_t>(tv::kNumDims, 0) != v.rank) {
    return fail(diag, Error::InvalidProgram, "xnnpack: xvalue %u: %u dims (num_dims %u; at most %u)", id, v.rank,
                tv.scalar<uint32_t>(tv::kNumDims, 0), kMaxDims);
  }
  v.numel = 1;
  for (uint32_t d = 0; d < v.rank; d++) {
    v.dims[d] = (*dims)[d];
    if (v.dims[d] > (1u << 30) || (v.dims[d] != 0 && v.numel > (uint64_t(1) << 36) / v.dims[d])) {
      return fail(diag, Error::InvalidProgram, "xnnpack: xvalue %u: dims[%u] = %u makes the tensor too large", id, d,
                  v.dims[d]);
    }
    v.numel *= v.dims[d];
  }
  v.flags = tv.scalar<uint32_t>(tv::kFlags, 0);
  if ((v.flags & ~(kFlagExternalInput | kFlagExternalOutput)) != 0) {
    return fail(diag, Error::InvalidProgram, "xnnpack: xvalue %u: flags 0x%x has unknown bits", id, v.flags);
  }
  if (v.is_external()) {
    v.external_id = tv.scalar<uint32_t>(tv::kExternalId, 0);  // schema default 0
    if (v.external_id >= g->num_externs) {
      return fail(diag, Error::InvalidProgram, "xnnpack: xvalue %u: external_id %u is outside num_externs %u", id,
                  v.external_id, g->num_externs);
    }
  }
  bool quantized = type == kValueQuantized;
  switch (v.dtype) {
    case kFp32: case kInt32:
      if (quantized) return fail(diag, Error::InvalidProgram, "xnnpack: xvalue %u: %s with quantization parameters", id, datatype_name(v.dtype));
      break;
    case kQint8: case kQuint8: case kQint32: case kQcint8: case kQcint32:
      if (!quantized) return fail(diag, Error::InvalidProgram, "xnnpack: xvalue %u: %s without quantization parameters", id, datatype_name(v.dtype));
      ETB_RETURN_IF_ERROR(quant(v, id, qv));
      if ((v.dtype == kQcint8 || v.dtype == kQcint32) != (v.quant == Quant::PerChannel)) {
        return fail(diag, Error::InvalidProgram, "xnnpack: xvalue %u: %s needs %s quantization", id,
                    datatype_name(v.dtype), v.quant == Quant::PerChannel ? "per-tensor" : "per-channel");
      }
      if (v.dtype == kQuint8 && (v.zero_point < 0 || v.zero_point > 255)) {
        return fail(diag, Error::InvalidProgram, "xnnpack: xvalue %u: quint8 zero point %d", id, v.zero_point);
      }
      if (v.dtype == kQint8 && (v.zero_point < -128 || v.zero_point > 127)) {
        return fail(diag, Error::InvalidProgram, "xnnpack: xvalue %u: qint8 zero point %d", id, v.zero_point);
      }
      break;
    default:
      if (v.dtype <= kInvalid || v.dtype > kBf16) {
        return fail(diag, Error::InvalidProgram, "xnnpack: xvalue %u: datatype %d is unknown", id, v.dtype);
      }
      return fail(diag, Error::NotSupported, "xnnpack: xvalue %u: datatype %s is not supported", id,
                  datatype_name(v.dtype));
  }
  uint32_t cidx = tv.scalar<uint32_t>(tv::kConstantBufferIdx, 0);
  if (cidx != 0) {
    if (v.is_external()) return fail(diag, Error::InvalidProgram, "xnnpack: xvalue %u is both constant and external", id);
    auto c = constant(cidx, v.nbytes(), "constant_buffer_idx", id);
    if (!c.ok()) return c.error();
    v.constant = *c;
  }
  return Error::Ok;
}

// Every id a node names must be a defined value.
Error Decoder::ids(const Node& n, uint32_t i) {
  for (uint32_t k = 0; k < n.num_inputs; k++) {
    uint32_t id = n.inputs[k];
    if (id == kInvalidId && n.kind == kFullyConnected && k == 2) continue;  // no bias
    if ((id == kInvalidId) && (n.kind == kConv2d || n.kind == kDepthwiseConv2d || n.kind == kConvTranspose2d) && k == 2) continue;
    if (id >= g->num_values || !g->values[id].defined) {
      return fail(diag, Error::InvalidProgram, "xnnpack: node %u (%s): input %u names value %u, which does not exist (%u values)",
                  i, node_kind_name(n.kind), k, id, g->num_values);
    }
  }
  if (n.output >= g->num_values || !g->values[n.output].defined) {
    return fail(diag, Error::InvalidProgram, "xnnpack: node %u (%s): output names value %u, which does not exist (%u values)", i,
                node_kind_name(n.kind), n.output, g->num_values);
  }
  return Error::Ok;
}

Error read_u32_list(const fb::Table& t, uint8_t slot, const char* what, uint32_t expect, uint32_t* out, uint32_t node,
                    Diag* diag) {
  auto v = t.vector<uint32_t>(slot, what, true);
  if (!v.ok()) return v.error();
  if (v->size() != expect || expect > kMaxDims) {
    return fail(diag, Error::InvalidProgram, "xnnpack: node %u: %s has %u entries, expected %u (at most %u)", node,
                what, v->size(), expect, kMaxDims);
  }
  for (uint32_t k = 0; k < expect; k++) out[k] = (*v)[k];
  return Error::Ok;
}

Error Decoder::node_fields(Node& n, const fb::Table& xn, uint32_t i) {
  const char* name = node_kind_name(n.kind);
  switch (n.kind) {
    case kFullyConnected: {
      auto t = xn.table(1, kFullyConnectedTable, name, true);
      if (!t.ok()) return t.error();
      n.num_inputs = 3;
      for (uint32_t k = 0; k < 3; k++) n.inputs[k] = t->scalar<uint32_t>(uint8_t(k), 0);
      n.output = t->scalar<uint32_t>(3, 0);
      n.flags = t->scalar<uint32_t>(4, 0);
      return Error::Ok;
    }
    case kConv2d: case kDepthwiseConv2d: case kConvTranspose2d: {
      auto t = xn.table(1, kConv, name, true);
      if (!t.ok()) return t.error();
      uint32_t f[20];
      for (uint8_t k = 0; k < 20; k++) f[k] = t->scalar<uint32_t>(k, 0);
      n.pad_top = f[0]; n.pad_right = f[1]; n.pad_bottom = f[2]; n.pad_left = f[3];
      n.kernel_h = f[4]; n.kernel_w = f[5]; n.stride_h = f[6]; n.stride_w = f[7];
      n.dilation_h = f[8]; n.dilation_w = f[9]; n.group_in = f[10]; n.group_out = f[11]; n.groups = f[12];
      n.adjust_h = f[13]; n.adjust_w = f[14];
      if ((n.adjust_h != 0 || n.adjust_w != 0) && n.kind != kConvTranspose2d) {
        return fail(diag, Error::InvalidProgram, "xnnpack: node %u (%s): output adjustment on a forward convolution", i, name);
      }
      n.num_inputs = 3;
      n.inputs[0] = f[15]; n.inputs[1] = f[16]; n.inputs[2] = f[17];
      n.output = f[18];
      n.flags = f[19];
      return Error::Ok;
    }
    case kAvgPooling2d: case kMaxPooling2d: {
      auto t = xn.table(1, kPooling, name, true);
      if (!t.ok()) return t.error();
      uint32_t f[13];
      for (uint8_t k = 0; k < 13; k++) f[k] = t->scalar<uint32_t>(k, 0);
      n.pad_top = f[0]; n.pad_right = f[1]; n.pad_bottom = f[2]; n.pad_left = f[3];
      n.kernel_h = f[4]; n.kernel_w = f[5]; n.stride_h = f[6]; n.stride_w = f[7];
      n.dilation_h = f[8] == 0 ? 1 : f[8]; n.dilation_w = f[9] == 0 ? 1 : f[9];
      n.num_inputs = 1;
      n.inputs[0] = f[10];
      n.output = f[11];
      n.flags = f[12];
      return Error::Ok;
    }
    case kStaticTranspose: case kStaticReshape: {
      auto t = xn.table(1, kTranspose, name, true);
      if (!t.ok()) return t.error();
      n.rank = t->scalar<uint32_t>(0, 0);
      ETB_RETURN_IF_ERROR(read_u32_list(*t, 1, n.kind == kStaticTranspose ? "perm" : "new_shape", n.rank, n.a, i, diag));
      n.num_inputs = 1;
      n.inputs[0] = t->scalar<uint32_t>(2, 0);
      n.output = t->scalar<uint32_t>(3, 0);
      n.flags = t->scalar<uint32_t>(4, 0);
      return Error::Ok;
    }
    case kStaticSlice: {
      auto t = xn.table(1, kSlice, name, true);
      if (!t.ok()) return t.error();
      n.rank = t->scalar<uint32_t>(0, 0);
      ETB_RETURN_IF_ERROR(read_u32_list(*t, 1, "offsets", n.rank, n.a, i, diag));
      ETB_RETURN_IF_ERROR(read_u32_list(*t, 2, "sizes", n.rank, n.b, i, diag));
      n.num_inputs = 1;
      n.inputs[0] = t->scalar<uint32_t>(3, 0);
      n.output = t->scalar<uint32_t>(4, 0);
      n.flags = t->scalar<uint32_t>(5, 0);
      return Error::Ok;
    }
    case kStaticConstantPad: {
      auto t = xn.table(1, kPad, name, true);
      if (!t.ok()) return t.error();
      auto pre = t->vector<uint32_t>(0, "pre_paddings", true);
      if (!pre.ok()) return pre.error();
      n.rank = pre->size();
      ETB_RETURN_IF_ERROR(read_u32_list(*t, 0, "pre_paddings", n.rank, n.a, i, diag));
      ETB_RETURN_IF_ERROR(read_u32_list(*t, 1, "post_paddings", n.rank, n.b, i, diag));
      n.alpha = t->scalar<float>(2, 0.0f);
      n.num_inputs = 1;
      n.inputs[0] = t->scalar<uint32_t>(3, 0);
      n.output = t->scalar<uint32_t>(4, 0);
      n.flags = t->scalar<uint32_t>(5, 0);
      return Error::Ok;
    }
    case kStaticResizeBilinear2D: {
      auto t = xn.table(1, kResize, name, true);
      if (!t.ok()) return t.error();
      n.a[0] = t->scalar<uint32_t>(0, 0);  // new height
      n.a[1] = t->scalar<uint32_t>(1, 0);  // new width
      n.num_inputs = 1;
      n.inputs[0] = t->scalar<uint32_t>(2, 0);
      n.output = t->scalar<uint32_t>(3, 0);
      n.flags = t->scalar<uint32_t>(4, 0);
      return Error::Ok;
    }
    case kELU: case kLeakyReLU: {
      auto t = xn.table(1, kAlpha1x1, name, true);
      if (!t.ok()) return t.error();
      n.alpha = t->scalar<float>(0, 0.0f);
      n.num_inputs = 1;
      n.inputs[0] = t->scalar<uint32_t>(1, 0);
      n.output = t->scalar<uint32_t>(2, 0);
      n.flags = t->scalar<uint32_t>(3, 0);
      return Error::Ok;
    }
    case kConcatenate2: case kConcatenate3: case kConcatenate4: case kConcatenate5: {
      auto t = xn.table(1, kCat, name, true);
      if (!t.ok()) return t.error();
      n.axis = t->scalar<int32_t>(0, 0);
      n.num_inputs = n.kind == kConcatenate5 ? 5 : uint32_t(n.kind - kConcatenate2 + 2);
      const uint8_t slots[5] = {1, 2, 3, 4, 7};
      for (uint32_t k = 0; k < n.num_inputs; k++) n.inputs[k] = t->scalar<uint32_t>(slots[k], 0);
      n.output = t->scalar<uint32_t>(5, 0);
      n.flags = t->scalar<uint32_t>(6, 0);
      return Error::Ok;
    }
    case kAdd: case kDiv: case kMinimum: case kMaximum: case kMultiply: case kSubtract: case kPReLU:
    case kBatchMatrixMultiply: {
      auto t = xn.table(1, kNode2x1, name, true);
      if (!t.ok()) return t.error();
      n.num_inputs = 2;
      n.inputs[0] = t->scalar<uint32_t>(0, 0);
      n.inputs[1] = t->scalar<uint32_t>(1, 0);
      n.output = t->scalar<uint32_t>(2, 0);
      n.flags = t->scalar<uint32_t>(3, 0);
      return Error::Ok;
    }
    default: {  // every other implemented kind is _XNNNode1x1
      auto t = xn.table(1, kNode1x1, name, true);
      if (!t.ok()) return t.error();
      n.num_inputs = 1;
      n.inputs[0] = t->scalar<uint32_t>(0, 0);
      n.output = t->scalar<uint32_t>(1, 0);
      n.flags = t->scalar<uint32_t>(2, 0);
      return Error::Ok;
    }
  }
}

Error Decoder::node(uint32_t i, const fb::Table& xn) {
  Node& n = g->nodes[i];
  n.index = i;
  n.kind = xn.scalar<uint8_t>(0, 0);
  if (n.kind == 0 || n.kind >= kNodeKindCount) {
    return fail(diag, Error::InvalidProgram, "xnnpack: node %u has union type %u, which is not an XNNPACK node kind", i,
                n.kind);
  }
  if (!implemented(n.kind)) return fail(diag, Error::NotSupported, "xnnpack: node %s not supported (node %u)", node_kind_name(n.kind), i);
  n.debug_handle = xn.scalar<uint32_t>(2, 0);
  auto mm = xn.table(3, kOutputMinMax, "OutputMinMax", false);
  if (!mm.ok()) return mm.error();
  if (!mm->is_null() && mm->offset() != 0) {
    n.out_min = mm->scalar<float>(0, 0.0f);
    n.out_max = mm->scalar<float>(1, 0.0f);
    if (n.out_min != n.out_min || n.out_max != n.out_max || n.out_min > n.out_max) {
      return fail(diag, Error::InvalidProgram, "xnnpack: node %u (%s): output range [%g, %g] is empty", i,
                  node_kind_name(n.kind), double(n.out_min), double(n.out_max));
    }
  }
  ETB_RETURN_IF_ERROR(node_fields(n, xn, i));
  return ids(n, i);
}

}  // namespace

uint64_t Value::nbytes() const { return numel * datatype_size(dtype); }

size_t datatype_size(int16_t dt) {
  switch (dt) {
    case kFp32: case kQint32: case kQcint32: case kInt32: return 4;
    case kQint8: case kQuint8: case kQcint8: return 1;
    default: return 0;
  }
}

Result<Graph*> decode_payload(Span<const uint8_t> payload, const Program* program, MemoryAllocator* alloc, Diag* diag) {
  Decoder d{payload, program, alloc, diag, {}, {}, {}, {}, {}, nullptr};
  ETB_RETURN_IF_ERROR(d.header());
  if (d.flatbuffer.size() < 8) {
    return fail(diag, Error::InvalidProgram, "xnnpack: flatbuffer of %zu bytes is too small", d.flatbuffer.size());
  }
  const uint8_t* ident = d.flatbuffer.data() + 4;
  if (memcmp(ident, "XN01", 4) != 0 && memcmp(ident, "XN00", 4) != 0) {
    char shown[5] = {0};
    for (int k = 0; k < 4; k++) shown[k] = ident[k] >= 32 && ident[k] < 127 ? char(ident[k]) : '?';
    return fail(diag, Error::InvalidProgram, "xnnpack: flatbuffer identifier is '%s', expected XN01 or XN00", shown);
  }
  fb::Buffer buf{d.flatbuffer.data(), d.flatbuffer.size(), diag};
  auto root = fb::Table::root(buf, kGraph, "XNNGraph");
  if (!root.ok()) return root.error();
  d.root = *root;
  auto cd = d.root.tables(graph::kConstantData, kConstantDataOffset, "XNNGraph.constant_data", false);
  if (!cd.ok()) return cd.error();
  d.constant_data = *cd;
  auto cb = d.root.tables(graph::kConstantBuffer, kBuffer, "XNNGraph.constant_buffer", false);
  if (!cb.ok()) return cb.error();
  d.constant_buffer = *cb;
  auto values = d.root.tables(graph::kValues, kXValue, "XNNGraph.xvalues", true);
  if (!values.ok()) return values.error();
  auto nodes = d.root.tables(graph::kNodes, kXNode, "XNNGraph.xnodes", true);
  if (!nodes.ok()) return nodes.error();
  if (values->size() > kMaxValues) {
    return fail(diag, Error::InvalidProgram, "xnnpack: %u xvalues (at most %u)", values->size(), kMaxValues);
  }
  Graph* g = alloc->allocate_array<Graph>(1);
  Value* vals = alloc->allocate_array<Value>(values->size() + 1);
  Node* nds = alloc->allocate_array<Node>(nodes->size() + 1);
  void** data = alloc->allocate_array<void*>(values->size() + 1);
  if (g == nullptr || vals == nullptr || nds == nullptr || data == nullptr) {
    return fail(diag, Error::MemoryAllocationFailed, "xnnpack: no memory for a graph of %u values and %u nodes",
                values->size(), nodes->size());
  }
  for (uint32_t i = 0; i < values->size(); i++) new (&vals[i]) Value();
  for (uint32_t i = 0; i < nodes->size(); i++) new (&nds[i]) Node();
  *g = Graph{};
  g->values = vals;
  g->num_values = values->size();
  g->nodes = nds;
  g->num_nodes = nodes->size();
  g->data = data;
  g->num_externs = d.root.scalar<uint32_t>(graph::kNumExterns, 0);
  if (g->num_externs > 4096) {
    return fail(diag, Error::InvalidProgram, "xnnpack: num_externs %u is more than 4096", g->num_externs);
  }
  d.g = g;
  for (uint32_t i = 0; i < values->size(); i++) {
    auto xv = (*values)[i];
    if (!xv.ok()) return xv.error();
    ETB_RETURN_IF_ERROR(d.value(i, *xv));
  }
  for (uint32_t i = 0; i < nodes->size(); i++) {
    auto xn = (*nodes)[i];
    if (!xn.ok()) return xn.error();
    ETB_RETURN_IF_ERROR(d.node(i, *xn));
  }
  // input_ids / output_ids name values (by id_out) flagged as external.
  for (int which = 0; which < 2; which++) {
    auto list = d.root.vector<uint32_t>(which == 0 ? graph::kInputIds : graph::kOutputIds,
                                        which == 0 ? "XNNGraph.input_ids" : "XNNGraph.output_ids", false);
    if (!list.ok()) return list.error();
    uint32_t flag = which == 0 ? kFlagExternalInput : kFlagExternalOutput;
    for (uint32_t k = 0; k < list->size(); k++) {
      uint32_t id = (*list)[k];
      if (id >= g->num_values || !g->values[id].defined || (g->values[id].flags & flag) == 0) {
        return fail(diag, Error::InvalidProgram, "xnnpack: %s[%u] = %u is not an external %s value",
                    which == 0 ? "input_ids" : "output_ids", k, id, which == 0 ? "input" : "output");
      }
    }
  }
  return g;
}

}  // namespace xnn
}  // namespace etb

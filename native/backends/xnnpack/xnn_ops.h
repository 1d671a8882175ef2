// The node implementations. Each runs one checked node (xnn_check.cpp) on
// the data pointers bound in Graph::data; `scratch` is the node's planned
// scratch (Node::scratch_bytes, 64-byte aligned).
#pragma once
#include "backends/xnnpack/xnn_graph.h"

namespace etb {
namespace xnn {

struct OpContext {
  const Graph& g;
  const Node& n;
  void* scratch;
  int threads;

  const Value& in(uint32_t k) const { return g.values[n.inputs[k]]; }
  const Value& out() const { return g.values[n.output]; }
  template <typename T>
  const T* in_data(uint32_t k) const { return static_cast<const T*>(g.data[n.inputs[k]]); }
  template <typename T>
  T* out_data() const { return static_cast<T*>(g.data[n.output]); }
  bool has_input(uint32_t k) const { return n.inputs[k] != kInvalidId; }
};

// xnn_ops_elementwise.cpp
void run_unary(const OpContext& c);
void run_binary(const OpContext& c);
void run_softmax(const OpContext& c);
void run_convert(const OpContext& c);
// Per-tensor qint8/quint8 <-> fp32, for nodes that run on dequantized copies.
void dequantize_values(const Value& v, const void* q, float* out);
void quantize_values(const Value& v, const float* x, void* out);
// xnn_qconvert.cpp: the same conversions in vector registers where the CPU
// allows; they return how many leading elements they did (0: none).
uint64_t dequantize_values_simd(const Value& v, const void* q, float* out);
uint64_t quantize_values_simd(const Value& v, const float* x, void* out, float inv_scale);
// A quantized elementwise unary node as a 256-entry table; false when the
// node is not one (or too small to pay), and nothing was done.
bool run_unary_lut(Graph& g, const Node& n);
// Clamps `n` floats to the node's output range (no-op for (-inf, inf)).
void clamp_output(const Node& node, float* p, uint64_t n);
// y = x clamped to the node's output range (a copy when unbounded); x == y allowed.
void clamp_into(const Node& node, const float* x, float* y, uint64_t n);

// xnn_ops_layout.cpp
void run_copy(const OpContext& c);  // reshape, copy
void run_transpose(const OpContext& c);
void run_slice(const OpContext& c);
void run_pad(const OpContext& c);
void run_concat(const OpContext& c);
void run_pooling(const OpContext& c);
void run_global_avg_pool(const OpContext& c);
void run_resize_bilinear(const OpContext& c);

// xnn_ops_gemm.cpp (fp32; weights packed by plan_gemm at init)
Error plan_gemm(const Graph& g, Node& n, MemoryAllocator* alloc, int threads, Diag* diag, PackCache* packs);
void run_fully_connected(const OpContext& c);
void run_conv(const OpContext& c);
void run_depthwise(const OpContext& c);
void run_bmm(const OpContext& c);
void run_conv_transpose(const OpContext& c);

// xnn_ops_quant.cpp (qint8 activations, qint8/qcint8 weights, qint32 bias)
// Packs the filter for the int8 GEMM (depthwise: widens it to int16) and sizes the scratch.
Error plan_quantized(const Graph& g, Node& n, MemoryAllocator* alloc, Diag* diag);
void run_quantized_fully_connected(const OpContext& c);
void run_quantized_conv(const OpContext& c);
// The output range of a quantized node in the quantized domain: the scaled
// accumulator is clamped to [lo, hi] (output zero point removed), then rounded.
struct Requant {
  float lo, hi;
  int32_t zp;
};
Requant requant_range(const Node& n, const Value& o);

// xnn_ops_qdepthwise.cpp (qint8 depthwise convolution)
Error plan_quantized_depthwise(const Graph& g, Node& n, MemoryAllocator* alloc, Diag* diag);
void run_quantized_depthwise(const OpContext& c);

}  // namespace xnn
}  // namespace etb

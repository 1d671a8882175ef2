// The decoded XNNPACK delegate graph: values (tensors) indexed by their
// id_out, nodes in execution order with their parameters, and the memory
// plan. Everything lives in the method allocator; nothing points into the
// payload after init except constant bytes (named data or the payload's
// constant section, which the program keeps alive).
//
//   auto g = xnn::decode_payload(payload, program, &alloc, &diag);   // xnn_decode.cpp
//   xnn::check_graph(*g, &diag);       // dtypes and shapes of every node (xnn_check.cpp)
//   xnn::plan_graph(*g, &alloc, &diag); // arena offsets, packed weights (xnn_plan.cpp)
//   xnn::run_graph(*g, args, threads, &diag, &ctx);  // on every execute (xnn_run.cpp)
#pragma once
#include <stddef.h>
#include <stdint.h>

#include "backends/xnnpack/xnn_schema.h"
#include "runtime/backend.h"
#include "runtime/diag.h"
#include "runtime/evalue.h"
#include "runtime/memory.h"
#include "runtime/pack_cache.h"
#include "runtime/result.h"
#include "runtime/span.h"

namespace etb {

class Program;

namespace xnn {

constexpr uint32_t kMaxDims = 6;  // XNN_MAX_TENSOR_DIMS
// Most kernel taps of a quantized depthwise convolution (its int32 sums stay exact).
constexpr uint64_t kMaxQuantizedTaps = 16384;

enum class Quant : uint8_t { None, PerTensor, PerChannel };

struct Value {
  int16_t dtype = kInvalid;
  uint32_t rank = 0;
  uint32_t dims[kMaxDims] = {};
  uint64_t numel = 0;
  uint32_t flags = 0;
  uint32_t external_id = kInvalidId;
  bool defined = false;  // an xvalue with this id exists
  Quant quant = Quant::None;
  float scale = 1.0f;
  int32_t zero_point = 0;
  const float* channel_scales = nullptr;  // PerChannel: num_scales floats (copied, aligned)
  uint32_t num_scales = 0;
  int32_t channel_dim = 0;
  const uint8_t* constant = nullptr;  // constant bytes (4-byte aligned), or null
  // Memory plan: intermediates live at `arena_offset` in the arena.
  int64_t arena_offset = -1;
  uint32_t first_use = 0, last_use = 0;  // node indices (lifetime)
  // Elements at the exported dims, which the plan sized everything for; dynamic shapes may
  // shrink `dims`/`numel` at execute (xnn_reshape.cpp), never past this.
  uint64_t bound_numel = 0;
  uint64_t nbytes() const;
  bool is_external() const { return (flags & (kFlagExternalInput | kFlagExternalOutput)) != 0; }
};

struct Node {
  uint8_t kind = 0;
  uint32_t index = 0;  // position in xnodes
  uint32_t debug_handle = 0;
  float out_min = -__builtin_inff(), out_max = __builtin_inff();
  uint32_t inputs[5] = {kInvalidId, kInvalidId, kInvalidId, kInvalidId, kInvalidId};
  uint32_t num_inputs = 0;
  uint32_t output = kInvalidId;
  uint32_t flags = 0;
  // Convolution / pooling.
  uint32_t pad_top = 0, pad_right = 0, pad_bottom = 0, pad_left = 0;
  uint32_t kernel_h = 1, kernel_w = 1, stride_h = 1, stride_w = 1, dilation_h = 1, dilation_w = 1;
  uint32_t groups = 1, group_in = 0, group_out = 0;
  uint32_t adjust_h = 0, adjust_w = 0;  // transposed convolution: extra output rows/columns
  // Transpose perm / reshape shape / slice offsets+sizes / pad pre+post.
  uint32_t rank = 0;
  uint32_t a[kMaxDims] = {}, b[kMaxDims] = {};
  int32_t axis = 0;
  float alpha = 0.0f;  // ELU alpha, LeakyReLU slope, constant pad value
  // Quantized operands on an fp32 node: it runs on dequantized copies (check_graph sets it).
  bool via_float = false;
  // Filled by plan_graph: packed weights and scratch needs.
  const float* packed = nullptr;
  const int16_t* qweights = nullptr;  // quantized depthwise: filter minus its zero point
  const void* qpacked = nullptr;      // quantized FC/conv: int8 GEMM operands (qgemm_pack), one per group
  size_t scratch_bytes = 0;
};

struct Graph {
  Value* values = nullptr;
  uint32_t num_values = 0;
  Node* nodes = nullptr;
  uint32_t num_nodes = 0;
  uint32_t num_externs = 0;
  // Arena (intermediates) and per-node scratch at `scratch_offset`.
  uint8_t* arena = nullptr;
  size_t arena_bytes = 0;
  size_t scratch_offset = 0;
  // Per-execute data pointers, indexed like `values`.
  void** data = nullptr;
  // A re-shape failed part way: the dims are inconsistent until one succeeds (xnn_run.cpp).
  bool shapes_stale = false;
};

// Decodes the payload (XH00 header + XNNGraph flatbuffer, or a bare
// flatbuffer). Malformed bytes fail with InvalidProgram naming the field;
// a node kind or tensor type this backend lacks fails with NotSupported.
Result<Graph*> decode_payload(Span<const uint8_t> payload, const Program* program, MemoryAllocator* alloc,
                              Diag* diag);
// Checks every node's operand dtypes and shapes, so run_graph cannot fail on them.
Error check_graph(Graph& g, Diag* diag);
// Lifetimes, arena offsets, packed weights, the arena itself.
// `packs` (may be null): the method's shared packs, so fully connected nodes of several
// delegates over one weight (an unrolled LSTM) pack it once.
Error plan_graph(Graph& g, MemoryAllocator* alloc, int threads, Diag* diag, PackCache* packs = nullptr);
// Binds args (by external id) and runs the nodes in order. With a profiling `ctx`, each node is
// reported as a node event named by its kind ("XNNConv2d"), numbered by its position in xnodes.
Error run_graph(Graph& g, Span<EValue*> args, int threads, Diag* diag, const BackendExecuteContext* ctx = nullptr);

// Dynamic shapes (xnn_reshape.cpp): record_bounds keeps every value's exported element count
// (plan_graph calls it); reshape_graph derives every node's output dims from the current input
// dims and checks the graph again.
void record_bounds(Graph& g);
Error reshape_graph(Graph& g, Diag* diag);

// Bytes per element of an XNNPACK datatype this backend stores unpacked; 0 otherwise.
size_t datatype_size(int16_t dt);

}  // namespace xnn
}  // namespace etb

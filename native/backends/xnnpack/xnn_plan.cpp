// Init-time planning: packed weights and scratch per node, then one arena
// for every intermediate value. Values whose lifetimes (first writer .. last
// reader, in node order) do not overlap share bytes: largest first, each at
// the lowest offset that clears every overlapping value already placed.
#include "backends/xnnpack/xnn_graph.h"
#include "backends/xnnpack/xnn_ops.h"

namespace etb {
namespace xnn {
namespace {

constexpr size_t kAlign = 64;
constexpr uint32_t kMaxSharedValues = 4096;  // beyond this, no sharing (keeps planning linear)

size_t align_up(size_t v) { return (v + kAlign - 1) / kAlign * kAlign; }

bool overlaps(const Value& a, const Value& b) { return a.first_use <= b.last_use && b.first_use <= a.last_use; }

}  // namespace

Error plan_graph(Graph& g, MemoryAllocator* alloc, int threads, Diag* diag, PackCache* packs) {
  size_t scratch = 0;
  for (uint32_t i = 0; i < g.num_nodes; i++) {
    Node& n = g.nodes[i];
    bool fp32_gemm = (n.kind == kFullyConnected || n.kind == kConv2d) && g.values[n.inputs[0]].dtype == kFp32;
    if (fp32_gemm) ETB_RETURN_IF_ERROR(plan_gemm(g, n, alloc, threads, diag, packs));
    bool q8_gemm = (n.kind == kFullyConnected || n.kind == kConv2d || n.kind == kDepthwiseConv2d) &&
                   g.values[n.inputs[0]].dtype == kQint8;
    if (q8_gemm) ETB_RETURN_IF_ERROR(plan_quantized(g, n, alloc, diag));
    if (n.via_float) {  // fp32 copies of the quantized operands
      size_t bytes = 0;
      for (uint32_t k = 0; k <= n.num_inputs; k++) {
        const Value& v = g.values[k == n.num_inputs ? n.output : n.inputs[k]];
        if (v.dtype != kFp32) bytes += align_up(size_t(v.numel) * sizeof(float));
      }
      if (bytes > n.scratch_bytes) n.scratch_bytes = bytes;
    }
    if (n.scratch_bytes > scratch) scratch = n.scratch_bytes;
  }
  // Intermediates: written by a node, neither constant nor external.
  uint32_t count = 0;
  uint32_t* order = alloc->allocate_array<uint32_t>(g.num_values + 1);
  if (order == nullptr) return fail(diag, Error::MemoryAllocationFailed, "xnnpack: no memory to plan %u values", g.num_values);
  for (uint32_t v = 0; v < g.num_values; v++) {
    const Value& x = g.values[v];
    if (x.defined && x.first_use != kInvalidId && x.constant == nullptr && !x.is_external()) order[count++] = v;
  }
  size_t total = 0;
  if (count > kMaxSharedValues) {
    for (uint32_t k = 0; k < count; k++) {
      Value& x = g.values[order[k]];
      x.arena_offset = int64_t(total);
      total += align_up(size_t(x.nbytes()));
    }
  } else {
    // Largest first (insertion sort: count is small).
    for (uint32_t k = 1; k < count; k++) {
      uint32_t v = order[k];
      uint32_t j = k;
      while (j > 0 && g.values[order[j - 1]].nbytes() < g.values[v].nbytes()) {
        order[j] = order[j - 1];
        j--;
      }
      order[j] = v;
    }
    for (uint32_t k = 0; k < count; k++) {
      Value& x = g.values[order[k]];
      size_t size = align_up(size_t(x.nbytes()));
      size_t offset = 0;
      // Move past every conflicting placed block until none conflicts.
      for (bool moved = true; moved;) {
        moved = false;
        for (uint32_t j = 0; j < k; j++) {
          const Value& y = g.values[order[j]];
          size_t yo = size_t(y.arena_offset), ye = yo + align_up(size_t(y.nbytes()));
          if (overlaps(x, y) && offset < ye && yo < offset + size) {
            offset = ye;
            moved = true;
          }
        }
      }
      x.arena_offset = int64_t(offset);
      if (offset + size > total) total = offset + size;
    }
  }
  record_bounds(g);
  g.scratch_offset = align_up(total);
  g.arena_bytes = g.scratch_offset + align_up(scratch);
  if (g.arena_bytes > 0) {
    g.arena = static_cast<uint8_t*>(alloc->allocate(g.arena_bytes, kAlign));
    if (g.arena == nullptr) {
      return fail(diag, Error::MemoryAllocationFailed, "xnnpack: no memory for the %zu-byte arena", g.arena_bytes);
    }
  }
  return Error::Ok;
}

}  // namespace xnn
}  // namespace etb

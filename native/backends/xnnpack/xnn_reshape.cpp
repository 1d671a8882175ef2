// Dynamic shapes: a graph is exported at its upper-bound dims (what plan_graph sized the arena
// for); when a DelegateCall's inputs are smaller (a dynamic prompt length), every value's dims
// are derived again from the inputs through the nodes, as XNNPACK's runtime reshape does, and
// the run uses them. A derived value larger than its bound, or a node kind whose output shape
// this file cannot derive, fails with NotSupported naming the node.
#include "backends/xnnpack/xnn_graph.h"

namespace etb {
namespace xnn {
namespace {

struct Shape {
  uint32_t rank = 0;
  uint32_t d[kMaxDims] = {};
};

Shape shape_of(const Value& v) {
  Shape s;
  s.rank = v.rank;
  for (uint32_t i = 0; i < v.rank; i++) s.d[i] = v.dims[i];
  return s;
}

// Numpy broadcasting, aligned at the last dim; false when the dims do not broadcast.
bool broadcast(const Shape& a, const Shape& b, Shape* out) {
  out->rank = a.rank > b.rank ? a.rank : b.rank;
  for (uint32_t i = 0; i < out->rank; i++) {
    uint32_t x = i < a.rank ? a.d[a.rank - 1 - i] : 1, y = i < b.rank ? b.d[b.rank - 1 - i] : 1;
    if (x != y && x != 1 && y != 1) return false;
    out->d[out->rank - 1 - i] = x == 1 ? y : x;
  }
  return true;
}

uint64_t numel_of(const Shape& s) {
  uint64_t n = 1;
  for (uint32_t i = 0; i < s.rank; i++) n *= s.d[i];
  return n;
}

class Reshaper {
 public:
  Reshaper(Graph& g, Diag* diag) : g_(g), diag_(diag) {}

  Error node(const Node& n) {
    const Value& o = g_.values[n.output];
    Shape in = shape_of(g_.values[n.inputs[0]]);
    Shape out;
    out.rank = o.rank;
    switch (n.kind) {
      case kAdd: case kSubtract: case kMultiply: case kDiv: case kMinimum: case kMaximum: {
        if (!broadcast(in, shape_of(g_.values[n.inputs[1]]), &out)) return bad(n, "its inputs no longer broadcast");
        break;
      }
      case kFullyConnected: {
        const Value& w = g_.values[n.inputs[1]];
        out = in;
        out.d[out.rank - 1] = (n.flags & kFcTransposeWeights) != 0 ? w.dims[1] : w.dims[0];
        break;
      }
      case kStaticReshape: {
        // new_shape as the node has it (n.a), a 0 taking whatever the input's elements leave.
        uint64_t known = 1;
        uint32_t inferred = kMaxDims;
        for (uint32_t i = 0; i < n.rank; i++) {
          out.d[i] = n.a[i];
          if (n.a[i] == 0) inferred = i; else known *= n.a[i];
        }
        out.rank = n.rank;
        if (inferred < kMaxDims) out.d[inferred] = known == 0 ? 0 : uint32_t(numel_of(in) / known);
        if (numel_of(out) != numel_of(in)) return bad(n, "its fixed new shape no longer has the input's element count");
        break;
      }
      case kStaticTranspose:
        for (uint32_t i = 0; i < out.rank; i++) out.d[i] = in.d[n.a[i]];
        break;
      case kConcatenate2: case kConcatenate3: case kConcatenate4: case kConcatenate5: {
        out = in;
        uint32_t axis = uint32_t(n.axis < 0 ? n.axis + int32_t(out.rank) : n.axis);
        for (uint32_t k = 1; k < n.num_inputs; k++) out.d[axis] += g_.values[n.inputs[k]].dims[axis];
        break;
      }
      case kBatchMatrixMultiply: {
        Shape b = shape_of(g_.values[n.inputs[1]]);
        out = in;
        out.d[out.rank - 1] = b.d[b.rank - 1];
        break;
      }
      case kStaticSlice:
        // offsets n.a, sizes n.b (0: to the end of the dim)
        for (uint32_t i = 0; i < out.rank; i++) {
          if (n.a[i] > in.d[i] || (n.b[i] != 0 && n.b[i] > in.d[i] - n.a[i])) return bad(n, "the slice runs past the smaller input");
          out.d[i] = n.b[i] == 0 ? in.d[i] - n.a[i] : n.b[i];
        }
        break;
      case kStaticConstantPad:
        for (uint32_t i = 0; i < out.rank; i++) out.d[i] = n.a[i] + in.d[i] + n.b[i];
        break;
      case kConv2d: case kDepthwiseConv2d: case kConvTranspose2d:
      case kAvgPooling2d: case kMaxPooling2d: case kGlobalAvgPooling2d: case kStaticResizeBilinear2D:
      case kArgMaxPooling2d: case kScaledDotProductAttention:
        return fail(diag_, Error::NotSupported,
                    "xnnpack: node %u (%s): re-shaping for dynamic shapes is not supported for this node kind", n.index,
                    node_kind_name(n.kind));
      default:  // elementwise unary, softmax, convert, copy: the input's shape
        out = in;
        break;
    }
    return set(n, out);
  }

 private:
  Error bad(const Node& n, const char* what) {
    return fail(diag_, Error::NotSupported, "xnnpack: node %u (%s): re-shaping for dynamic shapes: %s", n.index,
                node_kind_name(n.kind), what);
  }

  Error set(const Node& n, const Shape& s) {
    Value& o = g_.values[n.output];
    if (s.rank != o.rank) return bad(n, "its output rank would change");
    uint64_t numel = numel_of(s);
    if (numel > o.bound_numel) {
      return fail(diag_, Error::NotSupported,
                  "xnnpack: node %u (%s): re-shaped output has %llu elements, more than the %llu it was exported for",
                  n.index, node_kind_name(n.kind), (unsigned long long)numel, (unsigned long long)o.bound_numel);
    }
    for (uint32_t i = 0; i < s.rank; i++) o.dims[i] = s.d[i];
    o.numel = numel;
    return Error::Ok;
  }

  Graph& g_;
  Diag* diag_;
};

}  // namespace

void record_bounds(Graph& g) {
  for (uint32_t id = 0; id < g.num_values; id++) g.values[id].bound_numel = g.values[id].numel;
}

Error reshape_graph(Graph& g, Diag* diag) {
  Reshaper r(g, diag);
  for (uint32_t i = 0; i < g.num_nodes; i++) ETB_RETURN_IF_ERROR(r.node(g.nodes[i]));
  // The same checks init ran, on the new shapes (they cannot fail on shapes derived above unless
  // the graph only worked at its exported size).
  return check_graph(g, diag);
}

}  // namespace xnn
}  // namespace etb

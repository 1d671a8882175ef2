#include "runner/mutable_buffers.h"

#include <string.h>

#include "runtime/schema.h"

namespace etb {
namespace runner {

Error find_mutable_buffers(const Session& s, MutableBuffers* out, Diag* diag) {
  out->buffers.clear();
  out->total_bytes = 0;
  const Program& program = s.program();
  auto plan = program.plan(s.method_name().c_str(), diag);
  if (!plan.ok()) return plan.error();
  auto values = plan->tables(schema::plan::kValues, schema::kEValue, "ExecutionPlan.values", true);
  if (!values.ok()) return values.error();
  auto inputs = plan->vector<int32_t>(schema::plan::kInputs, "ExecutionPlan.inputs", false);
  if (!inputs.ok()) return inputs.error();
  for (uint32_t i = 0; i < values->size(); i++) {
    auto ev = (*values)[i];
    if (!ev.ok()) return ev.error();
    if (ev->scalar<uint8_t>(schema::evalue::kValType, 0) != schema::evalue::kTensor) continue;
    auto t = ev->table(schema::evalue::kVal, schema::kTensor, "ExecutionPlan.values", true);
    if (!t.ok()) return t.error();
    auto alloc = t->table(schema::tensor::kAllocationInfo, schema::kAllocationDetails, "Tensor.allocation_info", false);
    if (!alloc.ok()) return alloc.error();
    if (alloc->is_null()) continue;  // constant or unplanned: not state
    uint32_t buffer_idx = t->scalar<uint32_t>(schema::tensor::kDataBufferIdx, 0);
    auto extra = t->table(schema::tensor::kExtraTensorInfo, schema::kExtraTensorInfo, "Tensor.extra_tensor_info", false);
    if (!extra.ok()) return extra.error();
    bool named = false;
    if (!extra->is_null() && extra->scalar<uint8_t>(schema::extra::kLocation, 0) == schema::extra::kLocationSegment) {
      auto fqn = extra->string(schema::extra::kFullyQualifiedName, "ExtraTensorInfo.fully_qualified_name", false);
      named = fqn.ok() && fqn->size > 0;
    }
    bool is_input = false;
    for (uint32_t k = 0; k < inputs->size(); k++) is_input = is_input || uint32_t((*inputs)[k]) == i;
    if ((buffer_idx == 0 && !named) || is_input) continue;
    // The method already checked sizes and placement at load; read them back from its tensor
    // layout: dtype and sizes give nbytes.
    auto sizes = t->vector<int32_t>(schema::tensor::kSizes, "Tensor.sizes", true);
    if (!sizes.ok()) return sizes.error();
    int64_t numel = 1;
    for (uint32_t d = 0; d < sizes->size(); d++) numel *= int64_t((*sizes)[d]);
    MutableBuffer b;
    b.value = i;
    b.memory_id = alloc->scalar<uint32_t>(schema::alloc::kMemoryId, 0);
    b.offset = uint64_t(alloc->scalar<uint32_t>(schema::alloc::kOffsetLow, 0)) |
               (uint64_t(alloc->scalar<uint32_t>(schema::alloc::kOffsetHigh, 0)) << 32);
    b.nbytes = size_t(numel) * element_size(ScalarType(t->scalar<int8_t>(schema::tensor::kScalarType, 0)));
    if (buffer_idx != 0) {
      auto initial = program.mutable_data(buffer_idx, b.nbytes, diag);
      if (!initial.ok()) return initial.error();
      b.initial = *initial;
    }
    // Two values may share one buffer (a view of the cache); count and reset it once.
    bool seen = false;
    for (const MutableBuffer& o : out->buffers) seen = seen || (o.memory_id == b.memory_id && o.offset == b.offset);
    if (seen) continue;
    out->buffers.push_back(b);
    out->total_bytes += b.nbytes;
  }
  return Error::Ok;
}

Error reset_mutable_buffers(const Session& s, const MutableBuffers& m, Diag* diag) {
  for (const MutableBuffer& b : m.buffers) {
    if (b.memory_id == 0) return fail(diag, Error::InvalidProgram, "values[%u]: memory_id 0 is reserved", b.value);
    auto where = s.planned_memory().locate(b.memory_id - 1, b.offset, b.nbytes, diag);
    if (!where.ok()) return where.error();
    if (b.initial != nullptr) memcpy(*where, b.initial, b.nbytes);
    else memset(*where, 0, b.nbytes);
  }
  return Error::Ok;
}

}  // namespace runner
}  // namespace etb

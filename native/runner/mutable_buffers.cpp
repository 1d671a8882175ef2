#include "runner/mutable_buffers.h"

#include <string.h>

#include <string>

#include "kernels/ops_table.h"
#include "runtime/schema.h"

namespace etb {
namespace runner {

namespace {

// How a value is first touched in the instruction stream.
enum class FirstUse : uint8_t { None, Read, Write, Unknown };

// Which argument positions of `op` (ExecuTorch's "name.overload") its schema marks as written
// (Tensor(a!), Tensor(a!)[]); false when this build has no schema for it.
bool written_positions(const std::string& op, std::vector<bool>* written) {
  const char* schema = nullptr;
  for (size_t i = 0; i < kNumOps && schema == nullptr; i++) {
    if (op == kOps[i].name) schema = kOps[i].schema;
  }
  if (schema == nullptr) return false;
  const char* p = strchr(schema, '(');
  if (p == nullptr) return false;
  written->clear();
  std::string arg;
  // Split the argument list on top-level commas; alias annotations nest one level of parentheses.
  for (int depth = 1; *++p != 0 && depth > 0;) {
    if (*p == '(') depth++;
    if (*p == ')') depth--;
    if ((*p == ',' && depth == 1) || depth == 0) {
      size_t b = arg.find_first_not_of(' ');
      if (b != std::string::npos && arg.substr(b) != "*") written->push_back(arg.find("!)") != std::string::npos);
      arg.clear();
    } else {
      arg += *p;
    }
  }
  return true;
}

// Records the first use of tensor value `v` (and of the tensors in a list value).
void touch(const fb::TableVector& values, uint32_t v, FirstUse use, std::vector<FirstUse>* first) {
  if (v >= first->size() || (*first)[v] != FirstUse::None) return;
  (*first)[v] = use;
  auto ev = values[v];
  if (!ev.ok()) return;
  uint8_t type = ev->scalar<uint8_t>(schema::evalue::kValType, 0);
  if (type != schema::evalue::kTensorList && type != schema::evalue::kOptionalTensorList) return;
  auto list = ev->table(schema::evalue::kVal, schema::kOneOffset, "ExecutionPlan.values", true);
  if (!list.ok()) return;
  auto items = list->vector<int32_t>(0, "TensorList.items", false);
  if (!items.ok()) return;
  for (uint32_t k = 0; k < items->size(); k++) {
    int32_t item = (*items)[k];
    if (item >= 0) touch(values, uint32_t(item), use, first);
  }
}

// The first use of every value over the method's chains, in order. A planned tensor whose
// first use is a read keeps what the previous execute left in it: ExecuTorch's mutated
// buffers (a KV cache updated by index_put, written back by copy_), which the exporter by
// default stores with neither an initial value nor a name.
Error first_uses(const fb::Table& plan, const fb::TableVector& values, std::vector<FirstUse>* first, Diag* diag) {
  first->assign(values.size(), FirstUse::None);
  auto chains = plan.tables(schema::plan::kChains, schema::kChain, "ExecutionPlan.chains", true);
  if (!chains.ok()) return chains.error();
  auto operators = plan.tables(schema::plan::kOperators, schema::kOperator, "ExecutionPlan.operators", false);
  if (!operators.ok()) return operators.error();
  std::vector<bool> written;
  for (uint32_t c = 0; c < chains->size(); c++) {
    auto chain = (*chains)[c];
    if (!chain.ok()) return chain.error();
    auto instrs = chain->tables(schema::chain::kInstructions, schema::kInstruction, "Chain.instructions", true);
    if (!instrs.ok()) return instrs.error();
    for (uint32_t pc = 0; pc < instrs->size(); pc++) {
      auto ins = (*instrs)[pc];
      if (!ins.ok()) return ins.error();
      uint8_t type = ins->scalar<uint8_t>(schema::instr::kArgsType, 0);
      if (type != schema::instr::kKernelCall && type != schema::instr::kDelegateCall && type != schema::instr::kMoveCall) continue;
      auto args = ins->table(schema::instr::kArgs, schema::kTwoInts, "Instruction.instr_args", true);
      if (!args.ok()) return args.error();
      if (type == schema::instr::kMoveCall) {
        touch(values, uint32_t(args->scalar<int32_t>(0, 0)), FirstUse::Read, first);
        touch(values, uint32_t(args->scalar<int32_t>(1, 0)), FirstUse::Write, first);
        continue;
      }
      auto list = args->vector<int32_t>(1, "Instruction.args", false);
      if (!list.ok()) return list.error();
      bool known = false;
      if (type == schema::instr::kKernelCall) {
        auto op = (*operators)[uint32_t(args->scalar<int32_t>(0, 0))];
        if (!op.ok()) return op.error();
        auto name = op->string(schema::op::kName, "Operator.name", true);
        auto overload = op->string(schema::op::kOverload, "Operator.overload", false);
        if (!name.ok()) return name.error();
        if (!overload.ok()) return overload.error();
        std::string full(name->data, name->size);
        if (overload->size > 0) full += "." + std::string(overload->data, overload->size);
        known = written_positions(full, &written);
      }
      // A delegate's or an unknown operator's arguments: which it reads is not known.
      for (uint32_t k = 0; k < list->size(); k++) {
        // Positions past the schema's arguments are the returns: written.
        FirstUse use = !known ? FirstUse::Unknown : (k >= written.size() || written[k]) ? FirstUse::Write : FirstUse::Read;
        if ((*list)[k] >= 0) touch(values, uint32_t((*list)[k]), use, first);
      }
    }
  }
  (void)diag;
  return Error::Ok;
}

}  // namespace

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
  std::vector<FirstUse> first;
  ETB_RETURN_IF_ERROR(first_uses(*plan, *values, &first, diag));
  // Every planned tensor, then the ones that are state.
  struct Planned {
    MutableBuffer b;
    bool marked = false;     // an initial value or a name: state by the program's word
    bool read_first = false;  // state by the instruction stream's
    bool input = false;
  };
  std::vector<Planned> planned;
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
    // The method already checked sizes and placement at load; dtype and sizes give nbytes.
    auto sizes = t->vector<int32_t>(schema::tensor::kSizes, "Tensor.sizes", true);
    if (!sizes.ok()) return sizes.error();
    int64_t numel = 1;
    for (uint32_t d = 0; d < sizes->size(); d++) numel *= int64_t((*sizes)[d]);
    Planned p;
    p.b.value = i;
    p.b.memory_id = alloc->scalar<uint32_t>(schema::alloc::kMemoryId, 0);
    p.b.offset = uint64_t(alloc->scalar<uint32_t>(schema::alloc::kOffsetLow, 0)) |
                 (uint64_t(alloc->scalar<uint32_t>(schema::alloc::kOffsetHigh, 0)) << 32);
    p.b.nbytes = size_t(numel) * element_size(ScalarType(t->scalar<int8_t>(schema::tensor::kScalarType, 0)));
    if (buffer_idx != 0) {
      auto initial = program.mutable_data(buffer_idx, p.b.nbytes, diag);
      if (!initial.ok()) return initial.error();
      p.b.initial = *initial;
    }
    p.marked = buffer_idx != 0 || named;
    p.read_first = first[i] == FirstUse::Read;
    for (uint32_t k = 0; k < inputs->size(); k++) p.input = p.input || uint32_t((*inputs)[k]) == i;
    planned.push_back(p);
  }
  auto overlap = [](const MutableBuffer& a, const MutableBuffer& b) {
    return a.memory_id == b.memory_id && a.offset < b.offset + b.nbytes && b.offset < a.offset + a.nbytes;
  };
  auto is_state = [](const Planned& p) { return !p.input && (p.marked || p.read_first); };
  for (const Planned& p : planned) {
    if (!is_state(p)) continue;
    // Read before written, yet sharing bytes with a tensor that is not state: a view of an
    // activation written under another value (the planner aliases views), not a buffer. The
    // planner gives real mutable buffers bytes of their own for the whole method.
    bool shared = false;
    for (const Planned& o : planned) shared = shared || (!is_state(o) && overlap(p.b, o.b));
    if (!p.marked && shared) continue;
    // A view of a buffer overlaps it: reset both, count the bytes once.
    uint64_t extra = p.b.nbytes;
    for (const MutableBuffer& o : out->buffers) {
      if (!overlap(p.b, o)) continue;
      uint64_t lo = p.b.offset > o.offset ? p.b.offset : o.offset;
      uint64_t hi = p.b.offset + p.b.nbytes < o.offset + o.nbytes ? p.b.offset + p.b.nbytes : o.offset + o.nbytes;
      extra = extra > hi - lo ? extra - (hi - lo) : 0;
    }
    out->buffers.push_back(p.b);
    out->total_bytes += extra;
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

// Method: inputs, outputs and execution (runtime-model.md sections 4 and 5).
#include "runtime/method.h"

#include <math.h>
#include <string.h>

#include "runtime/platform.h"

namespace etb {
namespace {

// Whether a kernel's return slot holds a constant tensor. Load rejects that,
// but a MoveCall or a view can put one there later, and constants are
// read-only program bytes (etrun maps the file read-only).
bool writes_constant(const EValue& ret) {
  if (ret.is_tensor()) return ret.tensor().is_constant;
  if (ret.tag != Tag::ListTensor) return false;
  for (uint32_t k = 0; k < ret.u.list.size; k++) {
    const EValue* item = ret.u.list.items[k];
    if (item->is_tensor() && item->tensor().is_constant) return true;
  }
  return false;
}

}  // namespace

Method::Method(Method&& o)
    : config_(o.config_),
      name_(o.name_),
      values_(o.values_),
      num_values_(o.num_values_),
      inputs_(o.inputs_),
      num_inputs_(o.num_inputs_),
      outputs_(o.outputs_),
      num_outputs_(o.num_outputs_),
      input_set_(o.input_set_),
      chains_(o.chains_),
      num_chains_(o.num_chains_),
      delegates_(o.delegates_),
      num_delegates_(o.num_delegates_),
      method_allocator_used_(o.method_allocator_used_),
      owns_delegates_(o.owns_delegates_) {
  o.owns_delegates_ = false;
  o.num_delegates_ = 0;
}

Method::~Method() {
  if (!owns_delegates_) return;
  for (uint32_t i = 0; i < num_delegates_; i++) delegates_[i].backend->destroy(delegates_[i].handle);
}

size_t Method::num_instructions() const {
  size_t n = 0;
  for (uint32_t c = 0; c < num_chains_; c++) n += chains_[c].count;
  return n;
}

Error Method::set_input(size_t i, const EValue& value, Diag* diag) {
  if (i >= num_inputs_) {
    return fail(diag, Error::InvalidArgument, "input %zu does not exist (the method has %zu inputs)", i, num_inputs_);
  }
  EValue& dst = values_[inputs_[i]];
  if (value.tag != dst.tag) {
    return fail(diag, Error::InvalidArgument, "input %zu: expected a %s, got a %s", i, tag_name(dst.tag),
                tag_name(value.tag));
  }
  switch (dst.tag) {
    case Tag::Tensor: {
      const Tensor& src = value.tensor();
      Tensor& t = dst.tensor();
      if (src.dtype != t.dtype) {
        return fail(diag, Error::InvalidArgument, "input %zu: expected dtype %s, got %s", i, scalar_type_name(t.dtype),
                    scalar_type_name(src.dtype));
      }
      if (src.dim == t.dim && !src.same_dim_order(t)) {
        return fail(diag, Error::InvalidArgument, "input %zu: dim order differs from the method's", i);
      }
      if (t.is_planned) {
        return set_input_bytes(i, Span<const int32_t>(src.sizes, size_t(src.dim)), src.data, src.nbytes(), diag);
      }
      ETB_RETURN_IF_ERROR(resize(t, Span<const int32_t>(src.sizes, size_t(src.dim)), diag, "input"));
      t.data = src.data;
      t.capacity = src.nbytes();
      break;
    }
    case Tag::Int:
    case Tag::Bool:
      if (value.u.i != dst.u.i && !(dst.tag == Tag::Bool && value.u.b == dst.u.b)) {
        return fail(diag, Error::InvalidArgument, "input %zu: this input is fixed by the program", i);
      }
      break;
    case Tag::Double: {
      double a = value.u.d, e = dst.u.d;
      bool same = (isnan(a) && isnan(e)) || a == e || fabs(a - e) <= 1e-4 + 1e-5 * fabs(e);
      if (!same) return fail(diag, Error::InvalidArgument, "input %zu: this input is fixed to %g by the program", i, e);
      break;
    }
    case Tag::String:
      if (value.u.s.size != dst.u.s.size || memcmp(value.u.s.data, dst.u.s.data, dst.u.s.size) != 0) {
        return fail(diag, Error::InvalidArgument, "input %zu: this input is fixed by the program", i);
      }
      break;
    case Tag::None: break;
    default: return fail(diag, Error::NotSupported, "input %zu: %s inputs are not supported", i, tag_name(dst.tag));
  }
  input_set_[i] = true;
  return Error::Ok;
}

Error Method::set_input_bytes(size_t i, Span<const int32_t> sizes, const void* data, size_t nbytes, Diag* diag) {
  if (i >= num_inputs_ || !values_[inputs_[i]].is_tensor()) {
    return fail(diag, Error::InvalidArgument, "input %zu is not a tensor input", i);
  }
  Tensor& t = values_[inputs_[i]].tensor();
  ETB_RETURN_IF_ERROR(resize(t, sizes, diag, "input"));
  if (nbytes != t.nbytes()) {
    return fail(diag, Error::InvalidArgument, "input %zu: got %zu bytes, the %s tensor needs %zu", i, nbytes,
                scalar_type_name(t.dtype), t.nbytes());
  }
  if (!t.is_planned) {
    return fail(diag, Error::InvalidArgument, "input %zu is not memory-planned: bind it with set_input", i);
  }
  if (nbytes != 0 && t.data == nullptr) {
    return fail(diag, Error::InvalidState, "input %zu has no memory: an instruction released it", i);
  }
  if (nbytes != 0) memcpy(t.data, data, nbytes);
  input_set_[i] = true;
  return Error::Ok;
}

Error Method::set_output_data_ptr(size_t i, void* data, size_t size, Diag* diag) {
  if (i >= num_outputs_ || !values_[outputs_[i]].is_tensor()) {
    return fail(diag, Error::InvalidArgument, "output %zu is not a tensor output", i);
  }
  Tensor& t = values_[outputs_[i]].tensor();
  if (t.is_planned || t.is_constant) {
    return fail(diag, Error::InvalidState, "output %zu already has memory (planned or constant)", i);
  }
  if (size < t.nbytes()) {
    return fail(diag, Error::InvalidArgument, "output %zu needs %zu bytes, got %zu", i, t.nbytes(), size);
  }
  t.data = data;
  t.capacity = size;
  return Error::Ok;
}

Error Method::execute(Diag* diag) {
  for (size_t i = 0; i < num_inputs_; i++) {
    if (!input_set_[i]) return fail(diag, Error::InvalidArgument, "input %zu has not been set", i);
  }
  MemoryAllocator* temp = config_.memory.temp_allocator;
  if (temp != nullptr) temp->reset();
  uint64_t executed = 0;
  // With a tracer, one clock read per instruction boundary: an instruction's
  // end is the next one's start (the bookkeeping between them is charged to
  // the next instruction).
  uint64_t clock = config_.tracer != nullptr ? etb_platform_ticks() : 0;
  for (uint32_t c = 0; c < num_chains_; c++) {
    const Chain& chain = chains_[c];
    uint32_t pc = 0;
    while (pc < chain.count) {
      if (++executed > config_.max_instructions) {
        return fail(diag, Error::OutOfResources, "execute ran more than %llu instructions; the program loops",
                    static_cast<unsigned long long>(config_.max_instructions));
      }
      ETB_RETURN_IF_ERROR(run_instruction(chain, c, pc, clock, diag));
    }
  }
  return Error::Ok;
}

Error Method::run_instruction(const Chain& chain, uint32_t chain_index, uint32_t& pc, uint64_t& clock, Diag* diag) {
  const Instruction& ins = chain.instructions[pc];
  EventTracer* tracer = config_.tracer;
  uint32_t next = pc + 1;
  Error err = Error::Ok;
  switch (ins.kind) {
    case InstructionKind::Kernel: {
      if (ins.nargs != 0 && writes_constant(*ins.args[ins.nargs - 1])) {
        return fail(diag, Error::InvalidProgram,
                    "chain %u instruction %u (%.*s): its out argument is now a constant tensor (moved or viewed "
                    "there by an earlier instruction)",
                    chain_index, pc, int(ins.name.size), ins.name.data);
      }
      KernelContext ctx(ins.kernel->name, diag, config_.memory.temp_allocator, nullptr);
      ctx.state = ins.state;
      ctx.threads = config_.threads;
      if (ins.clamp != nullptr) {
        ctx.out_lo = ins.clamp[0];
        ctx.out_hi = ins.clamp[1];
      }
      ctx.unread_outs = ins.unread_outs;
      err = ins.kernel->call(ctx, ins.args);
      break;
    }
    case InstructionKind::Delegate: {
      const Delegate& d = delegates_[ins.a];
      BackendExecuteContext ctx{config_.memory.temp_allocator, diag, config_.threads, tracer, chain_index, pc};
      err = d.backend->execute(ctx, d.handle, Span<EValue*>(ins.args, ins.nargs));
      break;
    }
    case InstructionKind::Move:
      values_[ins.b] = values_[ins.a];
      break;
    case InstructionKind::JumpFalse: {
      const EValue& cond = values_[ins.a];
      bool value = true;
      if (cond.is_bool()) {
        value = cond.u.b;
      } else {
        const Tensor& t = cond.tensor();
        const uint8_t* p = t.data_as<const uint8_t>();
        int64_t n = t.numel();
        if (p == nullptr && n != 0) return fail(diag, Error::InvalidState, "jump condition tensor has no data");
        for (int64_t k = 0; k < n && value; k++) value = p[k] != 0;
      }
      if (!value) next = ins.b;
      break;
    }
    case InstructionKind::Free:
      values_[ins.a].tensor().data = nullptr;
      break;
    case InstructionKind::Skipped:
      // Folded or fused at load: nothing to run, nothing to report.
      pc = next;
      return Error::Ok;
  }
  if (config_.memory.temp_allocator != nullptr) config_.memory.temp_allocator->reset();
  if (tracer != nullptr) {
    uint64_t end = etb_platform_ticks();
    tracer->on_instruction(chain_index, pc, ins.kind, ins.name.data, uint32_t(ins.name.size), clock, end);
    clock = end;
  }
  if (err != Error::Ok) {
    return fail(diag, err, "chain %u instruction %u (%.*s) failed", chain_index, pc, int(ins.name.size),
                ins.name.data);
  }
  pc = next;
  return Error::Ok;
}

}  // namespace etb

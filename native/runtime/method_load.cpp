// Method load, part 2: inputs/outputs, delegates, instructions, kernel init.
#include <stdio.h>
#include <string.h>

#include "runtime/method_loader.h"

namespace etb {
namespace {

constexpr size_t kMaxOperatorName = 128;

}  // namespace

Result<uint32_t*> MethodLoader::load_indices(uint8_t slot, const char* what, size_t* count) {
  ETB_TRY(fb::Vector<int32_t> v, plan.vector<int32_t>(slot, what, true));
  ETB_TRY(uint32_t* out, array<uint32_t>(v.size(), what));
  for (uint32_t i = 0; i < v.size(); i++) {
    if (v[i] < 0 || uint32_t(v[i]) >= m.num_values_) {
      return fail(diag, Error::InvalidProgram, "%s[%u] = %d names no value (the method has %u)", what, i, v[i],
                  m.num_values_);
    }
    out[i] = uint32_t(v[i]);
  }
  *count = v.size();
  return out;
}

Result<EValue**> MethodLoader::load_args(const fb::Table& call, uint32_t chain, uint32_t pc, uint32_t* nargs) {
  ETB_TRY(fb::Vector<int32_t> v, call.vector<int32_t>(1, "Instruction.args", true));
  ETB_TRY(EValue** args, array<EValue*>(v.size(), "instruction arguments"));
  for (uint32_t i = 0; i < v.size(); i++) {
    if (v[i] < 0 || uint32_t(v[i]) >= m.num_values_) {
      return fail(diag, Error::InvalidProgram, "chain %u instruction %u: argument %u names value %d of %u", chain, pc,
                  i, v[i], m.num_values_);
    }
    args[i] = &m.values_[v[i]];
  }
  *nargs = v.size();
  return args;
}

Result<Method> Method::load(const Program& program, const char* name, const MethodConfig& config, Diag* diag) {
  if (config.kernels == nullptr || config.memory.method_allocator == nullptr) {
    return fail(diag, Error::InvalidArgument, "MethodConfig needs a kernel registry and a method allocator");
  }
  ETB_TRY(fb::Table plan, program.plan(name, diag));
  Method m;
  m.config_ = config;
  size_t used_before = config.memory.method_allocator->used();
  MethodLoader l{program, m.config_, diag, m, plan};
  ETB_TRY(auto plan_name, plan.string(schema::plan::kName, "ExecutionPlan.name", true));
  ETB_TRY(char* name_copy, l.array<char>(plan_name.size + 1, "the method name"));
  memcpy(name_copy, plan_name.data, plan_name.size);
  m.name_ = name_copy;
  ETB_TRY(fb::Vector<int64_t> buffers, plan.vector<int64_t>(schema::plan::kNonConstBufferSizes,
                                                            "ExecutionPlan.non_const_buffer_sizes", true));
  if (buffers.size() > 1) {
    PlannedMemory* planned = config.memory.planned;
    if (planned == nullptr || planned->arena_count() < buffers.size() - 1) {
      return fail(diag, Error::InvalidArgument, "the method plans %u buffers; %zu were given", buffers.size() - 1,
                  planned == nullptr ? size_t(0) : planned->arena_count());
    }
    for (uint32_t i = 1; i < buffers.size(); i++) {
      if (buffers[i] < 0 || uint64_t(buffers[i]) > planned->arena(i - 1).size()) {
        return fail(diag, Error::InvalidArgument, "planned buffer %u needs %lld bytes; %zu were given", i,
                    static_cast<long long>(buffers[i]), planned->arena(i - 1).size());
      }
    }
  }
  ETB_RETURN_IF_ERROR(l.load_values());
  ETB_RETURN_IF_ERROR(l.load_io());
  ETB_RETURN_IF_ERROR(l.load_delegates());
  m.owns_delegates_ = true;
  ETB_RETURN_IF_ERROR(l.load_chains());
  ETB_RETURN_IF_ERROR(l.run_passes_before_init());
  ETB_RETURN_IF_ERROR(l.init_kernels());
  ETB_RETURN_IF_ERROR(l.run_passes_after_init());
  m.method_allocator_used_ = config.memory.method_allocator->used() - used_before;
  return Result<Method>(static_cast<Method&&>(m));
}

Error MethodLoader::load_io() {
  auto inputs = load_indices(schema::plan::kInputs, "ExecutionPlan.inputs", &m.num_inputs_);
  if (!inputs.ok()) return inputs.error();
  m.inputs_ = *inputs;
  auto outputs = load_indices(schema::plan::kOutputs, "ExecutionPlan.outputs", &m.num_outputs_);
  if (!outputs.ok()) return outputs.error();
  m.outputs_ = *outputs;
  auto set = array<bool>(m.num_inputs_, "input flags");
  if (!set.ok()) return set.error();
  m.input_set_ = *set;
  // Only tensors need data from the caller; other inputs are baked in.
  for (size_t i = 0; i < m.num_inputs_; i++) m.input_set_[i] = !m.values_[m.inputs_[i]].is_tensor();
  return Error::Ok;
}

Error MethodLoader::load_delegates() {
  auto delegates = plan.tables(schema::plan::kDelegates, schema::kBackendDelegate, "ExecutionPlan.delegates", false);
  if (!delegates.ok()) return delegates.error();
  auto arr = array<Method::Delegate>(delegates->size(), "delegates");
  if (!arr.ok()) return arr.error();
  m.delegates_ = *arr;
  auto root = program.root(diag);
  if (!root.ok()) return root.error();
  for (uint32_t i = 0; i < delegates->size(); i++) {
    auto d = (*delegates)[i];
    if (!d.ok()) return d.error();
    auto id = d->string(schema::delegate::kId, "BackendDelegate.id", true);
    if (!id.ok()) return id.error();
    Backend* backend = config.backends ? config.backends->find(id->data, id->size) : nullptr;
    if (backend == nullptr || !backend->is_available()) {
      return fail(diag, Error::NotSupported, "delegate %u needs backend '%.*s', which is %s in this runtime", i,
                  int(id->size), id->data, backend == nullptr ? "not registered" : "not available");
    }
    auto processed = d->table(schema::delegate::kProcessed, schema::kDataReference, "BackendDelegate.processed", true);
    if (!processed.ok()) return processed.error();
    uint8_t location = processed->scalar<uint8_t>(schema::dataref::kLocation, 0);
    uint32_t index = processed->scalar<uint32_t>(schema::dataref::kIndex, 0);
    FreeableBuffer payload;
    if (location == schema::dataref::kInline) {
      auto inline_data = root->tables(schema::program::kBackendDelegateData, schema::kOneOffset,
                                      "Program.backend_delegate_data", false);
      if (!inline_data.ok()) return inline_data.error();
      if (index >= inline_data->size()) {
        return fail(diag, Error::InvalidProgram, "delegate %u: inline payload %u of %u", i, index, inline_data->size());
      }
      auto entry = (*inline_data)[index];
      if (!entry.ok()) return entry.error();
      auto bytes = entry->vector<uint8_t>(0, "BackendDelegateInlineData.data", false);
      if (!bytes.ok()) return bytes.error();
      payload.data = bytes->raw();
      payload.size = bytes->size();
    } else if (location == schema::dataref::kSegment) {
      auto seg = program.segment(index, diag);
      if (!seg.ok()) return seg.error();
      payload = *seg;
    } else {
      return fail(diag, Error::InvalidProgram, "delegate %u: payload location %u is unknown", i, location);
    }
    auto specs_fb = d->tables(schema::delegate::kCompileSpecs, schema::kCompileSpec, "BackendDelegate.compile_specs", false);
    if (!specs_fb.ok()) return specs_fb.error();
    auto specs = array<CompileSpec>(specs_fb->size(), "compile specs");
    if (!specs.ok()) return specs.error();
    for (uint32_t k = 0; k < specs_fb->size(); k++) {
      auto spec = (*specs_fb)[k];
      if (!spec.ok()) return spec.error();
      auto key = spec->string(0, "CompileSpec.key", false);
      auto value = spec->vector<uint8_t>(1, "CompileSpec.value", false);
      if (!key.ok()) return key.error();
      if (!value.ok()) return value.error();
      (*specs)[k] = CompileSpec{*key, Span<const uint8_t>(value->raw(), value->size())};
    }
    BackendInitContext ctx{config.memory.method_allocator, &program, m.name_, diag, &packs};
    auto handle = backend->init(ctx, &payload, Span<const CompileSpec>(*specs, specs_fb->size()));
    if (!handle.ok()) {
      return fail(diag, handle.error(), "backend '%.*s' failed to initialise delegate %u", int(id->size), id->data, i);
    }
    m.delegates_[i] = Method::Delegate{backend, *handle, *id};
    m.num_delegates_ = i + 1;
  }
  return Error::Ok;
}

Error MethodLoader::load_chains() {
  auto chains = plan.tables(schema::plan::kChains, schema::kChain, "ExecutionPlan.chains", true);
  if (!chains.ok()) return chains.error();
  auto operators = plan.tables(schema::plan::kOperators, schema::kOperator, "ExecutionPlan.operators", false);
  if (!operators.ok()) return operators.error();
  auto arr = array<Method::Chain>(chains->size(), "chains");
  if (!arr.ok()) return arr.error();
  m.chains_ = *arr;
  m.num_chains_ = chains->size();
  char missing[Diag::kCapacity] = {0};
  size_t missing_len = 0;
  uint32_t missing_count = 0;
  bool missing_any = false;
  for (uint32_t c = 0; c < chains->size(); c++) {
    auto chain = (*chains)[c];
    if (!chain.ok()) return chain.error();
    auto instrs = chain->tables(schema::chain::kInstructions, schema::kInstruction, "Chain.instructions", true);
    if (!instrs.ok()) return instrs.error();
    auto out = array<Method::Instruction>(instrs->size(), "instructions");
    if (!out.ok()) return out.error();
    m.chains_[c] = Method::Chain{*out, instrs->size()};
    for (uint32_t pc = 0; pc < instrs->size(); pc++) {
      auto ins = (*instrs)[pc];
      if (!ins.ok()) return ins.error();
      uint8_t type = ins->scalar<uint8_t>(schema::instr::kArgsType, 0);
      fb::Layout layout = type == schema::instr::kFreeCall ? schema::kFreeCall : schema::kTwoInts;
      if (type < schema::instr::kKernelCall || type > schema::instr::kFreeCall) {
        return fail(diag, Error::InvalidProgram, "chain %u instruction %u: unknown instruction kind %u", c, pc, type);
      }
      auto args = ins->table(schema::instr::kArgs, layout, "Instruction.instr_args", true);
      if (!args.ok()) return args.error();
      Method::Instruction& dst = (*out)[pc];
      int32_t a = args->scalar<int32_t>(0, 0);
      int32_t b = type == schema::instr::kFreeCall ? 0 : args->scalar<int32_t>(1, 0);
      if (type == schema::instr::kKernelCall) {
        dst.kind = InstructionKind::Kernel;
        if (a < 0 || uint32_t(a) >= operators->size()) {
          return fail(diag, Error::InvalidProgram, "chain %u instruction %u: op_index %d of %u operators", c, pc, a,
                      operators->size());
        }
        auto op = (*operators)[uint32_t(a)];
        if (!op.ok()) return op.error();
        auto op_name = op->string(schema::op::kName, "Operator.name", true);
        auto overload = op->string(schema::op::kOverload, "Operator.overload", false);
        if (!op_name.ok()) return op_name.error();
        if (!overload.ok()) return overload.error();
        // The name is looked up as a C string: an empty one or an embedded NUL would name no operator.
        if (op_name->size == 0 || memchr(op_name->data, 0, op_name->size) != nullptr ||
            (overload->size != 0 && memchr(overload->data, 0, overload->size) != nullptr)) {
          return fail(diag, Error::InvalidProgram,
                      "operator %d (table at 0x%zx): Operator.name or overload is empty or contains a NUL byte", a,
                      op->offset());
        }
        char full[kMaxOperatorName];
        int len = snprintf(full, sizeof(full), overload->size ? "%.*s.%.*s" : "%.*s%.*s", int(op_name->size),
                           op_name->data, int(overload->size), overload->data);
        if (len < 0 || size_t(len) >= sizeof(full) || op_name->size >= sizeof(full)) {
          return fail(diag, Error::InvalidProgram, "operator %d: name is longer than %zu characters", a,
                      kMaxOperatorName - 1);
        }
        auto call_args = load_args(*args, c, pc, &dst.nargs);
        if (!call_args.ok()) return call_args.error();
        dst.args = *call_args;
        dst.kernel = config.kernels->find(full, size_t(len), config.kernel_set);
        dst.name = *op_name;
        if (dst.kernel != nullptr) {
          dst.name = StringView{dst.kernel->name, strlen(dst.kernel->name)};
        } else {
          missing_any = true;  // even when the name is not listed again below
          if (strstr(missing, full) == nullptr) {
            int w = snprintf(missing + missing_len, sizeof(missing) - missing_len, "%s%s", missing_count ? ", " : "",
                             full);
            if (w > 0 && missing_len + size_t(w) < sizeof(missing)) missing_len += size_t(w);
            missing_count++;
          }
        }
      } else if (type == schema::instr::kDelegateCall) {
        dst.kind = InstructionKind::Delegate;
        if (a < 0 || uint32_t(a) >= m.num_delegates_) {
          return fail(diag, Error::InvalidProgram, "chain %u instruction %u: delegate_index %d of %u delegates", c, pc,
                      a, m.num_delegates_);
        }
        auto call_args = load_args(*args, c, pc, &dst.nargs);
        if (!call_args.ok()) return call_args.error();
        dst.args = *call_args;
        dst.a = uint32_t(a);
        dst.name = m.delegates_[a].id;
      } else {
        uint32_t count = instrs->size();
        bool a_ok = a >= 0 && uint32_t(a) < m.num_values_;
        bool b_ok = b >= 0 && uint32_t(b) < m.num_values_;
        const char* kind_name = "move";
        if (type == schema::instr::kMoveCall) {
          dst.kind = InstructionKind::Move;
          if (a_ok && b_ok && m.values_[a].tag != m.values_[b].tag) {
            return fail(diag, Error::InvalidProgram, "chain %u instruction %u: move between a %s and a %s", c, pc,
                        tag_name(m.values_[a].tag), tag_name(m.values_[b].tag));
          }
        } else if (type == schema::instr::kJumpFalseCall) {
          dst.kind = InstructionKind::JumpFalse;
          kind_name = "jump_false";
          b_ok = b >= 0 && uint32_t(b) <= count;
          if (a_ok && !(m.values_[a].is_bool() ||
                        (m.values_[a].is_tensor() && m.values_[a].tensor().dtype == ScalarType::Bool))) {
            return fail(diag, Error::InvalidProgram, "chain %u instruction %u: jump condition is a %s", c, pc,
                        tag_name(m.values_[a].tag));
          }
        } else {
          dst.kind = InstructionKind::Free;
          kind_name = "free";
          b_ok = true;
          if (a_ok && !m.values_[a].is_tensor()) {
            return fail(diag, Error::InvalidProgram, "chain %u instruction %u: free of a %s", c, pc,
                        tag_name(m.values_[a].tag));
          }
          // Inputs and outputs hold the caller's data across executes.
          for (size_t k = 0; a_ok && k < m.num_inputs_ + m.num_outputs_; k++) {
            uint32_t io = k < m.num_inputs_ ? m.inputs_[k] : m.outputs_[k - m.num_inputs_];
            if (io == uint32_t(a)) {
              return fail(diag, Error::InvalidProgram, "chain %u instruction %u: free of value %d, a method %s", c,
                          pc, a, k < m.num_inputs_ ? "input" : "output");
            }
          }
        }
        if (!a_ok || !b_ok) {
          return fail(diag, Error::InvalidProgram, "chain %u instruction %u: %s operands (%d, %d) are out of range", c,
                      pc, kind_name, a, b);
        }
        dst.a = uint32_t(a);
        dst.b = uint32_t(b);
        dst.name = StringView{kind_name, strlen(kind_name)};
      }
    }
  }
  if (missing_any) {
    return fail(diag, Error::OperatorMissing, "%u operator%s not in this runtime's %s kernels: %s", missing_count,
                missing_count == 1 ? " is" : "s are", kernel_set_name(config.kernel_set), missing);
  }
  return Error::Ok;
}

Error MethodLoader::init_kernels() {
  // Instructions packing one constant the same way share the packed bytes (`packs`).
  for (uint32_t c = 0; c < m.num_chains_; c++) {
    for (uint32_t pc = 0; pc < m.chains_[c].count; pc++) {
      Method::Instruction& ins = m.chains_[c].instructions[pc];
      if (ins.kind != InstructionKind::Kernel) continue;
      const bool had_message = diag != nullptr && diag->has_message;
      KernelContext ctx(ins.kernel->name, diag, config.memory.temp_allocator, config.memory.method_allocator);
      ctx.threads = config.threads;
      ctx.packs = &packs;
      Error e = ins.kernel->init(ctx, ins.args, ins.nargs);
      if (config.memory.temp_allocator != nullptr) config.memory.temp_allocator->reset();
      // An optimized kernel that does not handle this dtype or shape hands
      // the instruction to the portable kernel of the same operator.
      const KernelEntry* portable = nullptr;
      if (e == Error::NotSupported && ins.kernel->set == KernelSet::Optimized) {
        portable = config.kernels->find_in_set(ins.kernel->name, KernelSet::Portable);
      }
      if (portable != nullptr) {
        if (diag != nullptr && !had_message) diag->clear();
        ins.kernel = portable;
        KernelContext fallback(portable->name, diag, config.memory.temp_allocator, config.memory.method_allocator);
        fallback.threads = config.threads;
        fallback.packs = &packs;
        e = portable->init(fallback, ins.args, ins.nargs);
        if (config.memory.temp_allocator != nullptr) config.memory.temp_allocator->reset();
        ctx.state = fallback.state;
      }
      if (e != Error::Ok) {
        return fail(diag, e, "chain %u instruction %u (%s) was rejected at load", c, pc, ins.kernel->name);
      }
      ins.state = ctx.state;
    }
  }
  return Error::Ok;
}

}  // namespace etb

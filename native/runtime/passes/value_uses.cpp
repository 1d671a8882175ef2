#include "runtime/passes/value_uses.h"

#include <string.h>

namespace etb {
namespace passes {
namespace {

void bump(uint16_t& n) {
  if (n != UINT16_MAX) n++;
}

// A value and, for a tensor list, the values it lists: the same access for all.
void touch(const MethodView& m, ValueUse* uses, const EValue* v, bool write) {
  if (!m.in_table(v)) return;  // made by a pass: a constant
  ValueUse& u = uses[m.index_of(v)];
  bump(write ? u.writes : u.reads);
  if (v->tag == Tag::ListTensor || v->tag == Tag::ListOptionalTensor) {
    for (uint32_t k = 0; k < v->u.list.size; k++) touch(m, uses, v->u.list.items[k], write);
  } else if (v->tag == Tag::ListInt) {
    for (uint32_t k = 0; k < v->u.int_list.size; k++) touch(m, uses, v->u.int_list.items[k], write);
  }
}

// Whether `v` is the return slot of a kernel instruction or listed in it.
bool is_out(const Method::Instruction& ins, const EValue* v) {
  const EValue* ret = ins.args[ins.nargs - 1];
  if (v == ret) return true;
  if (ret->tag != Tag::ListTensor) return false;
  for (uint32_t k = 0; k < ret->u.list.size; k++) {
    if (ret->u.list.items[k] == v) return true;
  }
  return false;
}

}  // namespace

void count_uses(const MethodView& m, ValueUse* uses) {
  for (uint32_t i = 0; i < m.num_values; i++) uses[i] = ValueUse{};
  for (size_t i = 0; i < m.num_inputs; i++) uses[m.inputs[i]].io = true;
  for (size_t i = 0; i < m.num_outputs; i++) uses[m.outputs[i]].io = true;
  for (uint32_t c = 0; c < m.num_chains; c++) {
    const Method::Chain& chain = m.chains[c];
    for (uint32_t pc = 0; pc < chain.count; pc++) {
      const Method::Instruction& ins = chain.instructions[pc];
      switch (ins.kind) {
        case InstructionKind::Kernel:
          // The schema's out arguments repeat what the return slot holds:
          // they are the write, not reads.
          for (uint32_t k = 0; k + 1 < ins.nargs; k++) {
            if (!is_out(ins, ins.args[k])) touch(m, uses, ins.args[k], false);
          }
          if (ins.nargs != 0) touch(m, uses, ins.args[ins.nargs - 1], true);
          break;
        case InstructionKind::Delegate:
          // A backend may read and write any of its arguments.
          for (uint32_t k = 0; k < ins.nargs; k++) {
            touch(m, uses, ins.args[k], false);
            touch(m, uses, ins.args[k], true);
          }
          break;
        case InstructionKind::Move:
          bump(uses[ins.a].reads);
          bump(uses[ins.b].writes);
          break;
        case InstructionKind::JumpFalse:
          bump(uses[ins.a].reads);
          break;
        case InstructionKind::Free:
          // Drops the value's bytes: as much a write as any (a folded constant must never be freed).
          bump(uses[ins.a].writes);
          break;
        case InstructionKind::Skipped: break;
      }
    }
  }
}

const ValueUse& use_of(const MethodView& m, const ValueUse* uses, const EValue* v) {
  static const ValueUse kMade{};
  return m.in_table(v) ? uses[m.index_of(v)] : kMade;
}

size_t span_bytes(const Tensor& t) { return t.capacity > t.nbytes() ? t.capacity : t.nbytes(); }

bool bytes_meet(const Tensor& a, const Tensor& b) {
  const uint8_t* p = static_cast<const uint8_t*>(a.data);
  const uint8_t* q = static_cast<const uint8_t*>(b.data);
  return p < q + span_bytes(b) && q < p + span_bytes(a);
}

bool meets_arguments(const Method::Instruction& ins, const EValue* skip, const Tensor& t) {
  for (uint32_t k = 0; k < ins.nargs; k++) {
    const EValue* a = ins.args[k];
    if (a == skip || !a->is_tensor() || a->tensor().data == nullptr) continue;
    if (bytes_meet(t, a->tensor())) return true;
  }
  return false;
}

Method::Instruction* next_run(const Method::Chain& chain, uint32_t pc) {
  for (uint32_t n = pc + 1; n < chain.count; n++) {
    if (is_jump_target(chain, n)) return nullptr;
    if (chain.instructions[n].kind != InstructionKind::Skipped) return &chain.instructions[n];
  }
  return nullptr;
}

bool may_be_skipped(const Method::Chain& chain, uint32_t pc) {
  for (uint32_t j = 0; j < chain.count; j++) {
    const Method::Instruction& ins = chain.instructions[j];
    if (ins.kind == InstructionKind::JumpFalse && j < pc && pc < ins.b) return true;
  }
  return false;
}

bool is_jump_target(const Method::Chain& chain, uint32_t pc) {
  for (uint32_t j = 0; j < chain.count; j++) {
    const Method::Instruction& ins = chain.instructions[j];
    if (ins.kind == InstructionKind::JumpFalse && ins.b == pc) return true;
  }
  return false;
}

bool is_op(const Method::Instruction* ins, const char* name, uint32_t nargs) {
  return ins != nullptr && ins->kind == InstructionKind::Kernel && ins->nargs == nargs &&
         strcmp(ins->kernel->name, name) == 0;
}

bool fixed(const MethodView& m, const ValueUse* uses, const EValue* v) {
  const ValueUse& u = use_of(m, uses, v);
  if (u.writes != 0 || u.io) return false;
  if (v->is_tensor()) return v->tensor().is_constant && (v->tensor().data != nullptr || v->tensor().numel() == 0);
  if (v->tag == Tag::ListTensor || v->tag == Tag::ListOptionalTensor) {
    for (uint32_t k = 0; k < v->u.list.size; k++) {
      if (!fixed(m, uses, v->u.list.items[k])) return false;
    }
  } else if (v->tag == Tag::ListInt) {
    for (uint32_t k = 0; k < v->u.int_list.size; k++) {
      if (!fixed(m, uses, v->u.int_list.items[k])) return false;
    }
  }
  return true;
}

EValue* single_out(const Method::Instruction& ins) {
  if (ins.kind != InstructionKind::Kernel || ins.nargs == 0) return nullptr;
  EValue* out = ins.args[ins.nargs - 1];
  return out->is_tensor() ? out : nullptr;
}

}  // namespace passes
}  // namespace etb

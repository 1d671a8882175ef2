// The unread-outputs pass (passes.h). Some operators write a second output
// that programs rarely read: max_pool2d_with_indices writes an int64 index
// beside every pooled value, and a classifier uses the values alone (export
// turns nn.MaxPool2d into this operator). When no instruction reads such an
// out and the caller does not see it, its bit in the instruction's
// unread_outs tells the optimized kernel it may leave it unwritten, and the
// instruction is renamed "<op>(<out> unread)" so op profiles say what ran.
#include <stdio.h>
#include <string.h>

#include "runtime/passes/passes.h"

namespace etb {
namespace passes {
namespace {

struct Skippable {
  const char* op;
  uint32_t nargs;  // the operator's arguments, return slot included
  uint32_t arg;    // the out argument that may go unwritten
  uint32_t bit;    // its KernelContext::unread_outs bit (k-th out: bit k)
  const char* out_name;
};

// max_pool2d_with_indices.out(self, kernel_size, stride, padding, dilation,
// ceil_mode, *, out, indices) -> (out, indices): the indices, second out.
const Skippable kSkippable[] = {{"aten::max_pool2d_with_indices.out", 9, 7, 1u << 1, "indices"}};

Error mark(PassContext& p, Method::Instruction& ins, const Skippable& s) {
  MemoryAllocator* alloc = p.config.memory.method_allocator;
  const size_t extra = strlen(s.out_name) + strlen("( unread)");
  const size_t len = ins.name.size + extra;
  auto* name = static_cast<char*>(alloc->allocate(len + 1, 1));
  if (name == nullptr) {
    return fail(p.diag, Error::MemoryAllocationFailed, "method allocator exhausted marking %s unread in %.*s",
                s.out_name, int(ins.name.size), ins.name.data);
  }
  memcpy(name, ins.name.data, ins.name.size);
  snprintf(name + ins.name.size, extra + 1, "(%s unread)", s.out_name);
  ins.name = StringView{name, len};
  ins.unread_outs |= s.bit;
  return Error::Ok;
}

}  // namespace

Error mark_unread_outs(PassContext& p, uint32_t* marked) {
  *marked = 0;
  count_uses(p.m, p.uses);
  for (uint32_t c = 0; c < p.m.num_chains; c++) {
    Method::Chain& chain = p.m.chains[c];
    for (uint32_t pc = 0; pc < chain.count; pc++) {
      Method::Instruction& ins = chain.instructions[pc];
      // Only the optimized kernels honour the bits (a portable fallback writes every out).
      if (ins.kind != InstructionKind::Kernel || ins.kernel->set != KernelSet::Optimized) continue;
      for (const Skippable& s : kSkippable) {
        if (ins.nargs != s.nargs || (ins.unread_outs & s.bit) != 0 || strcmp(ins.kernel->name, s.op) != 0) continue;
        const EValue* v = ins.args[s.arg];
        if (!p.m.in_table(v) || !v->is_tensor()) continue;
        const ValueUse& u = p.uses[p.m.index_of(v)];
        if (u.reads != 0 || u.io) continue;
        ETB_RETURN_IF_ERROR(mark(p, ins, s));
        (*marked)++;
      }
    }
  }
  return Error::Ok;
}

}  // namespace passes
}  // namespace etb

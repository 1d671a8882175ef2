// The hook Method::load calls (method_loader.h): runs the passes for the
// optimized kernel set, with their analysis tables in the temp allocator
// (released before execute; load has no other use for it at that point).
#include "runtime/method_loader.h"
#include "runtime/passes/passes.h"

namespace etb {

Error MethodLoader::run_pass(Error (*pass)(passes::PassContext&, uint32_t*)) {
  if (config.kernel_set != KernelSet::Optimized) return Error::Ok;
  MemoryAllocator* temp = config.memory.temp_allocator;
  // No scratch for the tables: run the program as written.
  if (temp == nullptr) return Error::Ok;
  temp->reset();
  auto* uses = temp->allocate_array<passes::ValueUse>(m.num_values_);
  if (uses == nullptr) return Error::Ok;
  passes::MethodView view{m.values_, m.num_values_, m.inputs_, m.num_inputs_, m.outputs_,
                          m.num_outputs_, m.chains_, m.num_chains_};
  passes::PassContext p{view, config, diag, uses};
  uint32_t applied = 0;
  Error e = pass(p, &applied);
  temp->reset();
  return e;
}

// Builds without optimized kernels (the MCU core) never select them: leave
// the passes out of the link there.
#ifdef ETB_NO_OPTIMIZED_KERNELS
Error MethodLoader::run_passes_before_init() { return Error::Ok; }
Error MethodLoader::run_passes_after_init() { return Error::Ok; }
#else
Error MethodLoader::run_passes_before_init() {
  // First: fold_constants would turn the weight's dequantize into a float32 constant.
  ETB_RETURN_IF_ERROR(run_pass(passes::fuse_quantized_conv));
  ETB_RETURN_IF_ERROR(run_pass(passes::fold_constants));
  // Before the batch-norm fold: a norm whose out feeds a decomposed hardswish
  // has two readers (the add and the multiply) until the hardswish is one
  // instruction, and the fold can forward the convolution's out to one reader only.
  ETB_RETURN_IF_ERROR(run_pass(passes::fuse_hardswish));
  return run_pass(passes::fold_batch_norms);
}
Error MethodLoader::run_passes_after_init() {
  ETB_RETURN_IF_ERROR(run_pass(passes::fuse_activations));
  return run_pass(passes::mark_unread_outs);
}
#endif

}  // namespace etb

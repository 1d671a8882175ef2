// The kernel calling convention and the registry that resolves operator
// names at load.
//
// Each registered operator has an `init` (argument count and kind checks,
// dtype/shape checks, optional prepare: run once at method load) and a `call`
// (run on every execute; only asserts). Both receive the instruction's
// argument array: the schema arguments in order followed by the return slot
// (runtime-model.md section 3). The wrappers are generated from
// native/kernels/ops.yaml.
//
//   etb::KernelRegistry registry;
//   etb::register_all_kernels(registry);   // generated
//   const etb::KernelEntry* k = registry.find("aten::add.out", etb::KernelSet::Portable);
#pragma once
#include <stddef.h>
#include <stdint.h>

#include "runtime/diag.h"
#include "runtime/evalue.h"
#include "runtime/memory.h"
#include "runtime/pack_cache.h"

namespace etb {

class KernelContext {
 public:
  KernelContext(const char* op_name, Diag* diag, MemoryAllocator* temp, MemoryAllocator* persistent)
      : op_name_(op_name), diag_(diag), temp_(temp), persistent_(persistent) {}

  // Scratch memory valid until the instruction returns; null when exhausted.
  void* allocate_temp(size_t size, size_t alignment = 16) {
    return temp_ == nullptr ? nullptr : temp_->allocate(size, alignment);
  }
  // Memory that lives as long as the method; only during init (prepare).
  void* allocate_persistent(size_t size, size_t alignment = 16) {
    return persistent_ == nullptr ? nullptr : persistent_->allocate(size, alignment);
  }
  // Records a failure message prefixed with the operator name; returns `error`.
  Error fail(Error error, const char* fmt, ...) __attribute__((format(printf, 3, 4)));

  const char* op_name() const { return op_name_; }
  Diag* diag() const { return diag_; }
  // Per-instruction state created by prepare (may be null).
  void* state = nullptr;
  int threads = 1;
  // A fused activation (the load-time fusion pass, passes/fuse_activations.cpp):
  // clamp every element written to out to [out_lo, out_hi]. Only kernels the
  // pass lists as able to apply it ever get bounds other than +-infinity.
  float out_lo = -__builtin_inff();
  float out_hi = __builtin_inff();
  // Bit k: the kernel's k-th out argument (schema order) is read by no
  // instruction and not seen by the caller (passes/mark_unread_outs.cpp), so
  // the kernel may leave it unwritten. Only kernels the pass lists see bits.
  uint32_t unread_outs = 0;
  // The method's shared packed constants (runtime/pack_cache.h); set only
  // during init, null elsewhere (and where the caller keeps no cache).
  PackCache* packs = nullptr;

 private:
  const char* op_name_;
  Diag* diag_;
  MemoryAllocator* temp_;
  MemoryAllocator* persistent_;
};

using KernelInitFn = Error (*)(KernelContext& ctx, EValue** args, size_t nargs);
using KernelCallFn = Error (*)(KernelContext& ctx, EValue** args);

// Fused: kernels that only the load-time passes (runtime/passes/) put into a
// method; find() never returns them, so no program can name one.
enum class KernelSet : uint8_t { Prim = 0, Portable = 1, Quantized = 2, Optimized = 3, Fused = 4 };
const char* kernel_set_name(KernelSet set);

struct KernelEntry {
  const char* name;  // "namespace::op.overload"
  KernelSet set;
  KernelInitFn init;
  KernelCallFn call;
};

#ifndef ETB_MAX_KERNELS
#define ETB_MAX_KERNELS 512
#endif

// A fixed-capacity registry: registration fails instead of growing.
class KernelRegistry {
 public:
  Error add(const KernelEntry& entry);
  // The kernel for `name` in `preferred`, falling back to Portable, and
  // always considering Prim and Quantized. Null when none is registered.
  const KernelEntry* find(const char* name, size_t name_len, KernelSet preferred) const;
  // The kernel for `name` (NUL-terminated) in exactly `set`; null when none.
  const KernelEntry* find_in_set(const char* name, KernelSet set) const;
  size_t size() const { return count_; }
  const KernelEntry& at(size_t i) const { return entries_[i]; }

 private:
  KernelEntry entries_[ETB_MAX_KERNELS];
  size_t count_ = 0;
};

}  // namespace etb

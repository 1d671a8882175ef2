// Internal: the steps of Method::load, shared by method_load.cpp and
// method_values.cpp. Not a public header.
#pragma once
#include "runtime/method.h"
#include "runtime/pack_cache.h"
#include "runtime/schema.h"

namespace etb {
namespace passes {
struct PassContext;
}

struct MethodLoader {
  const Program& program;
  const MethodConfig& config;
  Diag* diag;
  Method& m;
  fb::Table plan;
  // Constants packed at load, shared by the delegates and kernels of this method. Needed only
  // while loading: its entries and the packs themselves are in the method allocator.
  PackCache packs{config.memory.method_allocator};

  MemoryAllocator& alloc() const { return *config.memory.method_allocator; }
  template <typename T>
  Result<T*> array(size_t n, const char* what) {
    T* p = alloc().allocate_array<T>(n);
    if (p == nullptr && n != 0) {
      return fail(diag, Error::MemoryAllocationFailed,
                  "method allocator exhausted allocating %s (%zu used of %zu bytes)", what, alloc().used(),
                  alloc().capacity());
    }
    return p;
  }

  Result<uint32_t*> load_indices(uint8_t slot, const char* what, size_t* count);
  Result<EValue**> load_args(const fb::Table& call, uint32_t chain, uint32_t pc, uint32_t* nargs);
  Error load_values();
  Error check_value_lists();
  Error load_tensor(uint32_t index, const fb::Table& t, EValue& out);
  Error load_io();
  Error load_delegates();
  Error load_chains();
  Error init_kernels();
  // Load-time passes for the optimized kernel set (passes/passes.cpp): a
  // no-op for every other set.
  Error run_passes_before_init();
  Error run_passes_after_init();
  Error run_pass(Error (*pass)(passes::PassContext&, uint32_t*));
};

}  // namespace etb

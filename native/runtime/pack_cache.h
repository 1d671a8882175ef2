// Constant operands that kernels pack at load (GEMM weights), shared by every
// instruction of one method that packs the same bytes the same way.
//
// After constant folding, many instructions can read one weight (the LSTM's
// unrolled steps: ~100 addmm over 4 weights); packing it once per instruction
// multiplied the method allocator by the number of readers. A kernel's prepare
// looks its operand up first and records what it packed:
//
//   PackKey key{PackKind::MatmulB, weights, {K, N, rs, cs, batch_stride, packs}};
//   const float* packed = static_cast<const float*>(ctx.packs ? ctx.packs->find(key) : nullptr);
//   if (packed == nullptr) { ...pack into allocate_persistent memory...; ctx.packs->add(key, packed); }
//
// One cache per Method::load (never global: two methods, or two loads, never
// share); its entries and the packed bytes live in that method's allocator.
// A source pointer identifies the bytes because constants never change after
// load and the folding passes give equal folds one buffer.
#pragma once
#include <stdint.h>
#include <string.h>

#include "runtime/memory.h"

namespace etb {

// The packed layout, so two kernels that pack one weight differently never
// mix (a new kind for each new layout; one load runs under one instruction
// set, so within a kind the layout is fixed).
enum class PackKind : uint32_t { MatmulB = 1, XnnFullyConnectedB };

struct PackKey {
  PackKind kind;
  const void* source;
  int64_t shape[6];  // everything besides the source the packed bytes depend on; unused slots 0

  bool operator==(const PackKey& o) const {
    return kind == o.kind && source == o.source && memcmp(shape, o.shape, sizeof(shape)) == 0;
  }
};

class PackCache {
 public:
  explicit PackCache(MemoryAllocator* alloc) : alloc_(alloc) {}

  // The packed bytes recorded for `key`, or null.
  const void* find(const PackKey& key) const {
    for (const Entry* e = head_; e != nullptr; e = e->next) {
      if (e->key == key) return e->packed;
    }
    return nullptr;
  }
  // Records `packed` for `key`. False when the allocator cannot hold the
  // entry: the caller keeps its own pack, only the sharing is lost.
  bool add(const PackKey& key, const void* packed) {
    auto* e = alloc_ == nullptr ? nullptr : static_cast<Entry*>(alloc_->allocate(sizeof(Entry), alignof(Entry)));
    if (e == nullptr) return false;
    *e = Entry{key, packed, head_};
    head_ = e;
    count_++;
    return true;
  }
  uint32_t size() const { return count_; }

 private:
  struct Entry {
    PackKey key;
    const void* packed;
    Entry* next;
  };
  MemoryAllocator* alloc_;
  Entry* head_ = nullptr;
  uint32_t count_ = 0;
};

}  // namespace etb

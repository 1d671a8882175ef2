// Memory the caller hands to the runtime. The core never calls malloc.
//
//   static uint8_t method_pool[64 * 1024], temp_pool[16 * 1024];
//   etb::MemoryAllocator method_alloc(method_pool, sizeof(method_pool));
//   etb::MemoryAllocator temp_alloc(temp_pool, sizeof(temp_pool));
//   etb::Span<uint8_t> arenas[1] = {{arena0, meta.planned_buffer_size(0)}};
//   etb::PlannedMemory planned({arenas, 1});
//   etb::MemoryManager mm{&method_alloc, &planned, &temp_alloc};
//
// All three must outlive the Method that uses them.
#pragma once
#include <stddef.h>
#include <stdint.h>

#include "runtime/diag.h"
#include "runtime/result.h"
#include "runtime/span.h"

namespace etb {

// A bump allocator over caller memory (not owned). Tracks its high-water mark.
class MemoryAllocator {
 public:
  MemoryAllocator() = default;
  MemoryAllocator(void* base, size_t size) : base_(static_cast<uint8_t*>(base)), size_(size) {}

  // Returns null when the pool is exhausted. `alignment` is a power of two.
  void* allocate(size_t size, size_t alignment = 16);
  // `count` objects of T, zero-initialised; null on exhaustion or overflow.
  template <typename T>
  T* allocate_array(size_t count) {
    if (count != 0 && sizeof(T) > SIZE_MAX / count) return nullptr;
    void* p = allocate(sizeof(T) * count, alignof(T) < 8 ? 8 : alignof(T));
    if (p == nullptr) return nullptr;
    uint8_t* bytes = static_cast<uint8_t*>(p);
    for (size_t i = 0; i < sizeof(T) * count; i++) bytes[i] = 0;
    return static_cast<T*>(p);
  }
  void reset() { used_ = 0; }
  size_t used() const { return used_; }
  size_t peak() const { return peak_; }
  size_t capacity() const { return size_; }

 private:
  uint8_t* base_ = nullptr;
  size_t size_ = 0;
  size_t used_ = 0;
  size_t peak_ = 0;
};

// The planned arenas, indexed by mem_id - 1 (not owned).
class PlannedMemory {
 public:
  PlannedMemory() = default;
  explicit PlannedMemory(Span<Span<uint8_t>> arenas) : arenas_(arenas) {}
  // Pointer to `nbytes` at `offset` of arena `arena_index`, bounds checked.
  Result<uint8_t*> locate(uint32_t arena_index, uint64_t offset, uint64_t nbytes, Diag* diag) const;
  size_t arena_count() const { return arenas_.size(); }
  Span<uint8_t> arena(size_t i) const { return arenas_[i]; }

 private:
  Span<Span<uint8_t>> arenas_;
};

struct MemoryManager {
  MemoryAllocator* method_allocator = nullptr;  // required
  PlannedMemory* planned = nullptr;             // required when the method plans memory
  MemoryAllocator* temp_allocator = nullptr;    // may be null: kernels then get no scratch
};

}  // namespace etb

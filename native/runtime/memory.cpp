#include "runtime/memory.h"

namespace etb {

void* MemoryAllocator::allocate(size_t size, size_t alignment) {
  uintptr_t base = reinterpret_cast<uintptr_t>(base_);
  uintptr_t start = (base + used_ + alignment - 1) & ~(uintptr_t(alignment) - 1);
  size_t offset = start - base;
  if (offset > size_ || size > size_ - offset) return nullptr;
  used_ = offset + size;
  if (used_ > peak_) peak_ = used_;
  return base_ + offset;
}

Result<uint8_t*> PlannedMemory::locate(uint32_t arena_index, uint64_t offset, uint64_t nbytes,
                                       Diag* diag) const {
  if (arena_index >= arenas_.size()) {
    return fail(diag, Error::InvalidProgram, "memory_id %u names no planned buffer (the method has %zu)",
                arena_index + 1, arenas_.size());
  }
  Span<uint8_t> arena = arenas_[arena_index];
  if (offset > arena.size() || nbytes > arena.size() - offset) {
    return fail(diag, Error::InvalidProgram,
                "planned tensor of %llu bytes at offset %llu overruns buffer %u of %zu bytes",
                static_cast<unsigned long long>(nbytes), static_cast<unsigned long long>(offset),
                arena_index + 1, arena.size());
  }
  return arena.data() + offset;
}

}  // namespace etb

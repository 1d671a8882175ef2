// File-backed DataLoaders for hosted platforms (Linux, Android, macOS).
// Not part of bare-metal builds.
//
//   auto loader = etb::MmapDataLoader::open("model.pte", &diag);
//   if (!loader.ok()) ...;
//   auto program = etb::Program::load(&*loader, nullptr, &diag);
#pragma once
#include "runtime/data_loader.h"

namespace etb {

// Maps the whole file read-only; views point into the mapping. Page-aligned,
// so the 16-byte alignment the program needs always holds.
class MmapDataLoader final : public DataLoader {
 public:
  static Result<MmapDataLoader> open(const char* path, Diag* diag);
  MmapDataLoader(MmapDataLoader&& other);
  MmapDataLoader(const MmapDataLoader&) = delete;
  ~MmapDataLoader();
  Result<FreeableBuffer> load(size_t offset, size_t size, Diag* diag) override;
  size_t size() const override { return size_; }

 private:
  MmapDataLoader() = default;
  const uint8_t* base_ = nullptr;
  size_t size_ = 0;
};

}  // namespace etb

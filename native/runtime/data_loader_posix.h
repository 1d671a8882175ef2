// File-backed DataLoaders for hosted platforms (Linux, Android, macOS).
// Not part of bare-metal builds.
//
//   auto loader = etb::MmapDataLoader::open("model.pte", &diag);
//   if (!loader.ok()) ...;
//   auto program = etb::Program::load(&*loader, nullptr, &diag);
#pragma once
#include "runtime/data_loader.h"
#include "runtime/memory.h"

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

// Reads each requested range with pread into memory from a caller-provided
// allocator (not owned; must outlive the Program), for platforms or files
// where mapping is not wanted. The file stays open until destruction.
class FileDataLoader final : public DataLoader {
 public:
  static Result<FileDataLoader> open(const char* path, MemoryAllocator* pool, Diag* diag);
  FileDataLoader(FileDataLoader&& other);
  FileDataLoader(const FileDataLoader&) = delete;
  ~FileDataLoader();
  Result<FreeableBuffer> load(size_t offset, size_t size, Diag* diag) override;
  size_t size() const override { return size_; }

 private:
  FileDataLoader() = default;
  int fd_ = -1;
  size_t size_ = 0;
  MemoryAllocator* pool_ = nullptr;
};

}  // namespace etb

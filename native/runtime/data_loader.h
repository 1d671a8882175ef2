// Where program bytes come from. A DataLoader hands out read-only views of
// byte ranges; the program keeps views of its flatbuffer, its constant
// segment and delegate payloads for as long as it lives.
//
//   etb::BufferDataLoader loader(bytes, size);          // bytes 16-byte aligned
//   auto program = etb::Program::load(&loader, nullptr, &diag);
//
// FileDataLoader and MmapDataLoader (data_loader_posix.h) read files on
// hosted platforms.
#pragma once
#include <stddef.h>
#include <stdint.h>

#include "runtime/diag.h"
#include "runtime/result.h"

namespace etb {

// A view of loaded bytes; `release` (may be null) is called once when the
// view is no longer needed.
struct FreeableBuffer {
  const uint8_t* data = nullptr;
  size_t size = 0;
  void (*release_fn)(void* context, const uint8_t* data, size_t size) = nullptr;
  void* context = nullptr;

  void release() {
    if (release_fn != nullptr) release_fn(context, data, size);
    release_fn = nullptr;
    data = nullptr;
    size = 0;
  }
};

class DataLoader {
 public:
  // Bytes [offset, offset + size). Fails with AccessFailed / InvalidProgram
  // when the range is not inside the source.
  virtual Result<FreeableBuffer> load(size_t offset, size_t size, Diag* diag) = 0;
  virtual size_t size() const = 0;

 protected:
  ~DataLoader() = default;
};

// Views of a caller-owned buffer (not owned; must outlive the Program).
class BufferDataLoader final : public DataLoader {
 public:
  BufferDataLoader(const void* data, size_t size) : data_(static_cast<const uint8_t*>(data)), size_(size) {}
  Result<FreeableBuffer> load(size_t offset, size_t size, Diag* diag) override;
  size_t size() const override { return size_; }

 private:
  const uint8_t* data_;
  size_t size_;
};

}  // namespace etb

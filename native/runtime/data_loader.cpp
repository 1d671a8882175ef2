#include "runtime/data_loader.h"

namespace etb {

Result<FreeableBuffer> BufferDataLoader::load(size_t offset, size_t size, Diag* diag) {
  if (offset > size_ || size > size_ - offset) {
    return fail(diag, Error::InvalidProgram, "range [%zu, +%zu) is outside the %zu-byte program", offset, size,
                size_);
  }
  FreeableBuffer b;
  b.data = data_ + offset;
  b.size = size;
  return b;
}

}  // namespace etb

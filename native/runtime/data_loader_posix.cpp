#include "runtime/data_loader_posix.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

namespace etb {

Result<MmapDataLoader> MmapDataLoader::open(const char* path, Diag* diag) {
  int fd = ::open(path, O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    return fail(diag, Error::AccessFailed, "cannot open %s: %s", path, strerror(errno));
  }
  struct stat st;
  if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
    ::close(fd);
    return fail(diag, Error::AccessFailed, "%s is not a regular file", path);
  }
  MmapDataLoader loader;
  loader.size_ = size_t(st.st_size);
  if (loader.size_ > 0) {
    void* p = mmap(nullptr, loader.size_, PROT_READ, MAP_PRIVATE, fd, 0);
    if (p == MAP_FAILED) {
      ::close(fd);
      return fail(diag, Error::AccessFailed, "cannot map %s: %s", path, strerror(errno));
    }
    loader.base_ = static_cast<const uint8_t*>(p);
  }
  ::close(fd);
  return Result<MmapDataLoader>(static_cast<MmapDataLoader&&>(loader));
}

MmapDataLoader::MmapDataLoader(MmapDataLoader&& other) : base_(other.base_), size_(other.size_) {
  other.base_ = nullptr;
  other.size_ = 0;
}

MmapDataLoader::~MmapDataLoader() {
  if (base_ != nullptr) munmap(const_cast<uint8_t*>(base_), size_);
}

Result<FreeableBuffer> MmapDataLoader::load(size_t offset, size_t size, Diag* diag) {
  if (offset > size_ || size > size_ - offset) {
    return fail(diag, Error::InvalidProgram, "range [%zu, +%zu) is outside the %zu-byte file", offset, size,
                size_);
  }
  FreeableBuffer b;
  b.data = base_ + offset;
  b.size = size;
  return b;
}

}  // namespace etb

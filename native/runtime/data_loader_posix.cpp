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

Result<FileDataLoader> FileDataLoader::open(const char* path, MemoryAllocator* pool, Diag* diag) {
  int fd = ::open(path, O_RDONLY | O_CLOEXEC);
  if (fd < 0) return fail(diag, Error::AccessFailed, "cannot open %s: %s", path, strerror(errno));
  struct stat st;
  if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
    ::close(fd);
    return fail(diag, Error::AccessFailed, "%s is not a regular file", path);
  }
  FileDataLoader loader;
  loader.fd_ = fd;
  loader.size_ = size_t(st.st_size);
  loader.pool_ = pool;
  return Result<FileDataLoader>(static_cast<FileDataLoader&&>(loader));
}

FileDataLoader::FileDataLoader(FileDataLoader&& other) : fd_(other.fd_), size_(other.size_), pool_(other.pool_) {
  other.fd_ = -1;
}

FileDataLoader::~FileDataLoader() {
  if (fd_ >= 0) ::close(fd_);
}

Result<FreeableBuffer> FileDataLoader::load(size_t offset, size_t size, Diag* diag) {
  if (offset > size_ || size > size_ - offset) {
    return fail(diag, Error::InvalidProgram, "range [%zu, +%zu) is outside the %zu-byte file", offset, size,
                size_);
  }
  uint8_t* dst = static_cast<uint8_t*>(pool_->allocate(size == 0 ? 1 : size, 16));
  if (dst == nullptr) {
    return fail(diag, Error::MemoryAllocationFailed, "no room for %zu bytes of the file (%zu of %zu used)", size,
                pool_->used(), pool_->capacity());
  }
  size_t done = 0;
  while (done < size) {
    ssize_t n = pread(fd_, dst + done, size - done, off_t(offset + done));
    if (n <= 0) {
      if (n < 0 && errno == EINTR) continue;
      return fail(diag, Error::AccessFailed, "reading %zu bytes at offset %zu failed", size, offset);
    }
    done += size_t(n);
  }
  FreeableBuffer b;
  b.data = dst;
  b.size = size;
  return b;
}

}  // namespace etb

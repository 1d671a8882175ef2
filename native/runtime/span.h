// Span<T>: a non-owning view of `size` contiguous elements.
#pragma once
#include <stddef.h>

namespace etb {

template <typename T>
class Span {
 public:
  constexpr Span() = default;
  constexpr Span(T* data, size_t size) : data_(data), size_(size) {}
  template <size_t N>
  constexpr Span(T (&array)[N]) : data_(array), size_(N) {}

  constexpr T* data() const { return data_; }
  constexpr size_t size() const { return size_; }
  constexpr bool empty() const { return size_ == 0; }
  constexpr T& operator[](size_t i) const { return data_[i]; }
  constexpr T* begin() const { return data_; }
  constexpr T* end() const { return data_ + size_; }

 private:
  T* data_ = nullptr;
  size_t size_ = 0;
};

// A string view into program bytes; not NUL-terminated in general.
struct StringView {
  const char* data = nullptr;
  size_t size = 0;
  bool equals(const char* s) const;
};

}  // namespace etb

#include "runner/inputs.h"

#include <string.h>

#include "runtime/half.h"

namespace etb {
namespace runner {
namespace {

template <typename T>
void put(std::vector<uint8_t>& bytes, size_t i, T v) {
  memcpy(bytes.data() + i * sizeof(T), &v, sizeof(T));
}

// Element offsets in memory for each logical row-major index.
std::vector<int64_t> memory_offsets(const std::vector<int32_t>& shape, const std::vector<uint8_t>& dim_order) {
  int32_t dim = int32_t(shape.size());
  std::vector<int64_t> strides(shape.size());
  compute_strides(dim, shape.data(), dim_order.data(), strides.data());
  int64_t n = 1;
  for (int32_t s : shape) n *= s;
  std::vector<int64_t> offsets(size_t(n > 0 ? n : 0));
  std::vector<int32_t> index(shape.size(), 0);
  for (int64_t i = 0; i < n; i++) {
    int64_t off = 0;
    for (int32_t d = 0; d < dim; d++) off += index[d] * strides[d];
    offsets[size_t(i)] = off;
    for (int32_t d = dim - 1; d >= 0; d--) {
      if (++index[d] < shape[d]) break;
      index[d] = 0;
    }
  }
  return offsets;
}

bool is_contiguous(const std::vector<uint8_t>& dim_order) {
  for (size_t i = 0; i < dim_order.size(); i++) {
    if (dim_order[i] != i) return false;
  }
  return true;
}

}  // namespace

void fill_random(TensorData& t, SplitMix64& rng) {
  int64_t n = 1;
  for (int32_t s : t.shape) n *= s;
  size_t es = element_size(t.dtype);
  t.bytes.assign(size_t(n) * es, 0);
  for (int64_t i = 0; i < n; i++) {
    uint64_t x = rng.next();
    double f = double(x >> 40) / double(1 << 24) * 2.0 - 1.0;
    int64_t s = int64_t(x >> 60) - 8;
    uint64_t u = x >> 60;
    size_t k = size_t(i);
    switch (t.dtype) {
      case ScalarType::Float: put<float>(t.bytes, k, float(f)); break;
      case ScalarType::Double: put<double>(t.bytes, k, f); break;
      case ScalarType::Half: put<uint16_t>(t.bytes, k, float_to_half(float(f))); break;
      case ScalarType::BFloat16: put<uint16_t>(t.bytes, k, float_to_bf16(float(f))); break;
      case ScalarType::Char: put<int8_t>(t.bytes, k, int8_t(s)); break;
      case ScalarType::Short: put<int16_t>(t.bytes, k, int16_t(s)); break;
      case ScalarType::Int: put<int32_t>(t.bytes, k, int32_t(s)); break;
      case ScalarType::Long: put<int64_t>(t.bytes, k, s); break;
      case ScalarType::Byte: put<uint8_t>(t.bytes, k, uint8_t(u)); break;
      case ScalarType::UInt16: put<uint16_t>(t.bytes, k, uint16_t(u)); break;
      case ScalarType::UInt32: put<uint32_t>(t.bytes, k, uint32_t(u)); break;
      case ScalarType::UInt64: put<uint64_t>(t.bytes, k, u); break;
      case ScalarType::Bool: put<uint8_t>(t.bytes, k, uint8_t(x >> 63)); break;
      default: break;  // quantized/bit types: zeros
    }
  }
}

std::vector<uint8_t> to_memory_order(const TensorData& t, const std::vector<uint8_t>& dim_order) {
  if (is_contiguous(dim_order)) return t.bytes;
  size_t es = element_size(t.dtype);
  std::vector<uint8_t> out(t.bytes.size());
  std::vector<int64_t> offsets = memory_offsets(t.shape, dim_order);
  for (size_t i = 0; i < offsets.size(); i++) memcpy(out.data() + offsets[i] * es, t.bytes.data() + i * es, es);
  return out;
}

std::vector<uint8_t> from_memory_order(const uint8_t* data, ScalarType dtype, const std::vector<int32_t>& shape,
                                       const std::vector<uint8_t>& dim_order) {
  size_t es = element_size(dtype);
  int64_t n = 1;
  for (int32_t s : shape) n *= s;
  std::vector<uint8_t> out(size_t(n) * es);
  if (n == 0) return out;
  if (is_contiguous(dim_order)) {
    memcpy(out.data(), data, out.size());
    return out;
  }
  std::vector<int64_t> offsets = memory_offsets(shape, dim_order);
  for (size_t i = 0; i < offsets.size(); i++) memcpy(out.data() + i * es, data + offsets[i] * es, es);
  return out;
}

}  // namespace runner
}  // namespace etb

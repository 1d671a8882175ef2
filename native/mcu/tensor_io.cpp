#include "mcu/tensor_io.h"

#include <string.h>

#include "mcu/input_file.h"
#include "mcu/semihost.h"
#include "runtime/half.h"

namespace mcu {
namespace {

using etb::Error;
using etb::ScalarType;
using etb::Tensor;

// Element offset in memory of the k-th element in logical row-major order.
int64_t memory_index(int32_t dim, const int32_t* sizes, const int64_t* strides, int64_t k) {
  int64_t off = 0;
  for (int32_t d = dim - 1; d >= 0; d--) {
    off += (k % sizes[d]) * strides[d];
    k /= sizes[d];
  }
  return off;
}

template <typename T>
void put(uint8_t* base, int64_t i, T v) {
  memcpy(base + i * int64_t(sizeof(T)), &v, sizeof(T));
}

template <typename T>
T get(const uint8_t* base, int64_t i) {
  T v;
  memcpy(&v, base + i * int64_t(sizeof(T)), sizeof(T));
  return v;
}

uint64_t splitmix64(uint64_t& state) {
  uint64_t z = (state += 0x9e3779b97f4a7c15ull);
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
  return z ^ (z >> 31);
}

void put_random(uint8_t* p, ScalarType dtype, int64_t i, uint64_t x) {
  double f = double(x >> 40) / double(1 << 24) * 2.0 - 1.0;
  int64_t s = int64_t(x >> 60) - 8;
  uint64_t u = x >> 60;
  switch (dtype) {
    case ScalarType::Float: put<float>(p, i, float(f)); break;
    case ScalarType::Double: put<double>(p, i, f); break;
    case ScalarType::Half: put<uint16_t>(p, i, etb::float_to_half(float(f))); break;
    case ScalarType::BFloat16: put<uint16_t>(p, i, etb::float_to_bf16(float(f))); break;
    case ScalarType::Char: put<int8_t>(p, i, int8_t(s)); break;
    case ScalarType::Short: put<int16_t>(p, i, int16_t(s)); break;
    case ScalarType::Int: put<int32_t>(p, i, int32_t(s)); break;
    case ScalarType::Long: put<int64_t>(p, i, s); break;
    case ScalarType::Byte: put<uint8_t>(p, i, uint8_t(u)); break;
    case ScalarType::UInt16: put<uint16_t>(p, i, uint16_t(u)); break;
    case ScalarType::UInt32: put<uint32_t>(p, i, uint32_t(u)); break;
    case ScalarType::UInt64: put<uint64_t>(p, i, u); break;
    case ScalarType::Bool: put<uint8_t>(p, i, uint8_t(x >> 63)); break;
    default: break;  // quantized and bit types: zeros
  }
}

uint32_t read_u32(const uint8_t* p) {
  return uint32_t(p[0]) | uint32_t(p[1]) << 8 | uint32_t(p[2]) << 16 | uint32_t(p[3]) << 24;
}

}  // namespace

Error InputSet::apply(etb::Method& m, size_t i, etb::Diag* diag) {
  const Tensor& t = m.input(i).tensor();
  etb::Span<const int32_t> sizes(sizes_[i], size_t(t.dim));
  if (t.is_planned) return m.set_input_bytes(i, sizes, pristine_[i], nbytes_[i], diag);
  memcpy(work_[i], pristine_[i], nbytes_[i]);
  Tensor view = t;
  view.sizes = sizes_[i];
  view.data = work_[i];
  etb::EValue v;
  v.tag = etb::Tag::Tensor;
  v.u.t = &view;
  return m.set_input(i, v, diag);
}

Error InputSet::stage(etb::Method& m, etb::MemoryAllocator& alloc, etb::Diag* diag) {
  if (m.num_inputs() > kMax) {
    return etb::fail(diag, etb::Error::NotSupported, "%u inputs; this firmware handles %u", unsigned(m.num_inputs()),
                     unsigned(kMax));
  }
  count_ = m.num_inputs();
  return Error::Ok;
}

Error InputSet::set_bundled(etb::Method& m, const etb::BundledProgram& b, const char* method, uint32_t c,
                            etb::MemoryAllocator& alloc, etb::Diag* diag) {
  bundled_ = true;
  bundle_ = &b;
  method_ = method;
  case_ = c;
  ETB_RETURN_IF_ERROR(stage(m, alloc, diag));
  ETB_RETURN_IF_ERROR(b.set_inputs(m, method, c, diag));
  // Unplanned inputs now alias the bundle in flash; the program may write
  // its inputs, so they get a copy in RAM.
  for (size_t i = 0; i < count_; i++) {
    const etb::EValue& v = m.input(i);
    if (!v.is_tensor() || v.tensor().is_planned || v.tensor().data == nullptr) continue;
    const Tensor& t = v.tensor();
    if (work_[i] == nullptr || nbytes_[i] < t.nbytes()) {
      work_[i] = static_cast<uint8_t*>(alloc.allocate(t.nbytes() + 1));
      pristine_[i] = work_[i];
      if (work_[i] == nullptr) return etb::fail(diag, Error::MemoryAllocationFailed, "no arena left for input %u", unsigned(i));
    }
    nbytes_[i] = t.nbytes();
    memcpy(work_[i], t.data, t.nbytes());
    Tensor view = t;
    view.data = work_[i];
    etb::EValue copy;
    copy.tag = etb::Tag::Tensor;
    copy.u.t = &view;
    ETB_RETURN_IF_ERROR(m.set_input(i, copy, diag));
  }
  return Error::Ok;
}

Error InputSet::set_random(etb::Method& m, uint64_t seed, etb::MemoryAllocator& alloc, etb::Diag* diag) {
  bundled_ = false;
  ETB_RETURN_IF_ERROR(stage(m, alloc, diag));
  uint64_t state = seed;
  for (size_t i = 0; i < count_; i++) {
    const etb::EValue& v = m.input(i);
    if (!v.is_tensor()) continue;
    const Tensor& t = v.tensor();
    int64_t n = t.numel();
    size_t es = etb::element_size(t.dtype);
    nbytes_[i] = size_t(n) * es;
    pristine_[i] = static_cast<uint8_t*>(alloc.allocate(nbytes_[i] + 1));
    work_[i] = t.is_planned ? nullptr : static_cast<uint8_t*>(alloc.allocate(nbytes_[i] + 1));
    if (pristine_[i] == nullptr || (!t.is_planned && work_[i] == nullptr)) {
      return etb::fail(diag, Error::MemoryAllocationFailed, "no arena left for input %u", unsigned(i));
    }
    memset(pristine_[i], 0, nbytes_[i]);
    for (int32_t d = 0; d < t.dim; d++) sizes_[i][d] = t.sizes[d];
    for (int64_t k = 0; k < n; k++) {
      put_random(pristine_[i], t.dtype, memory_index(t.dim, t.sizes, t.strides, k), splitmix64(state));
    }
    ETB_RETURN_IF_ERROR(apply(m, i, diag));
  }
  return Error::Ok;
}

int InputSet::set_from_file(etb::Method& m, const char* path, etb::MemoryAllocator& alloc, etb::Diag* diag,
                            const char** message) {
  bundled_ = false;
  if (stage(m, alloc, diag) != Error::Ok) {
    *message = diag->message;
    return 4;
  }
  int fd = etb_sh_open(path, ETB_SH_MODE_RB);
  long size = fd < 0 ? -1 : etb_sh_flen(fd);
  if (size < 8) {
    *message = "cannot read the inputs file";
    return 3;
  }
  uint8_t* file = static_cast<uint8_t*>(alloc.allocate(size_t(size) + 1));
  if (file == nullptr) {
    *message = "the inputs file does not fit in the arena";
    return 7;
  }
  bool read_ok = etb_sh_read(fd, file, size_t(size)) == 0;
  etb_sh_close(fd);
  file[size] = 0;
  if (!read_ok) {
    *message = "cannot read the inputs file";
    return 3;
  }
  if (read_u32(file) == kInputFileErrorMagic) {
    uint32_t len = read_u32(file + 4);
    if (len <= uint32_t(size) - 8) file[8 + len] = 0;
    *message = reinterpret_cast<const char*>(file + 8);
    return 3;
  }
  if (read_u32(file) != kInputFileMagic) {
    *message = "the inputs file is not in the firmware's format";
    return 3;
  }
  uint32_t count = read_u32(file + 4);
  if (count != count_) {
    etb::fail(diag, Error::InvalidArgument, "the method takes %u inputs, %u were given", unsigned(count_),
              unsigned(count));
    *message = diag->message;
    return 3;
  }
  size_t pos = 8;
  auto need = [&](size_t n) { return n <= size_t(size) - pos; };
  for (size_t i = 0; i < count; i++) {
    if (!need(8)) break;
    uint32_t dtype = read_u32(file + pos);
    uint32_t rank = read_u32(file + pos + 4);
    pos += 8;
    if (rank > 16 || !need(4 * size_t(rank) + 4)) break;
    int32_t sizes[16];
    for (uint32_t d = 0; d < rank; d++) sizes[d] = int32_t(read_u32(file + pos + 4 * d));
    pos += 4 * rank;
    uint32_t nbytes = read_u32(file + pos);
    pos += 4;
    if (!need(nbytes)) break;
    const uint8_t* data = file + pos;
    pos += (size_t(nbytes) + 3) / 4 * 4;
    if (pos > size_t(size)) pos = size_t(size);
    const etb::EValue& v = m.input(i);
    if (!v.is_tensor()) continue;  // non-tensor inputs are fixed by the program
    const Tensor& t = v.tensor();
    const char* problem = nullptr;
    if (!etb::is_valid_scalar_type(int(dtype)) || ScalarType(dtype) != t.dtype) problem = "dtype";
    else if (int32_t(rank) != t.dim) problem = "rank";
    int64_t n = etb::checked_numel(int32_t(rank), sizes);
    if (problem == nullptr && (n < 0 || uint64_t(n) * etb::element_size(t.dtype) != nbytes)) problem = "size";
    if (problem != nullptr) {
      etb::fail(diag, Error::InvalidArgument, "input %u: its %s does not match the method's input (expected %s, rank %d)",
                unsigned(i), problem, etb::scalar_type_name(t.dtype), int(t.dim));
      *message = diag->message;
      return 3;
    }
    int64_t strides[16];
    etb::compute_strides(t.dim, sizes, t.dim_order, strides);
    size_t es = etb::element_size(t.dtype);
    nbytes_[i] = nbytes;
    pristine_[i] = static_cast<uint8_t*>(alloc.allocate(nbytes + 1));
    work_[i] = t.is_planned ? nullptr : static_cast<uint8_t*>(alloc.allocate(nbytes + 1));
    if (pristine_[i] == nullptr || (!t.is_planned && work_[i] == nullptr)) {
      *message = "no arena left for the inputs";
      return 7;
    }
    for (int32_t d = 0; d < t.dim; d++) sizes_[i][d] = sizes[d];
    for (int64_t k = 0; k < n; k++) {
      memcpy(pristine_[i] + memory_index(t.dim, sizes, strides, k) * int64_t(es), data + k * int64_t(es), es);
    }
    Error e = apply(m, i, diag);
    if (e != Error::Ok) {
      *message = diag->message;
      return 3;
    }
  }
  if (pos > size_t(size)) {
    *message = "the inputs file is truncated";
    return 3;
  }
  return 0;
}

Error InputSet::restore(etb::Method& m, etb::Diag* diag) {
  if (bundled_) {
    etb::MemoryAllocator none;
    return set_bundled(m, *bundle_, method_, case_, none, diag);
  }
  for (size_t i = 0; i < count_; i++) {
    if (m.input(i).is_tensor() && pristine_[i] != nullptr) ETB_RETURN_IF_ERROR(apply(m, i, diag));
  }
  return Error::Ok;
}

void write_output(JsonOut& w, const etb::EValue& v) {
  w.begin_object();
  if (v.is_int() || v.is_double() || v.is_bool()) {
    w.key("dtype").value(v.is_int() ? "int64" : v.is_double() ? "float64" : "bool");
    w.key("shape").begin_array().end_array().key("data").begin_array();
    if (v.is_int()) w.value(v.u.i); else if (v.is_double()) w.value(v.u.d); else w.value(v.u.b);
    w.end_array().end_object();
    return;
  }
  if (!v.is_tensor()) {
    w.key("dtype").value("float32").key("shape").begin_array().value(0).end_array();
    w.key("data").begin_array().end_array().end_object();
    return;
  }
  const Tensor& t = v.tensor();
  w.key("dtype").value(etb::scalar_type_name(t.dtype)).key("shape").begin_array();
  for (int32_t d = 0; d < t.dim; d++) w.value(int64_t(t.sizes[d]));
  w.end_array().key("data").begin_array();
  const uint8_t* p = static_cast<const uint8_t*>(t.data);
  int64_t n = p == nullptr ? 0 : t.numel();
  for (int64_t k = 0; k < n; k++) {
    int64_t i = memory_index(t.dim, t.sizes, t.strides, k);
    switch (t.dtype) {
      case ScalarType::Float: w.value(double(get<float>(p, i))); break;
      case ScalarType::Double: w.value(get<double>(p, i)); break;
      case ScalarType::Half: w.value(double(etb::half_to_float(get<uint16_t>(p, i)))); break;
      case ScalarType::BFloat16: w.value(double(etb::bf16_to_float(get<uint16_t>(p, i)))); break;
      case ScalarType::Bool: w.value(get<uint8_t>(p, i) != 0); break;
      case ScalarType::Char: w.value(int64_t(get<int8_t>(p, i))); break;
      case ScalarType::Short: w.value(int64_t(get<int16_t>(p, i))); break;
      case ScalarType::Int: w.value(int64_t(get<int32_t>(p, i))); break;
      case ScalarType::Long: w.value(get<int64_t>(p, i)); break;
      case ScalarType::UInt16: w.value(uint64_t(get<uint16_t>(p, i))); break;
      case ScalarType::UInt32: w.value(uint64_t(get<uint32_t>(p, i))); break;
      case ScalarType::UInt64: w.value(get<uint64_t>(p, i)); break;
      default: w.value(uint64_t(p[i * int64_t(etb::element_size(t.dtype))])); break;
    }
  }
  w.end_array().end_object();
}

}  // namespace mcu

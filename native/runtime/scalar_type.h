// Tensor element types, numbered as PyTorch's c10::ScalarType and the
// program schema's ScalarType enum (docs: pte-format.md section 2).
#pragma once
#include <stddef.h>
#include <stdint.h>

namespace etb {

enum class ScalarType : int8_t {
  Byte = 0,
  Char = 1,
  Short = 2,
  Int = 3,
  Long = 4,
  Half = 5,
  Float = 6,
  Double = 7,
  Bool = 11,
  QInt8 = 12,
  QUInt8 = 13,
  QInt32 = 14,
  BFloat16 = 15,
  QUInt4x2 = 16,
  QUInt2x4 = 17,
  Bits16 = 22,
  Float8e5m2 = 23,
  Float8e4m3fn = 24,
  Float8e5m2fnuz = 25,
  Float8e4m3fnuz = 26,
  UInt16 = 27,
  UInt32 = 28,
  UInt64 = 29,
};

// True when `raw` names a ScalarType this runtime knows.
bool is_valid_scalar_type(int raw);
// Bytes per element; 0 for unknown types.
size_t element_size(ScalarType t);
// PyTorch's name ("float32", "int64", "bool", ...); "invalid" when unknown.
const char* scalar_type_name(ScalarType t);
// Parses a PyTorch dtype name; false when unknown.
bool scalar_type_from_name(const char* name, ScalarType* out);

bool is_floating(ScalarType t);  // Half, Float, Double, BFloat16
bool is_integral(ScalarType t, bool include_bool);

// PyTorch's type promotion for two tensor operands (no complex, no quantized).
// Returns false when the pair has no promotion (quantized, bits, float8 ...).
bool promote_types(ScalarType a, ScalarType b, ScalarType* out);

}  // namespace etb

#include "runtime/scalar_type.h"

#include <string.h>

namespace etb {
namespace {

struct TypeInfo {
  ScalarType type;
  size_t size;
  const char* name;
};

constexpr TypeInfo kTypes[] = {
    {ScalarType::Byte, 1, "uint8"},        {ScalarType::Char, 1, "int8"},
    {ScalarType::Short, 2, "int16"},       {ScalarType::Int, 4, "int32"},
    {ScalarType::Long, 8, "int64"},        {ScalarType::Half, 2, "float16"},
    {ScalarType::Float, 4, "float32"},     {ScalarType::Double, 8, "float64"},
    {ScalarType::Bool, 1, "bool"},         {ScalarType::QInt8, 1, "qint8"},
    {ScalarType::QUInt8, 1, "quint8"},     {ScalarType::QInt32, 4, "qint32"},
    {ScalarType::BFloat16, 2, "bfloat16"}, {ScalarType::QUInt4x2, 1, "quint4x2"},
    {ScalarType::QUInt2x4, 1, "quint2x4"}, {ScalarType::Bits16, 2, "bits16"},
    {ScalarType::Float8e5m2, 1, "float8_e5m2"},
    {ScalarType::Float8e4m3fn, 1, "float8_e4m3fn"},
    {ScalarType::Float8e5m2fnuz, 1, "float8_e5m2fnuz"},
    {ScalarType::Float8e4m3fnuz, 1, "float8_e4m3fnuz"},
    {ScalarType::UInt16, 2, "uint16"},     {ScalarType::UInt32, 4, "uint32"},
    {ScalarType::UInt64, 8, "uint64"},
};

const TypeInfo* find(ScalarType t) {
  for (const TypeInfo& info : kTypes) {
    if (info.type == t) return &info;
  }
  return nullptr;
}

// Promotion rank among the "real" types used by PyTorch's lattice for the
// common cases: bool < integers < floating. Within integers the table below
// follows c10's promoteTypes.
int category(ScalarType t) {
  if (t == ScalarType::Bool) return 0;
  if (is_integral(t, false)) return 1;
  if (is_floating(t)) return 2;
  return -1;
}

}  // namespace

bool is_valid_scalar_type(int raw) {
  return raw >= -128 && raw <= 127 && find(static_cast<ScalarType>(raw)) != nullptr;
}

size_t element_size(ScalarType t) {
  const TypeInfo* info = find(t);
  return info ? info->size : 0;
}

const char* scalar_type_name(ScalarType t) {
  const TypeInfo* info = find(t);
  return info ? info->name : "invalid";
}

bool scalar_type_from_name(const char* name, ScalarType* out) {
  for (const TypeInfo& info : kTypes) {
    if (strcmp(info.name, name) == 0) {
      *out = info.type;
      return true;
    }
  }
  return false;
}

bool is_floating(ScalarType t) {
  return t == ScalarType::Half || t == ScalarType::Float || t == ScalarType::Double ||
         t == ScalarType::BFloat16;
}

bool is_integral(ScalarType t, bool include_bool) {
  switch (t) {
    case ScalarType::Byte:
    case ScalarType::Char:
    case ScalarType::Short:
    case ScalarType::Int:
    case ScalarType::Long:
    case ScalarType::UInt16:
    case ScalarType::UInt32:
    case ScalarType::UInt64:
      return true;
    case ScalarType::Bool:
      return include_bool;
    default:
      return false;
  }
}

bool promote_types(ScalarType a, ScalarType b, ScalarType* out) {
  if (a == b) {
    if (category(a) < 0) return false;
    *out = a;
    return true;
  }
  int ca = category(a);
  int cb = category(b);
  if (ca < 0 || cb < 0) return false;
  if (ca != cb) {
    *out = ca > cb ? a : b;
    return true;
  }
  if (ca == 2) {
    // Half with BFloat16 promotes to Float; otherwise the wider type wins.
    if ((a == ScalarType::Half && b == ScalarType::BFloat16) ||
        (a == ScalarType::BFloat16 && b == ScalarType::Half)) {
      *out = ScalarType::Float;
      return true;
    }
    *out = element_size(a) >= element_size(b) ? a : b;
    return true;
  }
  // Integers. Unsigned 16/32/64 have no promotion with signed types in ATen.
  auto is_wide_unsigned = [](ScalarType t) {
    return t == ScalarType::UInt16 || t == ScalarType::UInt32 || t == ScalarType::UInt64;
  };
  if (is_wide_unsigned(a) || is_wide_unsigned(b)) return false;
  // uint8 with int8 promotes to int16; otherwise the wider signed type wins.
  if ((a == ScalarType::Byte && b == ScalarType::Char) ||
      (a == ScalarType::Char && b == ScalarType::Byte)) {
    *out = ScalarType::Short;
    return true;
  }
  ScalarType wider = element_size(a) >= element_size(b) ? a : b;
  if (wider == ScalarType::Byte) wider = ScalarType::Short;  // unreachable in practice
  *out = wider;
  return true;
}

}  // namespace etb

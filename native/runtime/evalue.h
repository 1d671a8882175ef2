// EValue: one entry of a method's value table (docs: runtime-model.md
// section 8 for the tags). Values are created at load time in the method
// allocator and never change kind afterwards; prim ops overwrite Int/Double/
// Bool payloads and MoveCall copies whole values of the same kind.
#pragma once
#include <stdint.h>

#include "runtime/span.h"
#include "runtime/tensor.h"

namespace etb {

enum class Tag : uint32_t {
  None = 0,
  Tensor = 1,
  String = 2,
  Double = 3,
  Int = 4,
  Bool = 5,
  ListBool = 6,
  ListDouble = 7,
  ListInt = 8,
  ListTensor = 9,
  ListScalar = 10,
  ListOptionalTensor = 11,
};

const char* tag_name(Tag tag);

struct EValue;

// int[] arguments: pointers to Int values (so symbolic ints written by an
// earlier instruction are seen), unboxed into `unboxed` on read.
struct BoxedIntList {
  EValue** items;
  int64_t* unboxed;
  uint32_t size;
  Span<const int64_t> get() const;
};

// Tensor[] and Tensor?[]: pointers to Tensor (or None) values.
struct ValueList {
  EValue** items;
  uint32_t size;
};

struct EValue {
  Tag tag = Tag::None;
  union {
    int64_t i;
    double d;
    bool b;
    StringView s;
    Tensor* t;
    BoxedIntList int_list;
    Span<const double> double_list;
    Span<const bool> bool_list;
    ValueList list;
  } u{};

  bool is_tensor() const { return tag == Tag::Tensor; }
  bool is_none() const { return tag == Tag::None; }
  bool is_int() const { return tag == Tag::Int; }
  bool is_double() const { return tag == Tag::Double; }
  bool is_bool() const { return tag == Tag::Bool; }
  bool is_scalar() const { return tag == Tag::Int || tag == Tag::Double || tag == Tag::Bool; }
  Tensor& tensor() const { return *u.t; }
};

// An optional argument (`int?`, `int[]?`, `ScalarType?`, ...).
template <typename T>
struct Optional {
  bool has_value = false;
  T value{};
};

// A `Scalar` argument: the value of an Int, Double or Bool EValue.
struct Scalar {
  enum class Kind : uint8_t { Int, Double, Bool } kind = Kind::Int;
  int64_t i = 0;
  double d = 0;
  bool b = false;

  static Scalar from(const EValue& v);
  double to_double() const { return kind == Kind::Double ? d : kind == Kind::Int ? double(i) : double(b); }
  int64_t to_int() const { return kind == Kind::Int ? i : kind == Kind::Bool ? int64_t(b) : saturating_int(d); }
  // A double as int64 without undefined behaviour: NaN -> 0, out of range -> the limit.
  static int64_t saturating_int(double v) {
    if (!(v == v)) return 0;
    if (v >= 9.2233720368547758e18) return INT64_MAX;
    if (v <= -9.2233720368547758e18) return INT64_MIN;
    return int64_t(v);
  }
  bool is_floating() const { return kind == Kind::Double; }
};

}  // namespace etb

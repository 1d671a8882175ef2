#include "runtime/evalue.h"

#include <string.h>

namespace etb {

bool StringView::equals(const char* s) const { return strlen(s) == size && memcmp(s, data, size) == 0; }

const char* tag_name(Tag tag) {
  switch (tag) {
    case Tag::None: return "None";
    case Tag::Tensor: return "Tensor";
    case Tag::String: return "String";
    case Tag::Double: return "Double";
    case Tag::Int: return "Int";
    case Tag::Bool: return "Bool";
    case Tag::ListBool: return "BoolList";
    case Tag::ListDouble: return "DoubleList";
    case Tag::ListInt: return "IntList";
    case Tag::ListTensor: return "TensorList";
    case Tag::ListScalar: return "ScalarList";
    case Tag::ListOptionalTensor: return "OptionalTensorList";
  }
  return "Unknown";
}

Span<const int64_t> BoxedIntList::get() const {
  for (uint32_t i = 0; i < size; i++) unboxed[i] = items[i]->u.i;
  return Span<const int64_t>(unboxed, size);
}

Scalar Scalar::from(const EValue& v) {
  Scalar s;
  if (v.tag == Tag::Double) {
    s.kind = Kind::Double;
    s.d = v.u.d;
  } else if (v.tag == Tag::Bool) {
    s.kind = Kind::Bool;
    s.b = v.u.b;
  } else {
    s.kind = Kind::Int;
    s.i = v.u.i;
  }
  return s;
}

}  // namespace etb

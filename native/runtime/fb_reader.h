// A small bounds-checked FlatBuffers reader for untrusted bytes.
//
// Every object is checked when it is reached: a table's vtable must lie inside
// the buffer and every present field of the table's declared layout must lie
// inside the table; a vector's elements and a string's bytes (plus its NUL)
// must lie inside the buffer. Failures name the field and the byte offset.
// Reads go through memcpy, so the buffer needs no particular alignment.
//
//   etb::fb::Buffer buf{bytes, size, &diag};
//   ETB_TRY(fb::Table root, fb::Table::root(buf, kProgramLayout, "Program"));
//   uint32_t version = root.scalar<uint32_t>(0, 0);
//   ETB_TRY(fb::TableVector plans, root.tables(1, "Program.execution_plan", false));
//
// Objects hold a copy of the Buffer (pointer, size, diag): the bytes and the
// Diag must outlive them.
#pragma once
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "runtime/diag.h"
#include "runtime/result.h"
#include "runtime/span.h"

namespace etb {
namespace fb {

struct Buffer {
  const uint8_t* data = nullptr;
  size_t size = 0;
  Diag* diag = nullptr;

  template <typename T>
  T read(size_t pos) const {
    T v;
    memcpy(&v, data + pos, sizeof(T));
    return v;
  }
};

// Field sizes of a table, indexed by slot: 1/2/4/8 for scalars, 4 for
// offsets (tables, vectors, strings, union values). Slots past the end are
// treated as unknown (newer schema) and never read.
struct Layout {
  const uint8_t* field_sizes;
  uint8_t count;
};

class Table;

// A vector of scalars (T is the element type as stored, little-endian host).
template <typename T>
class Vector {
 public:
  Vector() = default;
  Vector(const Buffer& buf, size_t elems_pos, uint32_t length)
      : buf_(buf), pos_(elems_pos), length_(length) {}
  uint32_t size() const { return length_; }
  // Caller checks i < size().
  T operator[](uint32_t i) const { return buf_.template read<T>(pos_ + size_t(i) * sizeof(T)); }
  const uint8_t* raw() const { return buf_.data + pos_; }
  size_t offset() const { return pos_; }

 private:
  Buffer buf_;
  size_t pos_ = 0;
  uint32_t length_ = 0;
};

class TableVector;

class Table {
 public:
  Table() = default;
  // The root table of a buffer with a 4-byte file identifier at offset 4.
  static Result<Table> root(const Buffer& buf, Layout layout, const char* what);
  // The table at absolute position `pos`.
  static Result<Table> at(const Buffer& buf, size_t pos, Layout layout, const char* what);

  bool has(uint8_t slot) const { return field_pos(slot) != 0; }
  size_t offset() const { return pos_; }
  const Buffer& buffer() const { return buf_; }

  template <typename T>
  T scalar(uint8_t slot, T default_value) const {
    size_t p = field_pos(slot);
    return p == 0 ? default_value : buf_.template read<T>(p);
  }

  // Sub-objects. `required` turns absence into InvalidProgram; otherwise an
  // absent field yields an empty vector / string or a table with offset 0.
  Result<Table> table(uint8_t slot, Layout layout, const char* what, bool required) const;
  Result<TableVector> tables(uint8_t slot, Layout layout, const char* what, bool required) const;
  Result<StringView> string(uint8_t slot, const char* what, bool required) const;
  template <typename T>
  Result<Vector<T>> vector(uint8_t slot, const char* what, bool required) const {
    size_t elems = 0;
    uint32_t length = 0;
    Error e = vector_bounds(slot, sizeof(T), what, required, &elems, &length);
    if (e != Error::Ok) return e;
    return Vector<T>(buf_, elems, length);
  }

  bool is_null() const { return buf_.data == nullptr; }

 private:
  // Absolute position of a present field, or 0 when absent/unknown.
  size_t field_pos(uint8_t slot) const;
  Result<size_t> deref(uint8_t slot, const char* what, bool required) const;
  Error vector_bounds(uint8_t slot, size_t elem_size, const char* what, bool required,
                      size_t* elems, uint32_t* length) const;

  Buffer buf_;
  size_t pos_ = 0;
  size_t vtable_ = 0;
  uint16_t vtable_len_ = 0;
  uint16_t object_len_ = 0;
  Layout layout_{nullptr, 0};
};

// A vector of tables; elements are resolved (and checked) on access.
class TableVector {
 public:
  TableVector() = default;
  TableVector(const Buffer& buf, size_t elems_pos, uint32_t length, Layout layout,
              const char* what)
      : buf_(buf), pos_(elems_pos), length_(length), layout_(layout), what_(what) {}
  uint32_t size() const { return length_; }
  Result<Table> operator[](uint32_t i) const;

 private:
  Buffer buf_;
  size_t pos_ = 0;
  uint32_t length_ = 0;
  Layout layout_{nullptr, 0};
  const char* what_ = "";
};

// Resolves the string at absolute position `pos` (used for vectors of strings).
Result<StringView> string_at(const Buffer& buf, size_t pos, const char* what);

}  // namespace fb
}  // namespace etb

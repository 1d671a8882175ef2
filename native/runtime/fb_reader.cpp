#include "runtime/fb_reader.h"

namespace etb {
namespace fb {
namespace {

// Largest table/vector count we accept: keeps size arithmetic far from
// overflow on 32-bit targets and bounds the work a hostile file can cause.
constexpr uint64_t kMaxElements = 1u << 28;

bool in_bounds(const Buffer& buf, uint64_t pos, uint64_t len) {
  return pos <= buf.size && len <= buf.size - pos;
}

}  // namespace

Result<Table> Table::root(const Buffer& buf, Layout layout, const char* what) {
  if (buf.size < 8) {
    return fail(buf.diag, Error::InvalidProgram, "%s: buffer of %zu bytes is too small for a root table",
                what, buf.size);
  }
  uint32_t root = buf.read<uint32_t>(0);
  return at(buf, root, layout, what);
}

Result<Table> Table::at(const Buffer& buf, size_t pos, Layout layout, const char* what) {
  if (pos < 4 || !in_bounds(buf, pos, 4) || pos % 4 != 0) {
    return fail(buf.diag, Error::InvalidProgram, "%s: table offset 0x%zx is outside the %zu-byte buffer or misaligned",
                what, pos, buf.size);
  }
  int32_t soffset = buf.read<int32_t>(pos);
  int64_t vt = static_cast<int64_t>(pos) - static_cast<int64_t>(soffset);
  if (vt < 0 || !in_bounds(buf, static_cast<uint64_t>(vt), 4) || vt % 2 != 0) {
    return fail(buf.diag, Error::InvalidProgram, "%s: vtable of the table at 0x%zx points outside the buffer (0x%llx)",
                what, pos, static_cast<long long>(vt));
  }
  Table t;
  t.buf_ = buf;
  t.pos_ = pos;
  t.vtable_ = static_cast<size_t>(vt);
  t.vtable_len_ = buf.read<uint16_t>(t.vtable_);
  t.object_len_ = buf.read<uint16_t>(t.vtable_ + 2);
  t.layout_ = layout;
  if (t.vtable_len_ < 4 || t.vtable_len_ % 2 != 0 || !in_bounds(buf, t.vtable_, t.vtable_len_)) {
    return fail(buf.diag, Error::InvalidProgram, "%s: vtable at 0x%zx has invalid length %u", what,
                t.vtable_, t.vtable_len_);
  }
  if (t.object_len_ < 4 || !in_bounds(buf, pos, t.object_len_)) {
    return fail(buf.diag, Error::InvalidProgram, "%s: table at 0x%zx has invalid size %u", what, pos,
                t.object_len_);
  }
  // Every field this reader may touch must start inside the table object and
  // end inside the buffer. (Real exporters write 8-byte fields that end past
  // the table size recorded in the vtable, as FlatBuffers' own verifier allows.)
  for (uint8_t slot = 0; slot < layout.count; slot++) {
    size_t entry = 4 + 2 * size_t(slot);
    if (entry + 2 > t.vtable_len_) break;
    uint16_t field = buf.read<uint16_t>(t.vtable_ + entry);
    if (field == 0) continue;
    if (field < 4 || field >= t.object_len_ || !in_bounds(buf, uint64_t(pos) + field, layout.field_sizes[slot])) {
      return fail(buf.diag, Error::InvalidProgram,
                  "%s: field %u of the table at 0x%zx lies outside the table (offset %u, table size %u)",
                  what, slot, pos, field, t.object_len_);
    }
  }
  return t;
}

size_t Table::field_pos(uint8_t slot) const {
  if (buf_.data == nullptr || slot >= layout_.count) return 0;
  size_t entry = 4 + 2 * size_t(slot);
  if (entry + 2 > vtable_len_) return 0;
  uint16_t field = buf_.read<uint16_t>(vtable_ + entry);
  return field == 0 ? 0 : pos_ + field;
}

Result<size_t> Table::deref(uint8_t slot, const char* what, bool required) const {
  size_t p = field_pos(slot);
  if (p == 0) {
    if (required) {
      return fail(buf_.diag, Error::InvalidProgram, "%s: required field is missing (table at 0x%zx)", what, pos_);
    }
    return size_t(0);
  }
  uint64_t target = uint64_t(p) + buf_.read<uint32_t>(p);
  if (!in_bounds(buf_, target, 4)) {
    return fail(buf_.diag, Error::InvalidProgram, "%s: offset at 0x%zx points past the end of the %zu-byte buffer",
                what, p, buf_.size);
  }
  return size_t(target);
}

Result<Table> Table::table(uint8_t slot, Layout layout, const char* what, bool required) const {
  ETB_TRY(size_t target, deref(slot, what, required));
  if (target == 0) return Table();
  return Table::at(buf_, target, layout, what);
}

Error Table::vector_bounds(uint8_t slot, size_t elem_size, const char* what, bool required,
                           size_t* elems, uint32_t* length) const {
  *elems = 0;
  *length = 0;
  auto target = deref(slot, what, required);
  if (!target.ok()) return target.error();
  if (*target == 0) return Error::Ok;
  uint32_t n = buf_.read<uint32_t>(*target);
  if (n > kMaxElements || !in_bounds(buf_, *target + 4, uint64_t(n) * elem_size)) {
    return fail(buf_.diag, Error::InvalidProgram,
                "%s: vector at 0x%zx claims %u elements of %zu bytes, beyond the end of the %zu-byte buffer",
                what, *target, n, elem_size, buf_.size);
  }
  *elems = *target + 4;
  *length = n;
  return Error::Ok;
}

Result<TableVector> Table::tables(uint8_t slot, Layout layout, const char* what, bool required) const {
  size_t elems = 0;
  uint32_t length = 0;
  Error e = vector_bounds(slot, 4, what, required, &elems, &length);
  if (e != Error::Ok) return e;
  return TableVector(buf_, elems, length, layout, what);
}

Result<StringView> string_at(const Buffer& buf, size_t pos, const char* what) {
  uint32_t n = buf.read<uint32_t>(pos);
  // Length, bytes, and the NUL terminator FlatBuffers always writes.
  if (!in_bounds(buf, uint64_t(pos) + 4, uint64_t(n) + 1)) {
    return fail(buf.diag, Error::InvalidProgram, "%s: string at 0x%zx of length %u runs past the end of the buffer",
                what, pos, n);
  }
  if (buf.data[pos + 4 + n] != 0) {
    return fail(buf.diag, Error::InvalidProgram, "%s: string at 0x%zx is not NUL-terminated", what, pos);
  }
  StringView s;
  s.data = reinterpret_cast<const char*>(buf.data + pos + 4);
  s.size = n;
  return s;
}

Result<StringView> Table::string(uint8_t slot, const char* what, bool required) const {
  ETB_TRY(size_t target, deref(slot, what, required));
  if (target == 0) return StringView();
  return string_at(buf_, target, what);
}

Result<Table> TableVector::operator[](uint32_t i) const {
  if (i >= length_) {
    return fail(buf_.diag, Error::InvalidProgram, "%s: index %u out of range (%u elements)", what_, i, length_);
  }
  size_t p = pos_ + size_t(i) * 4;
  uint64_t target = uint64_t(p) + buf_.read<uint32_t>(p);
  if (!in_bounds(buf_, target, 4)) {
    return fail(buf_.diag, Error::InvalidProgram, "%s[%u]: offset at 0x%zx points past the end of the buffer",
                what_, i, p);
  }
  return Table::at(buf_, size_t(target), layout_, what_);
}

}  // namespace fb
}  // namespace etb

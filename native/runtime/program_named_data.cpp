// Named data: the program's own `named_data` entries and an optional external
// `.ptd` file (FlatTensor, identifier FT01; pte-format.md section 10).
#include <string.h>

#include "runtime/program.h"
#include "runtime/schema.h"

namespace etb {
namespace {

constexpr size_t kPtdHeaderEnd = 48;  // 8 bytes + 40-byte FH01 header

uint64_t u64_at(const uint8_t* p) {
  uint64_t v;
  memcpy(&v, p, 8);
  return v;
}

bool same(StringView a, StringView b) { return a.size == b.size && memcmp(a.data, b.data, a.size) == 0; }

struct PtdView {
  fb::Table root;
  uint64_t flatbuffer_end;
};

}  // namespace

Error Program::load_external(DataLoader* external, Diag* diag) {
  size_t size = external->size();
  if (size < kPtdHeaderEnd) {
    return fail(diag, Error::InvalidExternalData, "external data file of %zu bytes is too small", size);
  }
  auto whole = external->load(0, size, diag);
  if (!whole.ok()) return whole.error();
  const uint8_t* d = whole->data;
  if (memcmp(d + 4, "FT01", 4) != 0 || memcmp(d + 8, "FH01", 4) != 0) {
    return fail(diag, Error::InvalidExternalData, "external data file lacks the FT01/FH01 identifiers at offset 4");
  }
  uint32_t header_length;
  memcpy(&header_length, d + 12, 4);
  uint64_t fb_offset = u64_at(d + 16), fb_size = u64_at(d + 24);
  uint64_t seg_base = u64_at(d + 32), seg_size = u64_at(d + 40);
  if (header_length < 40 || fb_offset > size || fb_size > size - fb_offset || seg_base > size ||
      seg_size > size - seg_base) {
    return fail(diag, Error::InvalidExternalData,
                "external data header (offset 8) describes ranges outside the %zu-byte file", size);
  }
  ptd_ = *whole;
  ptd_.size = size;
  ptd_segment_base_ = seg_base;
  // Every key must resolve and must not collide with the program's own keys.
  fb::Buffer buf{d, size_t(fb_offset + fb_size), diag};
  auto root = fb::Table::root(buf, schema::kFlatTensor, "FlatTensor");
  if (!root.ok()) return Error::InvalidExternalData;
  auto entries = root->tables(2, schema::kNamedData, "FlatTensor.named_data", false);
  if (!entries.ok()) return Error::InvalidExternalData;
  for (uint32_t i = 0; i < entries->size(); i++) {
    auto entry = (*entries)[i];
    if (!entry.ok()) return Error::InvalidExternalData;
    auto key = entry->string(0, "FlatTensor.named_data.key", true);
    if (!key.ok()) return Error::InvalidExternalData;
    auto bytes = ptd_lookup(*key, diag);
    if (!bytes.ok()) return Error::InvalidExternalData;
    auto r = this->root(diag);
    if (!r.ok()) return r.error();
    auto own = r->tables(schema::program::kNamedData, schema::kNamedData, "Program.named_data", false);
    if (!own.ok()) return own.error();
    for (uint32_t j = 0; j < own->size(); j++) {
      auto o = (*own)[j];
      if (!o.ok()) return o.error();
      auto okey = o->string(0, "Program.named_data.key", true);
      if (!okey.ok()) return okey.error();
      if (same(*okey, *key)) {
        return fail(diag, Error::InvalidExternalData, "named data key '%.*s' exists in both the program and the .ptd",
                    int(key->size), key->data);
      }
    }
  }
  return Error::Ok;
}

Result<Span<const uint8_t>> Program::ptd_lookup(StringView key, Diag* diag) const {
  if (ptd_.data == nullptr) {
    return fail(diag, Error::NotFound, "named data '%.*s' not found (no external data file given)", int(key.size),
                key.data);
  }
  uint64_t fb_end = u64_at(ptd_.data + 16) + u64_at(ptd_.data + 24);
  fb::Buffer buf{ptd_.data, size_t(fb_end), diag};
  ETB_TRY(fb::Table root, fb::Table::root(buf, schema::kFlatTensor, "FlatTensor"));
  ETB_TRY(fb::TableVector entries, root.tables(2, schema::kNamedData, "FlatTensor.named_data", false));
  ETB_TRY(fb::TableVector segments, root.tables(1, schema::kDataSegment, "FlatTensor.segments", false));
  for (uint32_t i = 0; i < entries.size(); i++) {
    ETB_TRY(fb::Table entry, entries[i]);
    ETB_TRY(StringView k, entry.string(0, "FlatTensor.named_data.key", true));
    if (!same(k, key)) continue;
    uint32_t index = entry.scalar<uint32_t>(1, 0);
    if (index >= segments.size()) {
      return fail(diag, Error::InvalidExternalData, "named data '%.*s' names segment %u of %u", int(key.size),
                  key.data, index, segments.size());
    }
    ETB_TRY(fb::Table seg, segments[index]);
    uint64_t offset = seg.scalar<uint64_t>(0, 0), size = seg.scalar<uint64_t>(1, 0);
    uint64_t start = ptd_segment_base_ + offset;
    if (offset > ptd_.size || start > ptd_.size || size > ptd_.size - start) {
      return fail(diag, Error::InvalidExternalData, "named data '%.*s' segment lies outside the .ptd file",
                  int(key.size), key.data);
    }
    return Span<const uint8_t>(ptd_.data + start, size_t(size));
  }
  return fail(diag, Error::NotFound, "named data '%.*s' not found", int(key.size), key.data);
}

Result<Span<const uint8_t>> Program::named_data(StringView key, Diag* diag) const {
  ETB_TRY(fb::Table r, root(diag));
  ETB_TRY(fb::TableVector entries, r.tables(schema::program::kNamedData, schema::kNamedData,
                                            "Program.named_data", false));
  for (uint32_t i = 0; i < entries.size(); i++) {
    ETB_TRY(fb::Table entry, entries[i]);
    ETB_TRY(StringView k, entry.string(0, "Program.named_data.key", true));
    if (!same(k, key)) continue;
    ETB_TRY(FreeableBuffer bytes, segment(entry.scalar<uint32_t>(1, 0), diag));
    return Span<const uint8_t>(bytes.data, bytes.size);
  }
  return ptd_lookup(key, diag);
}

}  // namespace etb

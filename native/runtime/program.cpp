#include "runtime/program.h"

#include <string.h>

#include "runtime/schema.h"

namespace etb {
namespace {

constexpr size_t kHeadBytes = 64;
constexpr uint32_t kMinHeaderLength = 24;

uint64_t read_u64(const uint8_t* p) {
  uint64_t v;
  memcpy(&v, p, 8);
  return v;
}

uint32_t read_u32(const uint8_t* p) {
  uint32_t v;
  memcpy(&v, p, 4);
  return v;
}

// Bytes [offset, offset + size) of a view, bounds and overflow checked.
bool sub_range(uint64_t offset, uint64_t size, uint64_t total) { return offset <= total && size <= total - offset; }

}  // namespace

Result<ProgramHeader> parse_program_header(const uint8_t* head, size_t head_size, size_t file_size,
                                           Diag* diag) {
  ProgramHeader h;
  h.program_size = file_size;
  if (head_size < 12 || memcmp(head + 8, "eh00", 4) != 0) return h;
  if (head_size < 32) {
    return fail(diag, Error::InvalidProgram, "extended header at offset 8 is truncated (file has %zu bytes)",
                file_size);
  }
  h.present = true;
  h.length = read_u32(head + 12);
  if (h.length < kMinHeaderLength) {
    return fail(diag, Error::InvalidProgram, "extended header length %u at offset 12 is below the minimum of %u",
                h.length, kMinHeaderLength);
  }
  h.program_size = read_u64(head + 16);
  h.segment_base_offset = read_u64(head + 24);
  h.segment_data_size = h.length >= 32 && head_size >= 40 ? read_u64(head + 32) : 0;
  if (h.program_size < 8 + uint64_t(h.length) || h.program_size > file_size) {
    return fail(diag, Error::InvalidProgram,
                "extended header program_size %llu (offset 16) is outside the %zu-byte file",
                static_cast<unsigned long long>(h.program_size), file_size);
  }
  if (h.segment_base_offset != 0 && h.segment_base_offset < h.program_size) {
    return fail(diag, Error::InvalidProgram,
                "extended header segment_base_offset %llu (offset 24) lies inside the program data (%llu bytes)",
                static_cast<unsigned long long>(h.segment_base_offset),
                static_cast<unsigned long long>(h.program_size));
  }
  uint64_t required = h.segment_base_offset == 0 ? h.program_size : h.segment_base_offset + h.segment_data_size;
  if (h.segment_data_size > file_size || required > file_size) {
    return fail(diag, Error::InvalidProgram,
                "file is truncated: the extended header needs %llu bytes, the file has %zu",
                static_cast<unsigned long long>(required), file_size);
  }
  return h;
}

Result<Program> Program::load(DataLoader* loader, DataLoader* external_data, Diag* diag) {
  Program p;
  p.loader_ = loader;
  p.file_size_ = loader->size();
  if (p.file_size_ < 8) {
    return fail(diag, Error::InvalidProgram, "file of %zu bytes is too small to be a program", p.file_size_);
  }
  ETB_TRY(FreeableBuffer head, loader->load(0, p.file_size_ < kHeadBytes ? p.file_size_ : kHeadBytes, diag));
  if (memcmp(head.data + 4, "ET12", 4) != 0) {
    if (head.data[4] == 'E' && head.data[5] == 'T') {
      return fail(diag, Error::InvalidProgram,
                  "file identifier '%.4s' at offset 4: an ExecuTorch program of an incompatible version (need ET12)",
                  reinterpret_cast<const char*>(head.data + 4));
    }
    return fail(diag, Error::InvalidProgram, "file identifier at offset 4 is not ET12: not an ExecuTorch program");
  }
  ETB_TRY(p.header_, parse_program_header(head.data, head.size, p.file_size_, diag));
  head.release();
  ETB_TRY(p.program_data_, loader->load(0, size_t(p.header_.program_size), diag));
  if (reinterpret_cast<uintptr_t>(p.program_data_.data) % 16 != 0) {
    return fail(diag, Error::InvalidArgument, "program bytes must be 16-byte aligned in memory");
  }
  uint32_t root_offset = read_u32(p.program_data_.data);
  uint64_t header_end = p.header_.present ? 8 + uint64_t(p.header_.length) : 8;
  if (root_offset < header_end || uint64_t(root_offset) + 4 > p.header_.program_size) {
    return fail(diag, Error::InvalidProgram, "root table offset 0x%x at offset 0 is outside the program data [0x%llx, 0x%llx)",
                root_offset, static_cast<unsigned long long>(header_end),
                static_cast<unsigned long long>(p.header_.program_size));
  }
  ETB_TRY(fb::Table root, p.root(diag));
  ETB_TRY(fb::TableVector plans, root.tables(schema::program::kExecutionPlan, schema::kExecutionPlan,
                                             "Program.execution_plan", true));
  for (uint32_t i = 0; i < plans.size(); i++) {
    ETB_TRY(fb::Table plan, plans[i]);
    ETB_TRY(StringView name, plan.string(schema::plan::kName, "ExecutionPlan.name", true));
    (void)name;
  }
  ETB_RETURN_IF_ERROR(p.load_constants(root, diag));
  if (external_data != nullptr) ETB_RETURN_IF_ERROR(p.load_external(external_data, diag));
  return Result<Program>(static_cast<Program&&>(p));
}

Result<fb::Table> Program::root(Diag* diag) const {
  fb::Buffer buf{program_data_.data, program_data_.size, diag};
  return fb::Table::root(buf, schema::kProgram, "Program");
}

Result<uint32_t> Program::num_methods(Diag* diag) const {
  ETB_TRY(fb::Table r, root(diag));
  ETB_TRY(fb::TableVector plans, r.tables(schema::program::kExecutionPlan, schema::kExecutionPlan,
                                          "Program.execution_plan", true));
  return plans.size();
}

Result<StringView> Program::method_name(uint32_t index, Diag* diag) const {
  ETB_TRY(fb::Table r, root(diag));
  ETB_TRY(fb::TableVector plans, r.tables(schema::program::kExecutionPlan, schema::kExecutionPlan,
                                          "Program.execution_plan", true));
  ETB_TRY(fb::Table plan, plans[index]);
  return plan.string(schema::plan::kName, "ExecutionPlan.name", true);
}

Result<fb::Table> Program::plan(const char* name, Diag* diag) const {
  ETB_TRY(fb::Table r, root(diag));
  ETB_TRY(fb::TableVector plans, r.tables(schema::program::kExecutionPlan, schema::kExecutionPlan,
                                          "Program.execution_plan", true));
  for (uint32_t i = 0; i < plans.size(); i++) {
    ETB_TRY(fb::Table plan, plans[i]);
    ETB_TRY(StringView n, plan.string(schema::plan::kName, "ExecutionPlan.name", true));
    if (n.equals(name)) return plan;
  }
  return fail(diag, Error::NotFound, "the program has no method named '%s'", name);
}

Error Program::load_constants(const fb::Table& root, Diag* diag) {
  auto seg = root.table(schema::program::kConstantSegment, schema::kSubsegmentOffsets,
                        "Program.constant_segment", false);
  if (!seg.ok()) return seg.error();
  if (seg->is_null()) return Error::Ok;
  auto offsets = seg->vector<uint64_t>(1, "Program.constant_segment.offsets", false);
  if (!offsets.ok()) return offsets.error();
  if (offsets->size() <= 1) return Error::Ok;  // only the placeholder: no constants in a segment
  auto legacy = root.tables(schema::program::kConstantBuffer, schema::kOneOffset, "Program.constant_buffer", false);
  if (!legacy.ok()) return legacy.error();
  if (legacy->size() != 0) {
    return fail(diag, Error::InvalidProgram,
                "Program.constant_buffer must be empty when Program.constant_segment has offsets");
  }
  uint32_t index = seg->scalar<uint32_t>(0, 0);
  auto bytes = segment(index, diag);
  if (!bytes.ok()) return bytes.error();
  constant_segment_ = *bytes;
  has_constant_segment_ = true;
  return Error::Ok;
}

Result<FreeableBuffer> Program::segment(uint32_t index, Diag* diag) const {
  ETB_TRY(fb::Table r, root(diag));
  ETB_TRY(fb::TableVector segments, r.tables(schema::program::kSegments, schema::kDataSegment,
                                             "Program.segments", false));
  if (index >= segments.size()) {
    return fail(diag, Error::InvalidProgram, "segment index %u is out of range (the program has %u segments)", index,
                segments.size());
  }
  ETB_TRY(fb::Table s, segments[index]);
  uint64_t offset = s.scalar<uint64_t>(0, 0);
  uint64_t size = s.scalar<uint64_t>(1, 0);
  // A program whose segments are all empty (say, its only constant has zero
  // elements) is written without segment data, as the exporter does.
  if (size == 0) return loader_->load(0, 0, diag);
  if (header_.segment_base_offset == 0) {
    return fail(diag, Error::InvalidProgram, "segment %u is referenced but the file has no segment data", index);
  }
  uint64_t base = header_.segment_base_offset;
  if (offset > file_size_ || !sub_range(base + offset, size, file_size_)) {
    return fail(diag, Error::InvalidProgram,
                "segment %u (offset %llu, size %llu) lies outside the %zu-byte file (segments start at %llu)", index,
                static_cast<unsigned long long>(offset), static_cast<unsigned long long>(size), file_size_,
                static_cast<unsigned long long>(base));
  }
  return loader_->load(size_t(base + offset), size_t(size), diag);
}

Result<const uint8_t*> Program::constant_data(uint32_t index, size_t nbytes, Diag* diag) const {
  ETB_TRY(fb::Table r, root(diag));
  if (has_constant_segment_) {
    ETB_TRY(fb::Table seg, r.table(schema::program::kConstantSegment, schema::kSubsegmentOffsets,
                                   "Program.constant_segment", true));
    ETB_TRY(fb::Vector<uint64_t> offsets, seg.vector<uint64_t>(1, "Program.constant_segment.offsets", true));
    if (index >= offsets.size()) {
      return fail(diag, Error::InvalidProgram, "data_buffer_idx %u is out of range (%u constant offsets)", index,
                  offsets.size());
    }
    uint64_t offset = offsets[index];
    if (!sub_range(offset, nbytes, constant_segment_.size)) {
      return fail(diag, Error::InvalidProgram,
                  "constant %u (%zu bytes at offset %llu) overruns the %zu-byte constant segment", index, nbytes,
                  static_cast<unsigned long long>(offset), constant_segment_.size);
    }
    return constant_segment_.data + offset;
  }
  ETB_TRY(fb::TableVector buffers, r.tables(schema::program::kConstantBuffer, schema::kOneOffset,
                                            "Program.constant_buffer", false));
  if (index >= buffers.size()) {
    return fail(diag, Error::InvalidProgram, "data_buffer_idx %u is out of range (%u constant buffers)", index,
                buffers.size());
  }
  ETB_TRY(fb::Table buffer, buffers[index]);
  ETB_TRY(fb::Vector<uint8_t> storage, buffer.vector<uint8_t>(0, "Buffer.storage", false));
  if (storage.size() < nbytes) {
    return fail(diag, Error::InvalidProgram, "constant buffer %u holds %u bytes, the tensor needs %zu", index,
                storage.size(), nbytes);
  }
  return storage.raw();
}

Result<const uint8_t*> Program::mutable_data(uint32_t index, size_t nbytes, Diag* diag) const {
  ETB_TRY(fb::Table r, root(diag));
  ETB_TRY(fb::TableVector segs, r.tables(schema::program::kMutableDataSegments, schema::kSubsegmentOffsets,
                                         "Program.mutable_data_segments", false));
  if (segs.size() == 0) {
    return fail(diag, Error::InvalidProgram, "a planned tensor has initial data %u but the program has no mutable_data_segments",
                index);
  }
  ETB_TRY(fb::Table seg, segs[0]);
  ETB_TRY(fb::Vector<uint64_t> offsets, seg.vector<uint64_t>(1, "Program.mutable_data_segments[0].offsets", true));
  if (index >= offsets.size()) {
    return fail(diag, Error::InvalidProgram, "mutable data index %u is out of range (%u offsets)", index,
                offsets.size());
  }
  ETB_TRY(FreeableBuffer bytes, segment(seg.scalar<uint32_t>(0, 0), diag));
  if (!sub_range(offsets[index], nbytes, bytes.size)) {
    return fail(diag, Error::InvalidProgram, "mutable data %u (%zu bytes) overruns its %zu-byte segment", index,
                nbytes, bytes.size);
  }
  return bytes.data + offsets[index];
}

}  // namespace etb

// Program: a verified, loaded ExecuTorch program (`.pte`, identifier ET12).
//
//   etb::Diag diag;
//   auto loader = etb::MmapDataLoader::open(path, &diag);
//   auto program = etb::Program::load(&*loader, /*external_data=*/nullptr, &diag);
//   if (!program.ok()) { report(program.error(), diag.message); }
//   auto meta = program->method_meta("forward", &diag);      // sizes of planned buffers
//   auto method = etb::Method::load(*program, "forward", config, &diag);
//
// The loader (and the optional `.ptd` loader) are not owned and must outlive
// the Program; a Program must outlive its Methods. Every byte is treated as
// hostile: the header, the flatbuffer structure and every offset or size are
// checked before use, and failures name the field and offset in the Diag.
#pragma once
#include <stddef.h>
#include <stdint.h>

#include "runtime/data_loader.h"
#include "runtime/diag.h"
#include "runtime/fb_reader.h"
#include "runtime/result.h"
#include "runtime/span.h"

namespace etb {

// The optional `eh00` extended header (pte-format.md section 1.2).
struct ProgramHeader {
  bool present = false;
  uint32_t length = 0;
  uint64_t program_size = 0;
  uint64_t segment_base_offset = 0;
  uint64_t segment_data_size = 0;
};

// Parses the extended header from the first bytes of a file of `file_size`
// bytes; absent header -> present=false, program_size=file_size.
Result<ProgramHeader> parse_program_header(const uint8_t* head, size_t head_size, size_t file_size,
                                           Diag* diag);

class Program {
 public:
  static Result<Program> load(DataLoader* loader, DataLoader* external_data, Diag* diag);

  // The root table, re-derived so that errors land in `diag` (not retained).
  Result<fb::Table> root(Diag* diag) const;
  Result<uint32_t> num_methods(Diag* diag) const;
  Result<StringView> method_name(uint32_t index, Diag* diag) const;
  // The ExecutionPlan table of the method named `name` (NotFound if absent).
  Result<fb::Table> plan(const char* name, Diag* diag) const;

  const ProgramHeader& header() const { return header_; }
  size_t file_size() const { return file_size_; }

  // Constant tensor bytes for data_buffer_idx `index`, at least `nbytes` long.
  Result<const uint8_t*> constant_data(uint32_t index, size_t nbytes, Diag* diag) const;
  // Initial bytes of a planned mutable tensor (mutable_data_segments[0]).
  Result<const uint8_t*> mutable_data(uint32_t index, size_t nbytes, Diag* diag) const;
  // Segment `index`, bounds checked against the file.
  Result<FreeableBuffer> segment(uint32_t index, Diag* diag) const;
  // Named data from the program or the external `.ptd` (key collisions are
  // rejected at load). NotFound when the key is in neither.
  Result<Span<const uint8_t>> named_data(StringView key, Diag* diag) const;

 private:
  Result<Span<const uint8_t>> ptd_lookup(StringView key, Diag* diag) const;
  Error load_constants(const fb::Table& root, Diag* diag);
  Error load_external(DataLoader* external, Diag* diag);

  DataLoader* loader_ = nullptr;
  FreeableBuffer program_data_;
  size_t file_size_ = 0;
  ProgramHeader header_;
  FreeableBuffer constant_segment_;  // empty when constants are inline or absent
  bool has_constant_segment_ = false;
  // External data (.ptd): whole file view and where its segments start.
  FreeableBuffer ptd_;
  uint64_t ptd_segment_base_ = 0;
};

}  // namespace etb

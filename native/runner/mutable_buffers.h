// A method's mutable buffers: planned tensors that keep their value from one
// execute to the next (a language model's KV caches). A program may mark them
// by an initial value in Program.mutable_data_segments (copied in when a method
// loads) or by a fully qualified name (ExtraTensorInfo, when the exporter emits
// buffer names); ExecuTorch's default export does neither ("buffers that are
// mutated have a meaningless initial state"), so a planned tensor that the
// instruction stream reads before it writes it (operator schemas say which
// arguments are written) counts too: it carries the previous execute's value.
//
//   MutableBuffers kv;
//   if (find_mutable_buffers(session, &kv, &diag) != Error::Ok) ...;
//   kv.total_bytes;                  // the KV-cache memory
//   reset_mutable_buffers(session, kv, &diag);   // back to their state at load
#pragma once
#include <stddef.h>
#include <stdint.h>

#include <vector>

#include "runner/session.h"

namespace etb {
namespace runner {

struct MutableBuffer {
  uint32_t value = 0;           // index in the method's value table
  uint32_t memory_id = 0;       // planned arena, 1-based as in the program
  uint64_t offset = 0;
  size_t nbytes = 0;
  const uint8_t* initial = nullptr;  // the stored initial value; null: starts zeroed
};

struct MutableBuffers {
  std::vector<MutableBuffer> buffers;  // distinct (memory_id, offset) places
  uint64_t total_bytes = 0;
};

// Scans the loaded method of `s` (after load_method).
Error find_mutable_buffers(const Session& s, MutableBuffers* out, Diag* diag);
// Puts every buffer back to its state at load: its initial value, or zeros (etrun's arenas
// start zeroed). Cheaper than reloading the method, which would also redo delegate init.
Error reset_mutable_buffers(const Session& s, const MutableBuffers& m, Diag* diag);

}  // namespace runner
}  // namespace etb

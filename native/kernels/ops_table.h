// The operator table generated from ops.yaml: what this build can run, for
// `etrun --capabilities` and the Node binding.
#pragma once
#include <stddef.h>

namespace etb {

struct OpInfo {
  const char* name;    // "aten::add.out"
  const char* schema;  // ATen-style schema
  const char* sets;    // comma-separated kernel sets: "portable", "prim", ...
  const char* dtypes;  // comma-separated PyTorch dtype names; empty for prim ops
};

extern const OpInfo kOps[];
extern const size_t kNumOps;

}  // namespace etb

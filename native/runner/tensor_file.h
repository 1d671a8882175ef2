// Tensors in JSON files: `--inputs FILE` and `--expected FILE` both read a list of
// {dtype, shape, data} tensors (runner-contract.md), either bare or under a key of an object
// (the runner's own document keeps its outputs under "outputs").
#pragma once
#include <string>
#include <vector>

#include "runner/session.h"

namespace etb {
namespace runner {

// Reads the tensors of `path`: the file is a list, or an object holding the list under `key`.
// `what` names a tensor in messages ("input", "expected output"). False with a message naming
// the file and the tensor on any problem.
bool read_tensor_file(const std::string& path, const char* key, const char* what, std::vector<TensorData>* out,
                      std::string* error);

}  // namespace runner
}  // namespace etb

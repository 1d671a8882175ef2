#include "runner/expected.h"

#include <stdio.h>

#include "runtime/bundled.h"

namespace etb {
namespace runner {
namespace {

// One output against its expected tensor: both are logical row-major, so the actual one is
// viewed as a contiguous tensor and compared with compare_tensor like a bundled output.
OutputCheck check_one(const TensorData& got, const TensorData& want, double rtol, double atol) {
  OutputCheck c;
  if (got.dtype != want.dtype || got.shape != want.shape || got.bytes.size() != want.bytes.size()) {
    c.reason = "dtype or shape differs from the expected output";
    return c;
  }
  if (got.shape.size() > size_t(kMaxTensorRank)) {
    c.reason = "rank beyond the runtime's limit";
    return c;
  }
  int32_t sizes[kMaxTensorRank];
  uint8_t order[kMaxTensorRank];
  for (size_t d = 0; d < got.shape.size(); d++) {
    sizes[d] = got.shape[d];
    order[d] = uint8_t(d);
  }
  Tensor view;
  view.dtype = got.dtype;
  view.dim = int32_t(got.shape.size());
  view.sizes = sizes;
  view.dim_order = order;
  view.data = const_cast<uint8_t*>(got.bytes.data());
  view.capacity = got.bytes.size();
  return compare_tensor(view, want.bytes.data(), rtol, atol);
}

}  // namespace

bool check_expected(const std::vector<TensorData>& got, const std::vector<TensorData>& want, double rtol, double atol,
                    std::vector<CorrectnessEntry>* entries, bool* all_pass, std::string* error) {
  if (got.size() != want.size()) {
    *error = "the expected outputs hold " + std::to_string(want.size()) + " tensors, the method returns " +
             std::to_string(got.size());
    return false;
  }
  size_t before = entries->size();  // entries of bundled cases checked earlier
  if (entries->size() < got.size()) entries->resize(got.size());
  for (size_t k = 0; k < got.size(); k++) {
    OutputCheck c = check_one(got[k], want[k], rtol, atol);
    CorrectnessEntry& e = (*entries)[k];
    bool merge = k < before;
    e.output = k;
    e.pass = (merge ? e.pass : true) && c.pass;
    if (c.max_abs_err > e.max_abs_err) e.max_abs_err = c.max_abs_err;
    if (c.max_rel_err > e.max_rel_err) e.max_rel_err = c.max_rel_err;
    if (!merge || c.cosine < e.cosine) e.cosine = c.cosine;
    if (!c.pass) {
      *all_pass = false;
      fprintf(stderr, "etrun: expected output %zu: %s (max abs err %g)\n", k, c.reason, c.max_abs_err);
    }
  }
  return true;
}

}  // namespace runner
}  // namespace etb

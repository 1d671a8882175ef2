// Seeded random inputs (runner-contract.md "Seeded random inputs"): the same
// values on every platform, generated in logical row-major order.
#pragma once
#include <stdint.h>

#include <vector>

#include "runner/session.h"

namespace etb {
namespace runner {

// SplitMix64.
class SplitMix64 {
 public:
  explicit SplitMix64(uint64_t seed) : state_(seed) {}
  uint64_t next() {
    uint64_t z = (state_ += 0x9e3779b97f4a7c15ull);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
    return z ^ (z >> 31);
  }

 private:
  uint64_t state_;
};

// Fills `t` (dtype and shape set) with the next values of `rng`.
void fill_random(TensorData& t, SplitMix64& rng);

// Converts logical row-major bytes to the memory order of `dim_order` and back.
std::vector<uint8_t> to_memory_order(const TensorData& t, const std::vector<uint8_t>& dim_order);
std::vector<uint8_t> from_memory_order(const uint8_t* data, ScalarType dtype, const std::vector<int32_t>& shape,
                                       const std::vector<uint8_t>& dim_order);

}  // namespace runner
}  // namespace etb

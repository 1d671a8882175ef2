// Seeded mutations of program bytes for the hostile corpus (hostile_main.cpp).
// Deterministic: the same bytes, kind and seed give the same result and the
// same description on every platform.
//
//   std::vector<uint8_t> bytes = fixture;
//   std::string what;
//   const char* kind = mutate(bytes, MutationKind::Huge, case_seed(1, hash, 7), &what);
//   // what == "u32 @0x1f4: 0x00000003 -> 0xffffffff" (offsets and values in hex)
#pragma once
#include <stdint.h>

#include <string>
#include <vector>

namespace etb {
namespace fuzz {

enum class MutationKind : uint32_t {
  Flip,      // 1-4 single-bit flips at random offsets
  Bytes,     // 1-8 random bytes at random offsets, or one random run of 1-16
  Index,     // an out-of-range int32 at a 4-aligned offset (mostly one holding a small int)
  Huge,      // 0x7fffffff / 0xffffffff / 2^31 (u32) or huge u64s, incl. the eh00 header fields
  Ident,     // a 4-byte file identifier (ET12, BP08, eh00, XN01, FT01...) replaced by another
  Truncate,  // a random prefix, then one of the kinds above
};
constexpr uint32_t kNumMutationKinds = 6;

// The seed of mutation `index` of the fixture whose name hashes to `name_hash`.
uint64_t case_seed(uint64_t seed, uint64_t name_hash, uint32_t index);

// Mutates `bytes` in place; returns the kind's name and appends a hex
// description of every change to `description`.
const char* mutate(std::vector<uint8_t>& bytes, MutationKind kind, uint64_t seed, std::string* description);

}  // namespace fuzz
}  // namespace etb

#include "fuzz/mutate.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "runner/inputs.h"

namespace etb {
namespace fuzz {
namespace {

using runner::SplitMix64;

const char* const kIdentifiers[] = {"ET12", "ET11", "ET13", "EX12", "BP08", "BP07", "eh00", "eh01",
                                    "XN00", "XN01", "FT01", "FH01", "\0\0\0\0", "ET\xff\xff"};
constexpr size_t kNumIdentifiers = sizeof(kIdentifiers) / sizeof(kIdentifiers[0]);
// Identifiers worth finding in a file (the ones real files contain).
const char* const kFindable[] = {"ET12", "BP08", "eh00", "XN00", "XN01", "FT01", "FH01"};

void appendf(std::string* s, const char* fmt, ...) __attribute__((format(printf, 2, 3)));
void appendf(std::string* s, const char* fmt, ...) {
  char buf[160];
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(buf, sizeof(buf), fmt, ap);
  va_end(ap);
  if (!s->empty()) *s += "; ";
  *s += buf;
}

uint32_t load32(const std::vector<uint8_t>& b, size_t at) {
  uint32_t v;
  memcpy(&v, b.data() + at, 4);
  return v;
}

void store32(std::vector<uint8_t>& b, size_t at, uint32_t v) { memcpy(b.data() + at, &v, 4); }

uint64_t load64(const std::vector<uint8_t>& b, size_t at) {
  uint64_t v;
  memcpy(&v, b.data() + at, 8);
  return v;
}

void store64(std::vector<uint8_t>& b, size_t at, uint64_t v) { memcpy(b.data() + at, &v, 8); }

void flip(std::vector<uint8_t>& b, SplitMix64& rng, std::string* d) {
  uint32_t n = 1 + rng.next() % 4;
  for (uint32_t i = 0; i < n; i++) {
    size_t at = rng.next() % b.size();
    uint8_t bit = uint8_t(1u << (rng.next() % 8));
    b[at] ^= bit;
    appendf(d, "flip @0x%zx ^0x%02x", at, bit);
  }
}

void random_bytes(std::vector<uint8_t>& b, SplitMix64& rng, std::string* d) {
  if (rng.next() % 2 == 0) {
    uint32_t n = 1 + rng.next() % 8;
    for (uint32_t i = 0; i < n; i++) {
      size_t at = rng.next() % b.size();
      uint8_t v = uint8_t(rng.next());
      appendf(d, "byte @0x%zx: 0x%02x -> 0x%02x", at, b[at], v);
      b[at] = v;
    }
    return;
  }
  size_t at = rng.next() % b.size();
  size_t len = 1 + rng.next() % 16;
  if (len > b.size() - at) len = b.size() - at;
  std::string hex;
  for (size_t i = 0; i < len; i++) {
    b[at + i] = uint8_t(rng.next());
    char h[3];
    snprintf(h, sizeof(h), "%02x", b[at + i]);
    hex += h;
  }
  appendf(d, "run @0x%zx = %s", at, hex.c_str());
}

// A 4-aligned offset, preferring ones that hold a small positive int32
// (indices, counts and offsets) when `prefer_small`.
bool aligned_offset(const std::vector<uint8_t>& b, SplitMix64& rng, bool prefer_small, size_t width, size_t* at) {
  if (b.size() < width) return false;
  size_t slots = (b.size() - width) / 4 + 1;
  if (prefer_small) {
    for (int tries = 0; tries < 64; tries++) {
      size_t cand = (rng.next() % slots) * 4;
      uint32_t v = load32(b, cand);
      if (v > 0 && v < 4096) {
        *at = cand;
        return true;
      }
    }
  }
  *at = (rng.next() % slots) * 4;
  return true;
}

void index_i32(std::vector<uint8_t>& b, SplitMix64& rng, std::string* d) {
  size_t at;
  if (!aligned_offset(b, rng, rng.next() % 4 != 0, 4, &at)) return flip(b, rng, d);
  uint32_t old = load32(b, at);
  uint32_t choices[] = {0xffffffffu, 0xfffffffeu, 0x80000000u, old + 1, old + 2, old * 2 + 1, old + 256,
                        255, 256, 0xffff, 0x10000, 0x7fff, uint32_t(rng.next() % 1024)};
  uint32_t v = choices[rng.next() % (sizeof(choices) / sizeof(choices[0]))];
  store32(b, at, v);
  appendf(d, "i32 @0x%zx: 0x%08x -> 0x%08x", at, old, v);
}

void huge(std::vector<uint8_t>& b, SplitMix64& rng, std::string* d) {
  bool header = b.size() >= 40 && memcmp(b.data() + 8, "eh00", 4) == 0 && rng.next() % 4 == 0;
  if (rng.next() % 3 == 0 || header) {
    static const uint64_t k64[] = {0x80000000ull, 0xffffffffull, 0x1900000000ull /* 100 GiB */,
                                   0x7fffffffffffffffull, 0xffffffffffffffffull, 0x100000000ull};
    size_t at;
    if (header) {
      static const size_t kFields[] = {16, 24, 32};  // program_size, segment_base_offset, segment_data_size
      at = kFields[rng.next() % 3];
    } else if (b.size() >= 8) {
      at = (rng.next() % ((b.size() - 8) / 8 + 1)) * 8;
    } else {
      return flip(b, rng, d);
    }
    uint64_t old = load64(b, at), v = k64[rng.next() % (sizeof(k64) / sizeof(k64[0]))];
    store64(b, at, v);
    appendf(d, "u64 @0x%zx: 0x%llx -> 0x%llx", at, static_cast<unsigned long long>(old),
            static_cast<unsigned long long>(v));
    return;
  }
  size_t at;
  if (!aligned_offset(b, rng, rng.next() % 2 == 0, 4, &at)) return flip(b, rng, d);
  static const uint32_t k32[] = {0x7fffffffu, 0xffffffffu, 0x80000000u};
  uint32_t old = load32(b, at), v = k32[rng.next() % 3];
  store32(b, at, v);
  appendf(d, "u32 @0x%zx: 0x%08x -> 0x%08x", at, old, v);
}

void ident(std::vector<uint8_t>& b, SplitMix64& rng, std::string* d) {
  if (b.size() < 8) return flip(b, rng, d);
  std::vector<size_t> found;
  for (size_t at = 0; at + 4 <= b.size(); at++) {
    for (const char* id : kFindable) {
      if (memcmp(b.data() + at, id, 4) == 0) found.push_back(at);
    }
  }
  size_t at = found.empty() ? 4 : found[rng.next() % found.size()];
  const char* id = kIdentifiers[rng.next() % kNumIdentifiers];
  if (memcmp(b.data() + at, id, 4) == 0) id = kIdentifiers[(rng.next() % (kNumIdentifiers - 1) + 1) % kNumIdentifiers];
  appendf(d, "ident @0x%zx: %02x%02x%02x%02x -> %02x%02x%02x%02x", at, b[at], b[at + 1], b[at + 2], b[at + 3],
          uint8_t(id[0]), uint8_t(id[1]), uint8_t(id[2]), uint8_t(id[3]));
  memcpy(b.data() + at, id, 4);
}

}  // namespace

uint64_t case_seed(uint64_t seed, uint64_t name_hash, uint32_t index) {
  SplitMix64 rng(seed ^ name_hash ^ (uint64_t(index) * 0x9e3779b97f4a7c15ull));
  return rng.next();
}

const char* mutate(std::vector<uint8_t>& bytes, MutationKind kind, uint64_t seed, std::string* description) {
  SplitMix64 rng(seed);
  if (bytes.empty()) return "empty";
  switch (kind) {
    case MutationKind::Flip: flip(bytes, rng, description); return "flip";
    case MutationKind::Bytes: random_bytes(bytes, rng, description); return "bytes";
    case MutationKind::Index: index_i32(bytes, rng, description); return "index";
    case MutationKind::Huge: huge(bytes, rng, description); return "huge";
    case MutationKind::Ident: ident(bytes, rng, description); return "ident";
    case MutationKind::Truncate: {
      size_t len = 1 + rng.next() % bytes.size();
      appendf(description, "truncate to 0x%zx", len);
      bytes.resize(len);
      mutate(bytes, MutationKind(rng.next() % (kNumMutationKinds - 1)), rng.next(), description);
      return "truncate";
    }
  }
  return "?";
}

}  // namespace fuzz
}  // namespace etb

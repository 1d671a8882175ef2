// Test helpers: read a shared fixture into 64-byte aligned memory.
#pragma once
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <string>
#include <vector>

namespace testing_util {

// Path of ../shared/fixtures/<rel> relative to the repository (ETB_REPO, set
// by native/build.mjs --run, or the current directory).
inline std::string fixture_path(const char* rel) {
  const char* repo = getenv("ETB_REPO");
  return std::string(repo ? repo : ".") + "/../shared/fixtures/" + rel;
}

struct AlignedBytes {
  std::vector<uint8_t> storage;
  uint8_t* data = nullptr;
  size_t size = 0;
};

inline bool read_fixture(const char* rel, AlignedBytes* out) {
  FILE* f = fopen(fixture_path(rel).c_str(), "rb");
  if (!f) return false;
  fseek(f, 0, SEEK_END);
  long n = ftell(f);
  fseek(f, 0, SEEK_SET);
  out->storage.assign(size_t(n) + 64, 0);
  uintptr_t base = reinterpret_cast<uintptr_t>(out->storage.data());
  out->data = out->storage.data() + (64 - base % 64) % 64;
  out->size = size_t(n);
  bool ok = fread(out->data, 1, out->size, f) == out->size;
  fclose(f);
  return ok;
}

}  // namespace testing_util

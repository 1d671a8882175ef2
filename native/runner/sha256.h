// SHA-256 of a byte range, as lowercase hex (the program's identity in results).
#pragma once
#include <stddef.h>
#include <stdint.h>

#include <string>

namespace etb {
namespace runner {

std::string sha256_hex(const uint8_t* data, size_t size);

}  // namespace runner
}  // namespace etb

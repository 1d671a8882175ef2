// The inputs file the host wrapper (native/mcu/host.ts) writes for
// `--inputs FILE`: etrun's JSON form ({dtype, shape, data} per input)
// converted to bytes, because the firmware has no JSON reader. Little-endian:
//
//   "ETI1"  u32 count
//   count x { u32 dtype (ScalarType), u32 rank, u32 sizes[rank], u32 nbytes,
//             nbytes of data in logical row-major order, zero padding to 4 }
//
// or, when the host could not convert the file (bad JSON, unknown dtype):
//
//   "ETIE"  u32 length  length bytes of message      -> exit 3 with it
#pragma once
#include <stdint.h>

namespace mcu {

constexpr uint32_t kInputFileMagic = 0x31495445;       // "ETI1"
constexpr uint32_t kInputFileErrorMagic = 0x45495445;  // "ETIE"

}  // namespace mcu

// Error codes of the etbench runtime. The numeric values equal ExecuTorch's
// (runtime/core/error.h) so that logs and tools from both worlds agree.
// Errors are values: every fallible call returns Error or Result<T>.
#pragma once
#include <stdint.h>

namespace etb {

enum class Error : uint32_t {
  Ok = 0x00,
  Internal = 0x01,
  InvalidState = 0x02,
  EndOfMethod = 0x03,
  AlreadyLoaded = 0x04,
  // Unsupported features.
  NotSupported = 0x10,
  NotImplemented = 0x11,
  InvalidArgument = 0x12,
  InvalidType = 0x13,
  OperatorMissing = 0x14,
  RegistrationExceedingMaxKernels = 0x15,
  RegistrationAlreadyRegistered = 0x16,
  // Resources.
  NotFound = 0x20,
  MemoryAllocationFailed = 0x21,
  AccessFailed = 0x22,
  InvalidProgram = 0x23,
  InvalidExternalData = 0x24,
  OutOfResources = 0x25,
  // Delegates.
  DelegateInvalidCompatibility = 0x30,
  DelegateMemoryAllocationFailed = 0x31,
  DelegateInvalidHandle = 0x32,
};

// Stable name of an error code, e.g. "InvalidProgram". Never null.
const char* error_name(Error e);

}  // namespace etb

#include "runner/exit_codes.h"

namespace etb {
namespace runner {

int exit_code_for(Error e, bool at_execute) {
  switch (e) {
    case Error::Ok: return kExitOk;
    case Error::OperatorMissing:
    case Error::NotSupported:
    case Error::NotImplemented: return kExitUnsupported;
    case Error::MemoryAllocationFailed:
    case Error::OutOfResources:
    case Error::DelegateMemoryAllocationFailed: return kExitResourceLimit;
    case Error::InvalidProgram:
    case Error::InvalidType:
    case Error::InvalidExternalData:
    case Error::NotFound:
    case Error::AccessFailed: return kExitBadProgram;
    case Error::InvalidArgument: return at_execute ? kExitRuntimeFailure : kExitBadProgram;
    default: return kExitRuntimeFailure;
  }
}

}  // namespace runner
}  // namespace etb

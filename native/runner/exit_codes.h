// The runner's exit codes (runner-contract.md, "Exit codes") and the one
// mapping from a runtime Error to them. etrun and the hostile-corpus driver
// (native/fuzz/hostile_main.cpp) both use it, so a fuzzed program exits the
// way etrun would.
//
//   Error e = session->load_method(name, &diag);
//   if (e != Error::Ok) return exit_code_for(e, /*at_execute=*/false);
#pragma once
#include "runtime/error.h"

namespace etb {
namespace runner {

enum ExitCode : int {
  kExitOk = 0,
  kExitUsage = 2,
  kExitBadProgram = 3,
  kExitUnsupported = 4,
  kExitRuntimeFailure = 5,
  kExitWrongResult = 6,
  kExitResourceLimit = 7,
};

// The exit code for `e`. `at_execute` says the error came from execute():
// InvalidArgument there is a kernel rejecting its arguments (runtime failure,
// 5), while at load or when setting inputs it is a bad program or input (3).
int exit_code_for(Error e, bool at_execute);

}  // namespace runner
}  // namespace etb

// `--expected FILE`: outputs computed elsewhere for the same program, method and inputs (the
// orchestrator runs the portable kernels on its host with the same seeded inputs for programs
// without bundled outputs), compared with this run's outputs by the bundled-program rule and
// the run's tolerances. The checks join the report's correctness entries.
#pragma once
#include <string>
#include <vector>

#include "runner/report.h"

namespace etb {
namespace runner {

// Compares `got` with `want` output by output and merges the result into `entries` (an output
// passes only if every check of it passed). Sets *all_pass false on any failure, printing why
// to standard error. False with a message when the number of outputs differs (the file belongs
// to another program or method).
bool check_expected(const std::vector<TensorData>& got, const std::vector<TensorData>& want, double rtol, double atol,
                    std::vector<CorrectnessEntry>* entries, bool* all_pass, std::string* error);

}  // namespace runner
}  // namespace etb

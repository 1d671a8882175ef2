// The runner's JSON document, version 1 (runner-contract.md; schema in
// native/runner/result.schema.json). Fields a later feature fills stay null.
#pragma once
#include <stdint.h>

#include <string>
#include <vector>

#include "runner/generate.h"
#include "runner/options.h"
#include "runner/session.h"
#include "runner/stats.h"
#include "runner/sustained.h"

namespace etb {
namespace runner {

struct CorrectnessEntry {
  size_t output = 0;
  bool pass = false;
  double max_abs_err = 0, max_rel_err = 0, cosine = 1;
};

struct Report {
  const Options* options = nullptr;
  std::string program_path, sha256, method, inputs;
  double load_ms = 0, init_ms = 0;
  std::vector<double> samples_ms;
  int batch = 1;
  bool measured = false;
  std::vector<size_t> planned_bytes;
  size_t method_allocator_bytes = 0, temp_allocator_peak_bytes = 0;
  bool has_correctness = false;
  std::vector<CorrectnessEntry> correctness;
  bool print_outputs = false;
  std::vector<TensorData> outputs;
  bool has_profile = false;
  std::vector<InstructionProfile> profile;
  // --generate and --sustained (null in the JSON when not set).
  const GenerationReport* generation = nullptr;
  const SustainedReport* sustained = nullptr;
  int error_code = 0;  // exit code of the error, 0 when none
  std::string error_name, error_message;
};

std::string report_json(const Report& r);
std::string capabilities_json();
// The version string and git hash compiled in (ETB_VERSION / ETB_GIT).
const char* runtime_version();
const char* runtime_git();
// Appends one tensor as {dtype, shape, data}.
class JsonWriter;
void write_tensor(JsonWriter& w, const TensorData& t);

}  // namespace runner
}  // namespace etb

#include "fuzz/exercise.h"

#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include <memory>
#include <string>
#include <vector>

#include "runner/exit_codes.h"
#include "runner/session.h"

namespace etb {
namespace fuzz {
namespace {

constexpr uint32_t kMaxCases = 16;  // bundled cases run per method
constexpr double kRtol = 1e-5, kAtol = 1e-8;  // etrun's defaults

// Bounds what one hostile input may make the session allocate: far above any
// fixture, far below what would swap or trip libFuzzer's malloc limit.
constexpr uint64_t kMemoryLimit = uint64_t(256) << 20;
// No kernel of this build takes scratch memory yet; a small pool keeps a
// load (and with it every fuzz execution) from touching 8 MiB.
constexpr size_t kTempPool = size_t(1) << 20;
// A looping program runs up to this many instructions per execute. etrun's
// 10 million take ~3 s per execute under the sanitizers, and an input is
// executed up to 2 x 17 times, so libFuzzer's 10 s timeout fired on a
// legitimate loop guard (CI, stop 17). The fixtures run at most a few
// thousand instructions per execute.
constexpr uint64_t kMaxInstructions = 100000;

struct Run {
  Outcome o;
  Diag diag;

  Outcome& failed(Stage stage, Error e) {
    o.stage = stage;
    o.error = e;
    o.exit_code = runner::exit_code_for(e, stage == Stage::Execute);
    snprintf(o.message, sizeof(o.message), "%s", diag.has_message ? diag.message : error_name(e));
    return o;
  }
  Outcome& bad_input(const char* message) {
    o.stage = Stage::Inputs;
    o.error = Error::InvalidArgument;
    o.exit_code = runner::kExitBadProgram;
    snprintf(o.message, sizeof(o.message), "%s", message);
    return o;
  }
};

// Inputs, two executes, checks and output reads for the loaded method.
bool run_method(runner::Session& s, ExerciseMode mode, Run& r, bool* wrong) {
  Error e = Error::Ok;
  uint32_t cases = s.is_bundled() ? s.num_cases() : 0;
  if (s.is_bundled() && cases == 0 && mode == ExerciseMode::Runner) {
    r.bad_input("bundled program without test cases for the method");
    return false;
  }
  if (cases > kMaxCases) cases = kMaxCases;
  for (uint32_t c = 0; c < cases; c++) {
    if ((e = s.set_bundled_inputs(c, &r.diag)) != Error::Ok) return r.failed(Stage::Inputs, e), false;
    if ((e = s.execute(&r.diag)) != Error::Ok) return r.failed(Stage::Execute, e), false;
    Error ce = Error::Ok;
    std::vector<OutputCheck> checks = s.check_bundled(c, kRtol, kAtol, &r.diag, &ce);
    if (ce != Error::Ok) return r.failed(Stage::Check, ce), false;
    for (const OutputCheck& k : checks) *wrong = *wrong || !k.pass;
  }
  if (cases == 0 && (e = s.set_random_inputs(0, &r.diag)) != Error::Ok) return r.failed(Stage::Inputs, e), false;
  if (cases == 0 && (e = s.execute(&r.diag)) != Error::Ok) return r.failed(Stage::Execute, e), false;
  // A timed run restores the inputs and executes again on the same memory.
  if ((e = s.restore_inputs(&r.diag)) != Error::Ok) return r.failed(Stage::Restore, e), false;
  if ((e = s.execute(&r.diag)) != Error::Ok) return r.failed(Stage::Execute, e), false;
  volatile uint8_t sink = 0;
  for (const runner::TensorData& t : s.outputs_data()) {
    for (uint8_t b : t.bytes) sink = sink ^ b;
  }
  return true;
}

// Opens the bytes the way etrun opens a file: Session::open_file maps them
// read-only, so a runtime that writes into program memory (a constant, a
// bundled input) faults here as it would in etrun. A memfd holds them;
// without one, open_bytes (a writable copy) is the fallback.
Error open_read_only(const uint8_t* data, size_t size, const runner::SessionOptions& options,
           std::unique_ptr<runner::Session>* out, Diag* diag) {
  int fd = memfd_create("etbench-fuzz-input", MFD_CLOEXEC);
  if (fd < 0) return runner::Session::open_bytes(std::vector<uint8_t>(data, data + size), options, out, diag);
  size_t done = 0;
  while (done < size) {
    ssize_t n = write(fd, data + done, size - done);
    if (n <= 0) break;
    done += size_t(n);
  }
  Error e = done == size ? runner::Session::open_file("/proc/self/fd/" + std::to_string(fd), options, out, diag)
                         : runner::Session::open_bytes(std::vector<uint8_t>(data, data + size), options, out, diag);
  close(fd);  // the mapping, if any, stays valid
  return e;
}

}  // namespace

const char* stage_name(Stage s) {
  switch (s) {
    case Stage::Done: return "done";
    case Stage::Open: return "open";
    case Stage::DefaultMethod: return "default_method";
    case Stage::LoadMethod: return "load_method";
    case Stage::Inputs: return "inputs";
    case Stage::Execute: return "execute";
    case Stage::Restore: return "restore_inputs";
    case Stage::Check: return "check";
  }
  return "?";
}

namespace {

Outcome exercise_once(const uint8_t* data, size_t size, ExerciseMode mode, bool read_only,
                      KernelSet kernels = KernelSet::Portable) {
  Run r;
  runner::SessionOptions options;
  options.kernels = kernels;
  options.memory_limit = kMemoryLimit;
  options.temp_pool_bytes = kTempPool;
  options.max_instructions = kMaxInstructions;
  std::unique_ptr<runner::Session> s;
  Error e = read_only ? open_read_only(data, size, options, &s, &r.diag)
                      : runner::Session::open_bytes(std::vector<uint8_t>(data, data + size), options, &s, &r.diag);
  if (e != Error::Ok) return r.failed(Stage::Open, e);
  std::vector<std::string> names;
  if (mode == ExerciseMode::Runner) {
    auto name = s->default_method(&r.diag);
    if (!name.ok()) return r.failed(Stage::DefaultMethod, name.error());
    names.push_back(*name);
  } else {
    names = s->method_names();
  }
  bool wrong = false;
  for (const std::string& name : names) {
    if ((e = s->load_method(name, &r.diag)) != Error::Ok) return r.failed(Stage::LoadMethod, e);
    if (!run_method(*s, mode, r, &wrong)) return r.o;
  }
  r.o.exit_code = wrong ? runner::kExitWrongResult : runner::kExitOk;
  return r.o;
}

}  // namespace

Outcome exercise(const uint8_t* data, size_t size, ExerciseMode mode) {
  Outcome mapped = exercise_once(data, size, mode, true);
  Outcome copied = exercise_once(data, size, mode, false);
  // The optimized kernel set (etrun --kernels optimized) loads through the
  // load-time passes and its own kernels: it must survive the same bytes.
  // Its outcome may differ (another kernel may reject a dtype, or round
  // differently), so only what the sanitizers catch counts.
  (void)exercise_once(data, size, mode, false, KernelSet::Optimized);
  if (mapped.exit_code == copied.exit_code && mapped.stage == copied.stage && mapped.error == copied.error) {
    return mapped;
  }
  Outcome o;
  o.exit_code = kExitDisagree;
  o.stage = copied.stage;
  o.error = copied.error;
  snprintf(o.message, sizeof(o.message), "open_file gave exit %d (%s at %s), open_bytes exit %d (%s at %s)",
           mapped.exit_code, error_name(mapped.error), stage_name(mapped.stage), copied.exit_code,
           error_name(copied.error), stage_name(copied.stage));
  return o;
}

}  // namespace fuzz
}  // namespace etb

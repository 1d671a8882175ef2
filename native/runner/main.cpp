// etrun: load one program, check it, time it, print one JSON document
// (runner-contract.md). Exit codes: 0 ok, 2 usage, 3 bad program or input,
// 4 unsupported, 5 runtime failure, 6 wrong result, 7 resource limit.
#include <stdio.h>
#include <string.h>


#include "runner/exit_codes.h"
#include "runner/expected.h"
#include "runner/generate.h"
#include "runner/json.h"
#include "runner/options.h"
#include "runner/report.h"
#include "runner/session.h"
#include "runner/sha256.h"
#include "runner/sustained.h"
#include "runner/tensor_file.h"
#include "runtime/platform.h"

namespace etb {
namespace runner {
namespace {

constexpr double kMinSampleNs = 20000;  // shorter executes are timed in batches
// A sustained run lasts minutes: 1 ms samples keep its JSON to about 1,000 samples a second.
constexpr double kSustainedMinSampleNs = 1e6;

double now_ms() { return double(etb_platform_ticks()) / 1e6; }

struct Run {
  Options o;
  Report r;
  Diag diag;

  int finish(int code, const std::string& name, const std::string& message) {
    if (code != 0 && code != 6) {
      r.error_code = code;
      r.error_name = name;
      r.error_message = message;
      fprintf(stderr, "etrun: %s: %s\n", name.c_str(), message.c_str());
    }
    std::string json = report_json(r);
    if (!o.json_path.empty()) {
      FILE* f = fopen(o.json_path.c_str(), "w");
      if (f == nullptr || fwrite(json.data(), 1, json.size(), f) != json.size() || fclose(f) != 0) {
        fprintf(stderr, "etrun: cannot write %s\n", o.json_path.c_str());
        return 7;
      }
    } else {
      fwrite(json.data(), 1, json.size(), stdout);
    }
    return code;
  }
  int fail_with(Error e, bool at_execute) {
    return finish(exit_code_for(e, at_execute), error_name(e), diag.has_message ? diag.message : error_name(e));
  }
  GenerationReport generation;
  SustainedReport sustained;
  SessionOptions session_options;
  std::unique_ptr<Session> s;
  int main();
  int generate();
};

// --generate P,G: the repetitions of runner/generate.h instead of the timed loop; its decode
// calls (or, with G = 1, its prefill calls) are also latency_ms' samples.
int Run::generate() {
  GenerateConfig c;
  c.prompt_tokens = o.generate_prompt;
  c.generated_tokens = o.generate_tokens;
  c.prompt = o.prompt;
  c.seed = r.inputs.rfind("random:", 0) == 0 ? strtoull(r.inputs.c_str() + 7, nullptr, 10) : 0;
  c.warmup = o.warmup;
  c.iterations = o.iterations;
  c.min_seconds = o.min_seconds;
  c.max_seq_len = metadata_int(*s, o.program, session_options, "get_max_seq_len");
  c.vocab_size = metadata_int(*s, o.program, session_options, "get_vocab_size");
  GenerateFailure f = run_generation(*s, c, &generation);
  if (f.code != 0) return finish(f.code, f.name, f.message);
  r.generation = &generation;
  r.samples_ms = generation.decode_ms.empty() ? generation.ttft_ms : generation.decode_ms;
  r.batch = 1;
  r.measured = true;
  r.temp_allocator_peak_bytes = s->temp_allocator_peak_bytes();
  return finish(0, "", "");
}

int Run::main() {
  r.options = &o;
  r.program_path = o.program;
  SessionOptions& so = session_options;
  so.kernels = o.kernels == "optimized" ? KernelSet::Optimized : KernelSet::Portable;
  so.threads = o.threads;
  so.data_path = o.data;
  so.backends = o.backends;
  so.all_backends = !o.backends_given;
  so.inject_slowdown_pct = o.inject_slowdown_pct;
  {
    // Identity and input mode first, so even a failed load reports them.
    Diag ignored;
    auto file = MmapDataLoader::open(o.program.c_str(), &ignored);
    if (file.ok()) {
      auto all = file->load(0, file->size(), &ignored);
      if (all.ok()) {
        r.sha256 = sha256_hex(all->data, all->size);
        r.inputs = o.inputs.empty() ? (is_bundled_program(all->data, all->size) ? "bundled" : "random:0") : o.inputs;
      }
    }
    if (r.inputs.empty()) r.inputs = o.inputs.empty() ? "random:0" : o.inputs;
    // A generation's prompt is seeded (random:SEED) or given, never a bundled case.
    if (o.generate_prompt > 0) r.inputs = o.inputs.empty() ? "random:0" : o.inputs;
  }
  double t0 = now_ms();
  Error e = Session::open_file(o.program, so, &s, &diag);
  r.load_ms = now_ms() - t0;
  if (e != Error::Ok) return fail_with(e, false);
  r.sha256 = s->sha256();
  if (o.method.empty()) {
    auto m = s->default_method(&diag);
    if (!m.ok()) return fail_with(m.error(), false);
    o.method = *m;
  }
  r.method = o.method;
  t0 = now_ms();
  e = s->load_method(o.method, &diag);
  r.init_ms = now_ms() - t0;
  if (e != Error::Ok) return fail_with(e, false);
  r.planned_bytes = s->planned_bytes();
  r.method_allocator_bytes = s->method_allocator_bytes();

  if (o.generate_prompt > 0) return generate();
  bool all_pass = true;
  if (r.inputs == "bundled") {
    uint32_t cases = s->num_cases();
    if (cases == 0) {
      return finish(3, "InvalidArgument", "--inputs bundled needs a bundled program with cases for '" + o.method + "'");
    }
    if (uint32_t(o.case_index) >= cases) {
      return finish(2, "InvalidArgument", "--case " + std::to_string(o.case_index) + " does not exist (" +
                                               std::to_string(cases) + " cases)");
    }
    r.has_correctness = true;
    for (uint32_t c = 0; c < cases; c++) {
      if ((e = s->set_bundled_inputs(c, &diag)) != Error::Ok) return fail_with(e, false);
      if ((e = s->execute(&diag)) != Error::Ok) return fail_with(e, true);
      Error ce = Error::Ok;
      std::vector<OutputCheck> checks = s->check_bundled(c, o.rtol, o.atol, &diag, &ce);
      if (ce != Error::Ok) return fail_with(ce, false);
      if (r.correctness.size() < checks.size()) r.correctness.resize(checks.size());
      for (size_t k = 0; k < checks.size(); k++) {
        CorrectnessEntry& ce2 = r.correctness[k];
        ce2.output = k;
        ce2.pass = (c == 0 || ce2.pass) && checks[k].pass;
        if (checks[k].max_abs_err > ce2.max_abs_err) ce2.max_abs_err = checks[k].max_abs_err;
        if (checks[k].max_rel_err > ce2.max_rel_err) ce2.max_rel_err = checks[k].max_rel_err;
        if (c == 0 || checks[k].cosine < ce2.cosine) ce2.cosine = checks[k].cosine;
        if (!checks[k].pass) {
          all_pass = false;
          fprintf(stderr, "etrun: case %u output %zu: %s (max abs err %g)\n", c, k, checks[k].reason,
                  checks[k].max_abs_err);
        }
      }
    }
    if ((e = s->set_bundled_inputs(uint32_t(o.case_index), &diag)) != Error::Ok) return fail_with(e, false);
  } else if (r.inputs.rfind("random:", 0) == 0) {
    if ((e = s->set_random_inputs(strtoull(r.inputs.c_str() + 7, nullptr, 10), &diag)) != Error::Ok) {
      return fail_with(e, false);
    }
  } else {
    std::vector<TensorData> inputs;
    std::string error;
    if (!read_tensor_file(r.inputs, "inputs", "input", &inputs, &error)) return finish(3, "InvalidArgument", error);
    if ((e = s->set_inputs(inputs, &diag)) != Error::Ok) return fail_with(e, false);
  }

  // Warmup, then pick a batch size so one sample lasts at least 20 us.
  double single_ns = 0;
  for (int i = 0; i < o.warmup + 1; i++) {
    if ((e = s->restore_inputs(&diag)) != Error::Ok) return fail_with(e, false);
    uint64_t a = etb_platform_ticks();
    if ((e = s->execute(&diag)) != Error::Ok) return fail_with(e, true);
    // The fastest execute: one preempted by the scheduler would make the batches too small.
    double t = double(etb_platform_ticks() - a);
    single_ns = i == 0 || t < single_ns ? t : single_ns;
  }
  if (o.sustained_seconds > 0 && single_ns < kSustainedMinSampleNs) {
    // A sustained run's batch decides how many samples minutes of executes make: calibrate it on
    // about 20 ms of executes rather than on one.
    uint64_t a = etb_platform_ticks();
    int n = 0;
    for (; n < 100000 && double(etb_platform_ticks() - a) < 20e6; n++) {
      if ((e = s->execute(&diag)) != Error::Ok) return fail_with(e, true);
    }
    if (n > 0) single_ns = double(etb_platform_ticks() - a) / n;
    if ((e = s->restore_inputs(&diag)) != Error::Ok) return fail_with(e, false);
  }
  const double min_ns = o.sustained_seconds > 0 ? kSustainedMinSampleNs : kMinSampleNs;
  int batch = single_ns >= min_ns || single_ns <= 0 ? 1 : int(min_ns / single_ns) + 1;
  r.batch = batch;
  double start = now_ms();
  if (o.sustained_seconds > 0) {
    // Instead of --iterations / --min-seconds: back to back for that long, in windows.
    if ((e = run_sustained(*s, batch, o.sustained_seconds, o.window_seconds, &r.samples_ms, &sustained, &diag)) != Error::Ok) {
      return fail_with(e, true);
    }
    r.sustained = &sustained;
  }
  while (o.sustained_seconds <= 0 && (int(r.samples_ms.size()) < o.iterations || (now_ms() - start) / 1000.0 < o.min_seconds)) {
    if ((e = s->restore_inputs(&diag)) != Error::Ok) return fail_with(e, false);
    uint64_t a = etb_platform_ticks();
    for (int k = 0; k < batch; k++) {
      if ((e = s->execute(&diag)) != Error::Ok) return fail_with(e, true);
    }
    r.samples_ms.push_back(double(etb_platform_ticks() - a) / 1e6 / batch);
  }
  r.measured = true;
  r.temp_allocator_peak_bytes = s->temp_allocator_peak_bytes();
  // The reported outputs come from one clean execute on the chosen inputs.
  if ((e = s->restore_inputs(&diag)) != Error::Ok) return fail_with(e, false);
  if ((e = s->execute(&diag)) != Error::Ok) return fail_with(e, true);
  r.outputs = s->outputs_data();
  r.print_outputs = o.print_outputs;
  if (!o.expected.empty()) {
    std::vector<TensorData> want;
    std::string error;
    if (!read_tensor_file(o.expected, "outputs", "expected output", &want, &error) ||
        !check_expected(r.outputs, want, o.rtol, o.atol, &r.correctness, &all_pass, &error)) {
      return finish(3, "InvalidArgument", error);
    }
    r.has_correctness = true;
  }
  if (o.profile) {
    // A separate pass, so the clock reads per instruction do not bias the samples.
    s->enable_profiling(true);
    for (int i = 0; i < o.iterations; i++) {
      if ((e = s->restore_inputs(&diag)) != Error::Ok) return fail_with(e, false);
      if ((e = s->execute(&diag)) != Error::Ok) return fail_with(e, true);
    }
    s->enable_profiling(false);
    r.has_profile = true;
    r.profile = s->profile();
  }
  return finish(all_pass ? 0 : 6, "", "");
}

}  // namespace
}  // namespace runner
}  // namespace etb

// The flags, as docs/cli.md and the runner contract give them.
const char kUsage[] =
    "Usage: etrun PROGRAM.pte|PROGRAM.bpte [flags]\n"
    "  --method NAME                  default: forward (or the only method)\n"
    "  --kernels portable|optimized   default: portable\n"
    "  --backends LIST                delegates allowed to run, comma-separated (default: all available)\n"
    "  --threads N                    default 1\n"
    "  --warmup N  --iterations N  --min-seconds S\n"
    "  --inputs bundled|random:SEED|FILE   default: bundled for .bpte, random:0 otherwise\n"
    "  --case N                       which bundled test case is timed (all cases are checked)\n"
    "  --rtol X  --atol X             correctness tolerances (default 1e-5 / 1e-8)\n"
    "  --expected FILE                compare the outputs with these ({dtype, shape, data} list, or --print-outputs JSON)\n"
    "  --data FILE.ptd                external constant data\n"
    "  --profile                      per-instruction timing into op_profile\n"
    "  --print-outputs                add the outputs to the JSON\n"
    "  --json FILE                    write the JSON to FILE instead of standard output\n"
    "  --inject-slowdown PCT          VALIDATION ONLY: busy-wait PCT% of each execute's time after it\n"
    "                                 (a known slowdown for bench/regressions.mjs; recorded in config)\n"
    "  --generate P,G                 language model: prompt of P tokens in one call, then greedy decode\n"
    "                                 to G tokens; repeated --iterations times, KV cache reset each time\n"
    "  --prompt ID,ID,...             the P prompt token ids (default: seeded by --inputs random:SEED)\n"
    "  --sustained SECONDS            execute back to back that long; latency and device conditions\n"
    "  --window SECONDS               per window (default 1), in the JSON's sustained field\n"
    "etrun --capabilities             JSON: runtime version, ISA features, kernel sets, operators, backends\n"
    "etrun --version | --help\n"
    "Prints one JSON document (native/runner/result.schema.json). Exit codes: 0 ran and passed,\n"
    "2 usage, 3 bad program or input, 4 unsupported operator/dtype/backend, 5 kernel or delegate\n"
    "failure, 6 wrong result, 7 resource limit (docs/cli.md).\n";

int main(int argc, char** argv) {
  using namespace etb::runner;
  Run run;
  std::string error;
  if (!parse_options(argc, argv, &run.o, &error)) {
    fprintf(stderr, "etrun: %s\n", error.c_str());
    return 2;
  }
  if (run.o.help) {
    fputs(kUsage, stdout);
    return 0;
  }
  if (run.o.version) {
    printf("etrun %s (%s)\n", runtime_version(), runtime_git());
    return 0;
  }
  if (run.o.capabilities) {
    std::string caps = capabilities_json();
    fwrite(caps.data(), 1, caps.size(), stdout);
    return 0;
  }
  return run.main();
}

// The firmware's main: one program linked into flash, run once per boot,
// speaking the runner contract (runner-contract.md) like etrun does on a
// host. Differences, all because a microcontroller has no clock worth
// reporting and no heap:
//   - `cycles` carries the emulated instructions of one execute (SysTick
//     under QEMU -icount, see platform.cpp); load_ms, init_ms and
//     latency_ms are null, never a time.
//   - memory comes from one static arena (the linker's .arena section);
//     the planned buffers, the method and temp allocators and the input
//     buffers are carved from it, and a program that does not fit fails
//     with exit 7 (resource limit).
//   - `--inputs FILE` names a binary file the host wrote (mcu/input_file.h);
//     program.path and config.inputs are filled by the host wrapper.
#include <string.h>

#include "kernels/generated/register_kernels.h"
#include "mcu/board.h"
#include "mcu/input_file.h"
#include "mcu/json_out.h"
#include "mcu/options.h"
#include "mcu/semihost.h"
#include "mcu/tensor_io.h"
#include "runner/exit_codes.h"
#include "runtime/bundled.h"
#include "runtime/method.h"
#include "runtime/platform.h"
#include "runtime/program.h"
#include "runtime/schema.h"

#ifndef ETB_VERSION
#define ETB_VERSION "0.1.0"
#endif
#ifndef ETB_GIT
#define ETB_GIT "unknown"
#endif
extern "C" const uint8_t etb_program_start[];
// The sha256 of the linked program, hex; written per program by the build.
extern "C" const char etb_program_sha256[];
extern "C" const uint8_t etb_program_end[];
extern "C" uint8_t __arena_start[];
extern "C" uint8_t __arena_end[];

namespace {

using namespace etb;

constexpr size_t kMaxPlanned = 8;
constexpr size_t kMaxIo = 16;
constexpr size_t kMaxOutputs = 16;
constexpr size_t kTempPoolBytes = 64 * 1024;
constexpr size_t kArenaAlignment = 64;

KernelRegistry g_kernels;
char g_cmdline[1024];

struct Run {
  mcu::Options o;
  Diag diag;
  int json_fd = -1;
  const char* inputs_mode = "random:0";
  char method[64] = {0};
  bool has_memory = false;
  size_t planned[kMaxPlanned] = {0};
  size_t num_planned = 0;
  size_t method_allocator_bytes = 0;
  size_t temp_peak = 0;
  bool has_cycles = false;
  uint64_t cycles = 0;
  bool has_correctness = false;
  OutputCheck checks[kMaxOutputs];
  size_t num_checks = 0;
  const Method* method_for_outputs = nullptr;

  MemoryAllocator arena{__arena_start, size_t(__arena_end - __arena_start)};
  MemoryAllocator method_alloc;
  MemoryAllocator temp_alloc;
  MemoryAllocator extra;  // after load: input and output buffers
  Span<uint8_t> arenas[kMaxPlanned];
  PlannedMemory planned_memory;
  mcu::InputSet inputs;

  int finish(int code, const char* name, const char* message);
  int fail_with(Error e, bool at_execute) {
    return finish(runner::exit_code_for(e, at_execute), error_name(e), diag.has_message ? diag.message : error_name(e));
  }
  int main();
  Error carve_planned(const Program& program, Diag* diag);
  Error bind_unplanned_outputs(Method& m);
};

void say(const char* s) { etb_sh_write(etb_sh_stderr(), s, strlen(s)); }

void say_number(const char* label, uint64_t v) {
  char buf[24];
  say(label);
  etb_sh_write(etb_sh_stderr(), buf, mcu::format_uint(v, buf));
}

int Run::finish(int code, const char* name, const char* message) {
  if (code != 0 && code != 6) {
    say("etrun-mcu: ");
    say(name);
    say(": ");
    say(message);
    say("\n");
  }
  mcu::JsonOut w(json_fd);
  w.begin_object();
  w.key("schema_version").value(1);
  w.key("runtime").begin_object();
  w.key("version").value(ETB_VERSION).key("git").value(ETB_GIT);
  w.key("isa").begin_array().value("armv8.1-m.main").value("mve").value("fpv5").end_array();
  w.key("build").value("mcu-release qemu-mps3-an547 cycles=emulated-instructions");
  w.end_object();
  w.key("device").begin_object().key("unit_id").null().key("os").value("none").key("arch").value("armv8.1-m.main");
  w.key("cpu_model").value("Cortex-M55 (QEMU mps3-an547)").key("cores").value(1).end_object();
  w.key("program").begin_object().key("path").value("firmware");
  if (etb_program_sha256[0]) w.key("sha256").value(etb_program_sha256); else w.key("sha256").null();
  if (method[0]) w.key("method").value(method); else w.key("method").null();
  w.end_object();
  w.key("config").begin_object().key("kernels").value("portable").key("backends").begin_array().end_array();
  w.key("threads").value(1).key("warmup").value(o.warmup).key("iterations").value(o.iterations);
  w.key("min_seconds").value(0.0).key("inject_slowdown_pct").value(0.0).key("inputs").value(inputs_mode).key("case");
  if (strcmp(inputs_mode, "bundled") == 0) w.value(o.case_index); else w.null();
  w.end_object();
  w.key("load_ms").null().key("init_ms").null().key("latency_ms").null();
  w.key("memory");
  if (has_memory) {
    w.begin_object().key("planned_bytes").begin_array();
    for (size_t i = 0; i < num_planned; i++) w.value(uint64_t(planned[i]));
    w.end_array();
    w.key("method_allocator_bytes").value(uint64_t(method_allocator_bytes));
    w.key("temp_allocator_peak_bytes").value(uint64_t(temp_peak));
    w.key("peak_rss_bytes").null().end_object();
  } else {
    w.null();
  }
  w.key("correctness");
  if (has_correctness) {
    w.begin_array();
    for (size_t k = 0; k < num_checks; k++) {
      const OutputCheck& c = checks[k];
      w.begin_object().key("output").value(uint64_t(k)).key("pass").value(c.pass);
      w.key("max_abs_err").value(c.max_abs_err).key("max_rel_err").value(c.max_rel_err).key("cosine").value(c.cosine);
      w.key("rtol").value(o.rtol).key("atol").value(o.atol).end_object();
    }
    w.end_array();
  } else {
    w.null();
  }
  w.key("outputs");
  if (o.print_outputs && method_for_outputs != nullptr) {
    w.begin_array();
    for (size_t i = 0; i < method_for_outputs->num_outputs(); i++) mcu::write_output(w, method_for_outputs->output(i));
    w.end_array();
  } else {
    w.null();
  }
  w.key("op_profile").null().key("delegate_fraction").null();
  w.key("cycles");
  if (has_cycles) w.value(cycles); else w.null();
  w.key("trials").null().key("conditions").null().key("generation").null();
  w.key("error");
  if (code != 0 && code != 6) {
    w.begin_object().key("code").value(code).key("name").value(name).key("message").value(message).end_object();
  } else {
    w.null();
  }
  w.end_object();
  if (!w.finish()) say("etrun-mcu: cannot write the JSON document\n");
  // RAM actually touched, for footprint reports (docs/mcu.md).
  size_t planned_total = 0;
  for (size_t i = 0; i < num_planned; i++) planned_total += planned[i];
  say_number("etrun-mcu: ram arena_used=", planned_total + temp_peak + method_alloc.used() + extra.used());
  say_number(" arena_capacity=", arena.capacity());
  say_number(" stack_peak=", board::stack_peak());
  say_number(" stack_size=", board::stack_size());
  say("\n");
  return code;
}

Error Run::carve_planned(const Program& program, Diag* d) {
  auto plan = program.plan(method, d);
  if (!plan.ok()) return plan.error();
  auto sizes = plan->vector<int64_t>(schema::plan::kNonConstBufferSizes, "ExecutionPlan.non_const_buffer_sizes", true);
  if (!sizes.ok()) return sizes.error();
  if (sizes->size() > kMaxPlanned + 1) {
    return fail(d, Error::NotSupported, "%u planned buffers; this firmware handles %u", unsigned(sizes->size() - 1),
                unsigned(kMaxPlanned));
  }
  num_planned = 0;
  for (uint32_t i = 1; i < sizes->size(); i++) {
    int64_t bytes = (*sizes)[i];
    if (bytes < 0) return fail(d, Error::InvalidProgram, "non_const_buffer_sizes[%u] is negative", unsigned(i));
    void* p = bytes == 0 ? nullptr : arena.allocate(size_t(bytes), kArenaAlignment);
    if (bytes != 0 && p == nullptr) {
      return fail(d, Error::MemoryAllocationFailed, "planned buffer %u needs %lu bytes; the arena has %lu left",
                  unsigned(i), static_cast<unsigned long>(bytes),
                  static_cast<unsigned long>(arena.capacity() - arena.used()));
    }
    arenas[num_planned] = Span<uint8_t>(static_cast<uint8_t*>(p), size_t(bytes));
    planned[num_planned++] = size_t(bytes);
  }
  planned_memory = PlannedMemory(Span<Span<uint8_t>>(arenas, num_planned));
  return Error::Ok;
}

Error Run::bind_unplanned_outputs(Method& m) {
  for (size_t i = 0; i < m.num_outputs(); i++) {
    const EValue& v = m.output(i);
    if (!v.is_tensor() || v.tensor().is_planned || v.tensor().is_constant || v.tensor().data != nullptr) continue;
    void* p = extra.allocate(v.tensor().nbytes() + 16);
    if (p == nullptr) return fail(&diag, Error::MemoryAllocationFailed, "no arena left for unplanned output %u", unsigned(i));
    ETB_RETURN_IF_ERROR(m.set_output_data_ptr(i, p, v.tensor().nbytes(), &diag));
  }
  return Error::Ok;
}

Error choose_method(const Program& program, const char* wanted, char* out, size_t cap, Diag* diag) {
  if (wanted != nullptr) {
    if (strlen(wanted) >= cap) return fail(diag, Error::InvalidArgument, "method name too long");
    strcpy(out, wanted);
    return Error::Ok;
  }
  auto n = program.num_methods(diag);
  if (!n.ok()) return n.error();
  for (uint32_t i = 0; i < *n; i++) {
    auto name = program.method_name(i, diag);
    if (!name.ok()) return name.error();
    if (name->equals("forward") || *n == 1) {
      if (name->size >= cap) return fail(diag, Error::InvalidProgram, "method name too long");
      memcpy(out, name->data, name->size);
      out[name->size] = 0;
      return Error::Ok;
    }
  }
  return fail(diag, Error::InvalidArgument, "the program has %u methods and none is 'forward': choose one with --method",
              unsigned(*n));
}

int Run::main() {
  // More operators than ETB_MAX_KERNELS (native/build.mjs) fail here, with a document.
  Error registered = register_kernels(g_kernels);
  if (registered != Error::Ok) {
    return finish(5, error_name(registered), "this firmware's kernel registry is too small for the program's operators");
  }
  const uint8_t* bytes = etb_program_start;
  size_t size = size_t(etb_program_end - etb_program_start);
  bool bundled = is_bundled_program(bytes, size);
  inputs_mode = o.inputs != nullptr ? o.inputs : bundled ? "bundled" : "random:0";

  BundledProgram bundle;
  Span<const uint8_t> pte(bytes, size);
  if (bundled) {
    auto b = BundledProgram::parse(bytes, size, &diag);
    if (!b.ok()) return fail_with(b.error(), false);
    bundle = *b;
    pte = bundle.program();
  }
  BufferDataLoader loader(pte.data(), pte.size());
  auto program = Program::load(&loader, nullptr, &diag);
  if (!program.ok()) return fail_with(program.error(), false);
  Error e = choose_method(*program, o.method, method, sizeof(method), &diag);
  if (e != Error::Ok) return fail_with(e, false);
  if ((e = carve_planned(*program, &diag)) != Error::Ok) return fail_with(e, false);

  void* temp_pool = arena.allocate(kTempPoolBytes);
  size_t left = arena.capacity() - arena.used();
  void* method_pool = arena.allocate(left > 64 ? left - 64 : 0);
  if (temp_pool == nullptr || method_pool == nullptr) {
    return finish(7, "MemoryAllocationFailed", "the arena is too small for the allocators");
  }
  temp_alloc = MemoryAllocator(temp_pool, kTempPoolBytes);
  method_alloc = MemoryAllocator(method_pool, left - 64);
  MethodConfig config;
  config.kernels = &g_kernels;
  config.memory = MemoryManager{&method_alloc, &planned_memory, &temp_alloc};
  auto m = Method::load(*program, method, config, &diag);
  if (!m.ok()) return fail_with(m.error(), false);
  method_allocator_bytes = m->method_allocator_used();
  has_memory = true;
  // The method allocator is not used after load (execute never allocates),
  // so what it left over holds the input and output buffers.
  uint8_t* rest = static_cast<uint8_t*>(method_pool) + (method_alloc.used() + 63) / 64 * 64;
  extra = MemoryAllocator(rest, left - 64 - size_t(rest - static_cast<uint8_t*>(method_pool)));
  if ((e = bind_unplanned_outputs(*m)) != Error::Ok) return fail_with(e, false);

  if (strcmp(inputs_mode, "bundled") == 0) {
    if (!bundled) return finish(3, "InvalidArgument", "--inputs bundled needs a bundled program");
    auto cases = bundle.num_cases(method, &diag);
    if (!cases.ok()) return fail_with(cases.error(), false);
    if (*cases == 0) return finish(3, "InvalidArgument", "the bundle has no test cases for this method");
    if (uint32_t(o.case_index) >= *cases) return finish(2, "InvalidArgument", "--case does not exist");
    has_correctness = true;
    for (uint32_t c = 0; c < *cases; c++) {
      if ((e = inputs.set_bundled(*m, bundle, method, c, extra, &diag)) != Error::Ok) return fail_with(e, false);
      if ((e = m->execute(&diag)) != Error::Ok) return fail_with(e, true);
      OutputCheck now[kMaxOutputs];
      auto n = bundle.check_outputs(*m, method, c, o.rtol, o.atol, now, kMaxOutputs, &diag);
      if (!n.ok()) return fail_with(n.error(), false);
      if (*n > num_checks) num_checks = *n;
      for (size_t k = 0; k < *n; k++) {
        OutputCheck& acc = checks[k];
        bool first = c == 0;
        acc.pass = (first || acc.pass) && now[k].pass;
        if (first || now[k].max_abs_err > acc.max_abs_err) acc.max_abs_err = now[k].max_abs_err;
        if (first || now[k].max_rel_err > acc.max_rel_err) acc.max_rel_err = now[k].max_rel_err;
        if (first || now[k].cosine < acc.cosine) acc.cosine = now[k].cosine;
        if (!now[k].pass) say("etrun-mcu: a bundled case failed its check\n");
      }
    }
    if ((e = inputs.set_bundled(*m, bundle, method, uint32_t(o.case_index), extra, &diag)) != Error::Ok) {
      return fail_with(e, false);
    }
  } else if (strncmp(inputs_mode, "random:", 7) == 0) {
    uint64_t seed = 0;
    for (const char* p = inputs_mode + 7; *p; p++) {
      if (*p < '0' || *p > '9') return finish(2, "InvalidArgument", "random:SEED needs a decimal seed");
      seed = seed * 10 + uint64_t(*p - '0');
    }
    if ((e = inputs.set_random(*m, seed, extra, &diag)) != Error::Ok) return fail_with(e, false);
  } else {
    const char* message = nullptr;
    int code = inputs.set_from_file(*m, inputs_mode, extra, &diag, &message);
    if (code != 0) return finish(code, code == 7 ? "MemoryAllocationFailed" : "InvalidArgument", message);
  }

  for (int i = 0; i < o.warmup + o.iterations; i++) {
    if ((e = inputs.restore(*m, &diag)) != Error::Ok) return fail_with(e, false);
    uint64_t a = etb_platform_ticks();
    if ((e = m->execute(&diag)) != Error::Ok) return fail_with(e, true);
    uint64_t b = etb_platform_ticks();
    if (i >= o.warmup && (!has_cycles || b - a < cycles)) cycles = b - a;
    if (i >= o.warmup) has_cycles = true;
  }
  temp_peak = temp_alloc.peak();
  method_for_outputs = &*m;
  bool all_pass = true;
  for (size_t k = 0; k < num_checks; k++) all_pass = all_pass && checks[k].pass;
  return finish(all_pass ? 0 : 6, "", "");
}

Run g_run;

}  // namespace

int main() {
  const char* error = "";
  const char* word = "";
  // QEMU fails the call when the line does not fit; running with defaults
  // instead would silently ignore the caller's flags.
  if (etb_sh_cmdline(g_cmdline, sizeof(g_cmdline)) != 0) {
    say("etrun-mcu: the semihosting command line is missing or longer than 1023 bytes\n");
    return 2;
  }
  if (!mcu::parse_options(g_cmdline, &g_run.o, &error, &word)) {
    say("etrun-mcu: ");
    say(error);
    say(": ");
    say(word);
    say("\n");
    return 2;
  }
  g_run.json_fd = g_run.o.json_path ? etb_sh_open(g_run.o.json_path, ETB_SH_MODE_WB) : etb_sh_stdout();
  if (g_run.json_fd < 0) {
    say("etrun-mcu: cannot open the --json file\n");
    return 7;
  }
  int code = g_run.main();
  if (g_run.o.json_path) etb_sh_close(g_run.json_fd);
  return code;
}

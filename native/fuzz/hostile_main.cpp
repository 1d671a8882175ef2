// hostile: runs a deterministic corpus of hostile variants of real programs
// through the runner's Session, one forked child per case, and reports every
// case that crashed, hung or exited with a code it may not use.
//
//   node native/build.mjs hostile-asan
//   build/native/asan/hostile --seed 1 ../shared/fixtures/executorch/*.pte
//   build/native/asan/hostile --replay 1234 --seed 1 FIXTURE   one case, in process
//   build/native/asan/hostile --files native/fuzz/reproducers/*
//
// Cases per fixture (all derived from --seed and the fixture's file name):
//   prefix    every truncation length 0..size-1 for files up to 4 KiB, 256
//             evenly spaced lengths for larger ones;
//   mutation  --mutations (default 1000) seeded mutations, round robin over:
//             flip (1-4 bit flips), bytes (random bytes or a random run),
//             index (an out-of-range int32 -- -1, INT32_MIN, value+1, 65536..
//             -- at a 4-aligned offset, mostly where a small int already is),
//             huge (0x7fffffff, 0xffffffff, 2^31 as u32, or 2^31, 2^32-1,
//             100 GiB, 2^63-1, 2^64-1 as u64, at aligned offsets or in the
//             eh00 header fields), ident (a file identifier -- ET12, BP08,
//             eh00, XN01, ... -- replaced by another), truncate (a random
//             prefix, then one of the others).
//
// Each case runs in a child (fork) that exercises the bytes as etrun would
// (fuzz/exercise.h: Session::open_file on a read-only mapping, then again
// with Session::open_bytes) and exits with etrun's exit code; the child arms
// alarm(--timeout) and the parent SIGKILLs it 2 s later. The child's stderr
// (sanitizer reports) goes to OUT/.logs. A case FAILS when the child dies of
// a signal (a crash, or an ASan/UBSan report: they abort), hangs, or exits
// with a code the rule below does not allow.
//
// Allowed exit codes (runner-contract.md "Exit codes"):
//   * 3 (bad program) always, and the fixture's baseline code -- the code of
//     the unmodified fixture: 0 for runnable programs, 4 for those needing
//     operators or backends this build lacks (KeywordSpotting in a build
//     without the Cortex-M quantized kernels).
//   * Prefix cases: nothing else. A truncation cannot make a program ask for
//     a feature, resource or value it did not ask for before.
//   * Mutation cases may also give, when the child's report shows why:
//       4  if the baseline is 0: the mutation changed an operator name,
//          dtype or dynamism to one this build does not support;
//       5  only when the error came from execute() (a kernel rejecting what
//          the mutated program handed it) or from setting the inputs again
//          after an execute (the program's own instructions broke its
//          memory, e.g. freed a tensor); never from loading;
//       6  only for bundled programs: a mutation of weights or expected
//          outputs makes values wrong, which only bundled programs check;
//       7  only from load_method, setting the inputs or execute(): a mutated
//          size asks for more than the memory limit (e.g. 100 GiB of planned
//          memory, or an unplanned input of 8 GiB that random inputs must
//          fill), or a mutated jump loops until the instruction cap.
//   * Never 0 for a fixture whose baseline is 4, never 1, 2 or any other;
//     in particular never 90: the input behaved differently mapped read-only
//     and copied to the heap (fuzz/exercise.h).
// --files mode (reproducers): no crash, no hang, a contract code (0,3-7);
// a file named *-exitN.* must exit with exactly N.
//
// Output: one line per failure (fixture, case index and kind, seed, hex
// description of the mutation, exit/signal, error), the failing bytes in
// OUT/<fixture>-<case>-<kind>.bin with a .txt description and the child's
// log, a summary line per fixture, a `hostile-json {...}` line per fixture
// for tools, and finally `hostile: N passed, M failed`. Exit status 0 only
// when nothing failed.
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <string>
#include <vector>

#include "fuzz/exercise.h"
#include "fuzz/mutate.h"
#include "runtime/bundled.h"

extern "C" const char* __asan_default_options() { return "detect_leaks=0:abort_on_error=1:print_summary=1"; }
extern "C" const char* __ubsan_default_options() { return "abort_on_error=1:print_stacktrace=1:print_summary=1"; }

namespace etb {
namespace fuzz {
namespace {

constexpr size_t kMaxWholePrefix = 4096;
constexpr uint32_t kSpacedPrefixes = 256;
constexpr int kKillGraceSeconds = 2;

struct Options {
  uint64_t seed = 1;
  uint32_t mutations = 1000;
  int jobs = 0;
  int timeout_s = 5;
  std::string out = "build/hostile";
  bool files = false;
  long replay = -1;
  std::vector<std::string> paths;
};

struct Case {
  uint32_t index = 0;
  bool prefix = false;
  const char* kind = "";
  uint64_t seed = 0;
  std::string description;
  std::vector<uint8_t> bytes;
};

struct Fixture {
  std::string path;
  std::string name;  // file name: part of every case seed
  std::vector<uint8_t> bytes;
  bool bundled = false;
  int baseline = -1;
  uint32_t prefixes = 0;
};

// What a child reports besides its exit status (shared memory, one per slot).
struct SlotReport {
  Outcome outcome;
  bool written;
};

struct Tally {
  uint32_t codes[256] = {0};
  uint32_t crashes = 0, hangs = 0, disallowed = 0, passed = 0;
};

double now_s() {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return double(ts.tv_sec) + double(ts.tv_nsec) / 1e9;
}

bool read_file(const std::string& path, std::vector<uint8_t>* out) {
  FILE* f = fopen(path.c_str(), "rb");
  if (f == nullptr) return false;
  uint8_t buf[65536];
  size_t n;
  while ((n = fread(buf, 1, sizeof(buf), f)) > 0) out->insert(out->end(), buf, buf + n);
  bool ok = ferror(f) == 0;
  fclose(f);
  return ok;
}

bool write_file(const std::string& path, const void* data, size_t size) {
  FILE* f = fopen(path.c_str(), "wb");
  if (f == nullptr) return false;
  bool ok = fwrite(data, 1, size, f) == size;
  return fclose(f) == 0 && ok;
}

std::string base_name(const std::string& path) {
  size_t slash = path.find_last_of('/');
  return slash == std::string::npos ? path : path.substr(slash + 1);
}

uint64_t name_hash(const std::string& s) {
  uint64_t h = 0xcbf29ce484222325ull;  // FNV-1a
  for (char c : s) h = (h ^ uint8_t(c)) * 0x100000001b3ull;
  return h;
}

uint32_t num_prefixes(size_t size) { return size <= kMaxWholePrefix ? uint32_t(size) : kSpacedPrefixes; }

// Fills `c` with case `index` of `f` (reusing its buffers: the parent's heap
// stays small, which keeps fork cheap).
void make_case(const Fixture& f, uint32_t index, const Options& o, Case* c) {
  c->index = index;
  c->description.clear();
  if (index < f.prefixes) {
    size_t len = f.bytes.size() <= kMaxWholePrefix ? index : f.bytes.size() * index / kSpacedPrefixes;
    c->prefix = true;
    c->kind = "prefix";
    c->seed = 0;
    c->bytes.assign(f.bytes.begin(), f.bytes.begin() + long(len));
    char d[48];
    snprintf(d, sizeof(d), "truncate to 0x%zx of 0x%zx bytes", len, f.bytes.size());
    c->description = d;
    return;
  }
  uint32_t m = index - f.prefixes;
  c->prefix = false;
  c->seed = case_seed(o.seed, name_hash(f.name), m);
  c->bytes.assign(f.bytes.begin(), f.bytes.end());
  c->kind = mutate(c->bytes, MutationKind(m % kNumMutationKinds), c->seed, &c->description);
}

// Whether exit `code` is acceptable for case `c` (the rule in the header).
bool allowed(const Fixture& f, const Case& c, int code, const Outcome& r) {
  if (code == 3 || code == f.baseline) return true;
  if (c.prefix) return false;
  switch (code) {
    case 4: return f.baseline == 0;
    case 5: return r.stage == Stage::Execute || r.stage == Stage::Restore;
    case 6: return f.bundled;
    case 7: return r.stage == Stage::LoadMethod || r.stage == Stage::Inputs || r.stage == Stage::Execute;
    default: return false;
  }
}

// The child: run one input and exit with the runner's code.
[[noreturn]] void child(const std::vector<uint8_t>& bytes, int timeout_s, const std::string& log, SlotReport* report) {
  alarm(unsigned(timeout_s));
  int fd = open(log.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
  if (fd >= 0) {
    dup2(fd, 2);
    close(fd);
  }
  int devnull = open("/dev/null", O_WRONLY);
  if (devnull >= 0) dup2(devnull, 1);
  Outcome o = exercise(bytes.data(), bytes.size(), ExerciseMode::Runner);
  report->outcome = o;
  report->written = true;
  _exit(o.exit_code);
}

struct Finished {
  bool signaled = false;
  bool hung = false;
  int code = -1;
  int signal = 0;
  SlotReport report;
};

// Runs cases 0..count-1 in parallel children: `make(i, &c)` builds case i
// just before its fork, `on_done(c, finished, log)` runs in the parent as
// each child ends.
template <typename Make, typename Done>
void run_all(size_t count, const Options& o, Make make, Done on_done) {
  int jobs = o.jobs;
  auto* reports = static_cast<SlotReport*>(
      mmap(nullptr, sizeof(SlotReport) * size_t(jobs), PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0));
  if (reports == MAP_FAILED) {
    perror("hostile: mmap");
    exit(1);
  }
  struct Slot {
    pid_t pid = 0;
    Case c;
    double started = 0;
    bool killed = false;
  };
  std::vector<Slot> slots(static_cast<size_t>(jobs));
  sigset_t chld;
  sigemptyset(&chld);
  sigaddset(&chld, SIGCHLD);
  sigprocmask(SIG_BLOCK, &chld, nullptr);
  size_t next = 0, running = 0;
  while (next < count || running > 0) {
    for (size_t s = 0; s < slots.size() && next < count; s++) {
      if (slots[s].pid != 0) continue;
      make(next++, &slots[s].c);
      memset(&reports[s], 0, sizeof(SlotReport));
      std::string log = o.out + "/.logs/slot-" + std::to_string(s) + ".log";
      fflush(stdout);
      fflush(stderr);
      pid_t pid = fork();
      if (pid < 0) {
        perror("hostile: fork");
        exit(1);
      }
      if (pid == 0) child(slots[s].c.bytes, o.timeout_s, log, &reports[s]);
      slots[s].pid = pid;
      slots[s].started = now_s();
      slots[s].killed = false;
      running++;
    }
    int status = 0;
    pid_t pid = waitpid(-1, &status, WNOHANG);
    if (pid == 0) {
      struct timespec wait = {0, 50 * 1000 * 1000};
      sigtimedwait(&chld, nullptr, &wait);
      double t = now_s();
      for (Slot& s : slots) {
        if (s.pid != 0 && !s.killed && t - s.started > o.timeout_s + kKillGraceSeconds) {
          kill(s.pid, SIGKILL);
          s.killed = true;
        }
      }
      continue;
    }
    if (pid < 0) {
      if (errno == EINTR) continue;
      perror("hostile: waitpid");
      exit(1);
    }
    for (size_t s = 0; s < slots.size(); s++) {
      if (slots[s].pid != pid) continue;
      Finished fin;
      fin.report = reports[s];
      if (WIFSIGNALED(status)) {
        fin.signal = WTERMSIG(status);
        fin.hung = slots[s].killed || fin.signal == SIGALRM;
        fin.signaled = !fin.hung;
      } else {
        fin.code = WEXITSTATUS(status);
      }
      on_done(slots[s].c, fin, o.out + "/.logs/slot-" + std::to_string(s) + ".log");
      slots[s].pid = 0;
      running--;
    }
  }
  sigprocmask(SIG_UNBLOCK, &chld, nullptr);
  munmap(reports, sizeof(SlotReport) * size_t(jobs));
}

// The first sanitizer or error line of a child's log, for the failure line.
std::string log_headline(const std::string& log) {
  std::vector<uint8_t> bytes;
  if (!read_file(log, &bytes)) return "";
  std::string text(bytes.begin(), bytes.end());
  for (const char* key : {"runtime error:", "ERROR: AddressSanitizer", "SUMMARY:", "ERROR:"}) {
    size_t at = text.find(key);
    if (at == std::string::npos) continue;
    size_t start = text.rfind('\n', at);
    start = start == std::string::npos ? 0 : start + 1;
    size_t end = text.find('\n', at);
    return text.substr(start, end == std::string::npos ? std::string::npos : end - start);
  }
  return "";
}

std::string describe_finish(const Finished& fin) {
  char buf[400];
  if (fin.hung) {
    snprintf(buf, sizeof(buf), "HANG (killed by %s)", strsignal(fin.signal));
  } else if (fin.signaled) {
    snprintf(buf, sizeof(buf), "CRASH (%s)", strsignal(fin.signal));
  } else if (fin.report.written) {
    const Outcome& r = fin.report.outcome;
    snprintf(buf, sizeof(buf), "exit %d (%s at %s: %s)", fin.code, error_name(r.error), stage_name(r.stage),
             r.message);
  } else {
    snprintf(buf, sizeof(buf), "exit %d (no report: the child died before finishing)", fin.code);
  }
  return buf;
}

void save_failure(const std::string& out, const std::string& stem, const std::vector<uint8_t>& bytes,
                  const std::string& text, const std::string& log) {
  write_file(out + "/" + stem + ".bin", bytes.data(), bytes.size());
  write_file(out + "/" + stem + ".txt", text.data(), text.size());
  std::vector<uint8_t> log_bytes;
  if (read_file(log, &log_bytes) && !log_bytes.empty()) write_file(out + "/" + stem + ".log", log_bytes.data(), log_bytes.size());
}

// Baseline: the unmodified fixture, in a child like every case.
int baseline_of(Fixture& f, const Options& o) {
  int code = -1;
  run_all(
      1, o, [&](size_t, Case* c) { c->bytes = f.bytes; },
      [&](Case&, const Finished& fin, const std::string&) {
    code = fin.signaled || fin.hung ? -1 : fin.code;
    if (code < 0) printf("hostile: %s: the unmodified fixture fails: %s\n", f.name.c_str(), describe_finish(fin).c_str());
  });
  return code;
}

bool run_fixture(Fixture& f, const Options& o, Tally& total) {
  double start = now_s();
  f.baseline = baseline_of(f, o);
  if (f.baseline < 0) {
    total.crashes++;
    return false;
  }
  f.prefixes = num_prefixes(f.bytes.size());
  uint32_t count = f.prefixes + o.mutations;
  Tally t;
  {
    run_all(
        count, o, [&](size_t i, Case* c) { make_case(f, uint32_t(i), o, c); },
        [&](Case& c, const Finished& fin, const std::string& log) {
      bool ok = !fin.signaled && !fin.hung && allowed(f, c, fin.code, fin.report.outcome);
      if (!fin.signaled && !fin.hung) t.codes[fin.code & 0xff]++;
      if (ok) {
        t.passed++;
        return;
      }
      if (fin.signaled) t.crashes++;
      else if (fin.hung) t.hangs++;
      else t.disallowed++;
      char seed[32];
      snprintf(seed, sizeof(seed), "0x%016llx", static_cast<unsigned long long>(c.seed));
      std::string line = "FAIL " + f.name + " case " + std::to_string(c.index) + " " + c.kind + " seed " + seed +
                         ": " + c.description + " -> " + describe_finish(fin);
      std::string headline = log_headline(log);
      if (!headline.empty()) line += "\n     " + headline;
      printf("%s\n", line.c_str());
      std::string stem = f.name + "-" + std::to_string(c.index) + "-" + c.kind;
      save_failure(o.out, stem, c.bytes,
                   line + "\nreplay: hostile --seed " + std::to_string(o.seed) + " --mutations " +
                       std::to_string(o.mutations) + " --replay " + std::to_string(c.index) + " " + f.path + "\n",
                   log);
    });
  }
  double seconds = now_s() - start;
  uint32_t failed = t.crashes + t.hangs + t.disallowed;
  std::string codes;
  std::string json_codes;
  for (int code = 0; code < 256; code++) {
    if (t.codes[code] == 0) continue;
    codes += (codes.empty() ? "" : ", ") + std::to_string(code) + ": " + std::to_string(t.codes[code]);
    json_codes += (json_codes.empty() ? "\"" : ",\"") + std::to_string(code) + "\":" + std::to_string(t.codes[code]);
  }
  printf("%s: %u prefixes + %u mutations, baseline exit %d; exits {%s}; %u crashed, %u hung, %u disallowed; %.1f s\n",
         f.name.c_str(), f.prefixes, o.mutations, f.baseline, codes.c_str(), t.crashes, t.hangs, t.disallowed,
         seconds);
  printf("hostile-json {\"fixture\":\"%s\",\"bytes\":%zu,\"baseline\":%d,\"prefixes\":%u,\"mutations\":%u,"
         "\"codes\":{%s},\"crashes\":%u,\"hangs\":%u,\"disallowed\":%u,\"passed\":%u,\"seconds\":%.2f}\n",
         f.name.c_str(), f.bytes.size(), f.baseline, f.prefixes, o.mutations, json_codes.c_str(), t.crashes, t.hangs,
         t.disallowed, t.passed, seconds);
  fflush(stdout);
  total.passed += t.passed;
  total.crashes += t.crashes;
  total.hangs += t.hangs;
  total.disallowed += t.disallowed;
  return failed == 0;
}

// --files: each file once; a contract code, or exactly N for *-exitN.*.
int run_files(const Options& o) {
  std::vector<Case> cases;
  for (const std::string& path : o.paths) {
    Case c;
    c.description = path;
    if (!read_file(path, &c.bytes)) {
      fprintf(stderr, "hostile: cannot read %s\n", path.c_str());
      return 2;
    }
    cases.push_back(std::move(c));
  }
  Tally t;
  run_all(
      cases.size(), o, [&](size_t i, Case* c) { *c = cases[i]; },
      [&](Case& c, const Finished& fin, const std::string& log) {
    int want = -1;
    size_t at = c.description.rfind("-exit");
    if (at != std::string::npos && at + 5 < c.description.size()) want = c.description[at + 5] - '0';
    bool contract = fin.code == 0 || (fin.code >= 3 && fin.code <= 7);
    bool ok = !fin.signaled && !fin.hung && contract && (want < 0 || fin.code == want);
    std::string headline = ok ? "" : log_headline(log);
    printf("%s %s: %s%s%s\n", ok ? "ok  " : "FAIL", c.description.c_str(), describe_finish(fin).c_str(),
           want >= 0 && fin.code != want ? (" (expected exit " + std::to_string(want) + ")").c_str() : "",
           headline.empty() ? "" : ("\n     " + headline).c_str());
    if (ok) t.passed++;
    else t.disallowed++;
  });
  printf("hostile: %u passed, %u failed\n", t.passed, t.disallowed);
  return t.disallowed == 0 ? 0 : 1;
}

// --replay: one case of one fixture in this process, so a debugger or the
// sanitizer report sees it directly.
int replay(const Options& o) {
  if (o.paths.size() != 1) {
    fprintf(stderr, "hostile: --replay takes exactly one fixture\n");
    return 2;
  }
  Fixture f;
  f.path = o.paths[0];
  f.name = base_name(f.path);
  if (!read_file(f.path, &f.bytes)) {
    fprintf(stderr, "hostile: cannot read %s\n", f.path.c_str());
    return 2;
  }
  f.prefixes = num_prefixes(f.bytes.size());
  if (uint64_t(o.replay) >= uint64_t(f.prefixes) + o.mutations) {
    fprintf(stderr, "hostile: case %ld does not exist (%u cases)\n", o.replay, f.prefixes + o.mutations);
    return 2;
  }
  Case c;
  make_case(f, uint32_t(o.replay), o, &c);
  printf("%s case %ld %s seed 0x%016llx: %s\n", f.name.c_str(), o.replay, c.kind,
         static_cast<unsigned long long>(c.seed), c.description.c_str());
  fflush(stdout);
  Outcome r = exercise(c.bytes.data(), c.bytes.size(), ExerciseMode::Runner);
  printf("exit %d (%s at %s: %s)\n", r.exit_code, error_name(r.error), stage_name(r.stage), r.message);
  return r.exit_code;
}

bool parse(int argc, char** argv, Options* o) {
  for (int i = 1; i < argc; i++) {
    std::string a = argv[i];
    auto value = [&](const char* name) -> const char* {
      if (i + 1 >= argc) {
        fprintf(stderr, "hostile: %s needs a value\n", name);
        exit(2);
      }
      return argv[++i];
    };
    if (a == "--seed") o->seed = strtoull(value("--seed"), nullptr, 0);
    else if (a == "--mutations") o->mutations = uint32_t(strtoul(value("--mutations"), nullptr, 10));
    else if (a == "--jobs") o->jobs = atoi(value("--jobs"));
    else if (a == "--timeout") o->timeout_s = atoi(value("--timeout"));
    else if (a == "--out") o->out = value("--out");
    else if (a == "--replay") o->replay = atol(value("--replay"));
    else if (a == "--files") o->files = true;
    else if (a.rfind("--", 0) == 0) return false;
    else o->paths.push_back(a);
  }
  if (o->jobs <= 0) o->jobs = int(sysconf(_SC_NPROCESSORS_ONLN));
  if (o->jobs <= 0) o->jobs = 1;
  return !o->paths.empty() && o->timeout_s > 0;
}

}  // namespace
}  // namespace fuzz
}  // namespace etb

int main(int argc, char** argv) {
  using namespace etb::fuzz;
  Options o;
  if (!parse(argc, argv, &o)) {
    fprintf(stderr,
            "usage: hostile [--seed N] [--mutations N] [--jobs N] [--timeout S] [--out DIR] FIXTURE...\n"
            "       hostile --files [--out DIR] FILE...\n"
            "       hostile --replay CASE [--seed N] [--mutations N] FIXTURE\n");
    return 2;
  }
  if (o.replay >= 0) return replay(o);
  mkdir(o.out.c_str(), 0755);
  if (mkdir((o.out + "/.logs").c_str(), 0755) != 0 && errno != EEXIST) {
    fprintf(stderr, "hostile: cannot create %s/.logs: %s\n", o.out.c_str(), strerror(errno));
    return 2;
  }
  if (o.files) return run_files(o);
  Tally total;
  bool ok = true;
  for (const std::string& path : o.paths) {
    Fixture f;
    f.path = path;
    f.name = base_name(path);
    if (!read_file(path, &f.bytes)) {
      fprintf(stderr, "hostile: cannot read %s\n", path.c_str());
      return 2;
    }
    f.bundled = etb::is_bundled_program(f.bytes.data(), f.bytes.size());
    ok = run_fixture(f, o, total) && ok;
  }
  uint32_t failed = total.crashes + total.hangs + total.disallowed;
  printf("hostile: %u passed, %u failed\n", total.passed, failed);
  return ok && failed == 0 ? 0 : 1;
}

// Runs untrusted program bytes the way etrun does, for the hostile-corpus
// driver (hostile_main.cpp) and the libFuzzer target (fuzz_program.cpp):
// open through runner::Session, load the method(s), set bundled or seeded
// random inputs, execute twice (the second time after restore_inputs, as a
// timed run does), compare bundled outputs and read every output back. Each
// input runs twice: opened with Session::open_file on a memfd (mapped
// read-only, as etrun maps a file: writes into program memory fault) and
// with Session::open_bytes (a heap copy: ASan sees reads past its end).
//
//   Outcome o = exercise(bytes, size, ExerciseMode::Runner);
//   _exit(o.exit_code);   // 0, 3, 4, 5, 6 or 7 as etrun would exit
//
// Nothing here aborts on bad input: every failure is an Outcome.
#pragma once
#include <stddef.h>
#include <stdint.h>

#include "runtime/error.h"

namespace etb {
namespace fuzz {

// The call that returned the error (Done when none did). Restore is the
// second setting of the inputs, after an execute.
enum class Stage : uint32_t { Done, Open, DefaultMethod, LoadMethod, Inputs, Execute, Restore, Check };

// Exit code of an input that behaves differently mapped read-only (as etrun
// maps files) and copied to the heap (as the Node addon holds bytes): never
// a runner code, always a bug.
constexpr int kExitDisagree = 90;

enum class ExerciseMode {
  // Exactly etrun's path: the default method, every bundled case; a bundle
  // without cases for the method is a bad input (3).
  Runner,
  // Every method; random inputs where a bundle has no cases (more coverage).
  AllMethods,
};

struct Outcome {
  int exit_code = 0;          // runner-contract exit code
  Stage stage = Stage::Done;  // where the first error happened
  Error error = Error::Ok;
  char message[240] = {0};    // the Diag message (truncated)
};

// `data` is not retained; it is copied into 64-byte aligned memory.
Outcome exercise(const uint8_t* data, size_t size, ExerciseMode mode);

const char* stage_name(Stage s);

}  // namespace fuzz
}  // namespace etb

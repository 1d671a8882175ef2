// libFuzzer target: any bytes as a program or bundled program, through the
// runner's Session (fuzz/exercise.h): open, load every method, bundled or
// seeded random inputs, execute twice, check and read the outputs. Bad input
// must come back as an error value; a crash, hang, sanitizer report or leak
// is a bug in the runtime.
//
//   node native/build.mjs fuzz
//   scripts/fuzz.sh 60        builds, seeds a corpus, runs, prints cov/ft
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#include "fuzz/exercise.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  etb::fuzz::Outcome o = etb::fuzz::exercise(data, size, etb::fuzz::ExerciseMode::AllMethods);
  if (o.exit_code == etb::fuzz::kExitDisagree) {
    fprintf(stderr, "fuzz_program: %s\n", o.message);
    abort();  // a finding: libFuzzer saves the input
  }
  return 0;
}

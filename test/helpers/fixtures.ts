// Paths tests share: the repository root and the real ExecuTorch fixtures beside it
// (../shared/fixtures, see its README for what each file computes).

import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');

export function fixture(...parts: string[]): string {
  return path.resolve(repoRoot, '..', 'shared', 'fixtures', ...parts);
}

export const ADD_MODEL = fixture('executorch', 'arduino_AddModel.pte');
export const APPLE_ADD = fixture('executorch', 'apple_tests_add.pte');
export const MODULE_LINEAR = fixture('executorch', 'ModuleLinear-no-constant-segment.pte');
export const BUNDLED = fixture('executorch', 'module_test_bundled_program.bpte');
export const KEYWORD_SPOTTING = fixture('executorch', 'arduino_KeywordSpotting.pte');
/** Real XNNPACK-delegated programs (run by native/backends/xnnpack). */
export const XNNPACK_PROGRAMS = ['conv3x3.pte', 'linear129.pte', 'quantized_linear.pte'].map((f) => fixture('xnnpack', f));

/** Programs our runtime runs end to end today. */
export const RUNNABLE_PROGRAMS = [ADD_MODEL, APPLE_ADD, MODULE_LINEAR, BUNDLED, KEYWORD_SPOTTING];

/** The zoo cache the zoo tests share with `etbench run` started from the repository root (its
 * default home): a model's files are generated once per checkout state (the cache key covers
 * the zoo's and the reference's source), not once per test. */
export const ZOO_TEST_HOME = path.join(repoRoot, '.etbench');

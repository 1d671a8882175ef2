/**
 * Test helpers for program/: the real ExecuTorch files live outside the repo in
 * ../shared/fixtures (never copied in), next to the checkout.
 */
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
export const fixturesDir = path.resolve(repoRoot, '..', 'shared', 'fixtures');

/** Bytes of a fixture, e.g. `executorch/arduino_AddModel.pte`, in a fresh Uint8Array. */
export function fixture(relative: string): Uint8Array {
  return new Uint8Array(fs.readFileSync(path.join(fixturesDir, relative)));
}

export const PROGRAM_FIXTURES = [
  'executorch/arduino_AddModel.pte',
  'executorch/arduino_HelloExecuTorch.pte',
  'executorch/arduino_KeywordSpotting.pte',
  'executorch/apple_tests_add.pte',
  'executorch/ModuleLinear-no-constant-segment.pte',
  'executorch/module_test_bundled_program.embedded.pte',
  'xnnpack/conv3x3.pte',
  'xnnpack/linear129.pte',
  'xnnpack/quantized_linear.pte',
] as const;

export const BUNDLED_FIXTURES = ['executorch/module_test_bundled_program.bpte'] as const;

/**
 * Test inputs and expected outputs carried by a bundled program (`.bpte`),
 * shared by readBundled and writeBundled (bundled-program.md).
 */
import type { DType, TensorData } from './dtype.js';
import type { ProgramInfo } from './types.js';

/** One input or expected output of a bundled test case. */
export type BundledValue =
  | {
      kind: 'Tensor';
      dtype: DType;
      shape: number[];
      dimOrder: number[];
      /** Elements in the order given by dimOrder; see TensorData for dtype → array type. */
      data: TensorData;
    }
  | { kind: 'Int'; value: bigint }
  | { kind: 'Bool'; value: boolean }
  | { kind: 'Double'; value: number };

export interface BundledTestCase {
  inputs: BundledValue[];
  /** May be empty: the reference runtime then reports verification as NotSupported. */
  expectedOutputs: BundledValue[];
}

export interface BundledSuite {
  /** Must match an ExecutionPlan name of the embedded program. */
  methodName: string;
  testCases: BundledTestCase[];
}

export interface BundledProgramInfo {
  /** BundledProgram.version (2 in the real file). */
  version: number;
  /** The embedded `.pte`, copied into a fresh buffer (safe to keep and to hand to a runtime). */
  programBytes: Uint8Array;
  program: ProgramInfo;
  suites: BundledSuite[];
}

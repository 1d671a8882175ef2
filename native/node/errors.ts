// The one error class every runtime failure in the Node binding throws. The addon constructs it
// itself (native.ts registers the class at load), so callers test with `instanceof EtRuntimeError`
// whichever call failed.

import { RUNNER_EXIT_CODES } from '../runner/index.js';

/** etb::Error values (native/runtime/error.h); the numbers equal ExecuTorch's. */
export const ET_ERROR_CODES = {
  Ok: 0x00,
  Internal: 0x01,
  InvalidState: 0x02,
  EndOfMethod: 0x03,
  AlreadyLoaded: 0x04,
  NotSupported: 0x10,
  NotImplemented: 0x11,
  InvalidArgument: 0x12,
  InvalidType: 0x13,
  OperatorMissing: 0x14,
  RegistrationExceedingMaxKernels: 0x15,
  RegistrationAlreadyRegistered: 0x16,
  NotFound: 0x20,
  MemoryAllocationFailed: 0x21,
  AccessFailed: 0x22,
  InvalidProgram: 0x23,
  InvalidExternalData: 0x24,
  OutOfResources: 0x25,
  DelegateInvalidCompatibility: 0x30,
  DelegateMemoryAllocationFailed: 0x31,
  DelegateInvalidHandle: 0x32,
} as const;

const UNSUPPORTED: readonly number[] = [ET_ERROR_CODES.OperatorMissing, ET_ERROR_CODES.NotSupported, ET_ERROR_CODES.NotImplemented];
const BAD_PROGRAM: readonly number[] = [
  ET_ERROR_CODES.InvalidProgram,
  ET_ERROR_CODES.InvalidArgument,
  ET_ERROR_CODES.InvalidType,
  ET_ERROR_CODES.NotFound,
  ET_ERROR_CODES.InvalidExternalData,
];
const RESOURCE_LIMIT: readonly number[] = [
  ET_ERROR_CODES.MemoryAllocationFailed,
  ET_ERROR_CODES.OutOfResources,
  ET_ERROR_CODES.DelegateMemoryAllocationFailed,
];

/** The runner contract's exit code for a runtime error code, as etrun maps it (3, 4, 5 or 7). */
export function exitCodeForError(code: number): number {
  if (UNSUPPORTED.includes(code)) return RUNNER_EXIT_CODES.UNSUPPORTED;
  if (BAD_PROGRAM.includes(code)) return RUNNER_EXIT_CODES.BAD_PROGRAM;
  if (RESOURCE_LIMIT.includes(code)) return RUNNER_EXIT_CODES.RESOURCE_LIMIT;
  return RUNNER_EXIT_CODES.RUNTIME_FAILURE;
}

/** A failure inside the runtime: a bad or unsupported program, bad inputs, a kernel error. */
export class EtRuntimeError extends Error {
  override readonly name = 'EtRuntimeError';
  /** The numeric etb::Error value, e.g. 0x14. */
  readonly code: number;
  /** Its name, e.g. 'OperatorMissing'. */
  readonly codeName: string;
  /** What etrun would exit with for the same failure (runner-contract.md "Exit codes"). */
  readonly exitCode: number;
  /** The runtime's own sentence, without the code name in front. */
  readonly detail: string;

  constructor(code: number, codeName: string, detail: string) {
    super(`${codeName}: ${detail}`);
    this.code = code;
    this.codeName = codeName;
    this.exitCode = exitCodeForError(code);
    this.detail = detail;
  }
}

// The typed form of etrun's command line (runner-contract.md, "Command line").

import type { KernelSet } from '../../../native/runner/index.js';

/** Where the method's inputs come from: the bundled cases, seeded random values, or a file. */
export type EtrunInputs = 'bundled' | { random: number } | { file: string };

/**
 * One etrun invocation. A field left undefined or null is not passed, so etrun's default
 * applies (for example forward, portable kernels, one thread).
 */
export interface EtrunArgs {
  program: string;
  method?: string | null;
  kernels?: KernelSet | null;
  /** Delegates allowed to run; [] allows none. */
  backends?: readonly string[] | null;
  threads?: number | null;
  warmup?: number | null;
  iterations?: number | null;
  minSeconds?: number | null;
  inputs?: EtrunInputs | null;
  /** The bundled test case that is timed (all are checked). */
  case?: number | null;
  rtol?: number | null;
  atol?: number | null;
  /** Per-instruction timing into op_profile. */
  profile?: boolean | null;
  /** Add the outputs to the document. */
  printOutputs?: boolean | null;
  /** Compare the outputs with this file's tensors (--expected). */
  expected?: string | null;
}

function inputsFlag(inputs: EtrunInputs): string {
  if (inputs === 'bundled') return 'bundled';
  if ('random' in inputs) return `random:${inputs.random}`;
  return inputs.file;
}

/** etrun's argv (without the binary) for these arguments; the program comes first. */
export function buildEtrunArgs(args: EtrunArgs): string[] {
  const argv = [args.program];
  const value = (flag: string, v: string | number | null | undefined): void => {
    if (v != null) argv.push(flag, String(v));
  };
  value('--method', args.method);
  value('--kernels', args.kernels);
  value('--backends', args.backends?.join(','));
  value('--threads', args.threads);
  value('--warmup', args.warmup);
  value('--iterations', args.iterations);
  value('--min-seconds', args.minSeconds);
  value('--inputs', args.inputs == null ? null : inputsFlag(args.inputs));
  value('--case', args.case);
  value('--rtol', args.rtol);
  value('--atol', args.atol);
  value('--expected', args.expected);
  if (args.profile === true) argv.push('--profile');
  if (args.printOutputs === true) argv.push('--print-outputs');
  return argv;
}

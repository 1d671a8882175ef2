// `etbench run`: parse, compile, run.
//
//   import { parseRunArgs, compileRunOptions, run } from './cli/run/index.js';
//
//   const raw = parseRunArgs(['--devices', 'all', '--programs', 'a.pte', 'b.bpte']);
//   const options = compileRunOptions(raw, { cwd: process.cwd(), env: process.env });
//   await run(options);   // prints the table; throws JobsFailedError if a job failed
//
// Each program x method is one job; jobs run one at a time, each in its own etrun process
// through the host driver (agent/drivers/host). Output goes through a Reporter (../reporters).

export { run } from './run.js';
export {
  compileRunOptions,
  parseRunArgs,
  DEFAULT_TIMEOUT_S,
  RUN_FORMATS,
  type RawRunOptions,
  type RunFormat,
  type RunOptions,
} from './options.js';
export { availableDevices, selectDevices, HOST_DEVICE } from './devices.js';
export { planJobs } from './plan.js';
export { DEFAULT_SUITE, SUITES, loadSuite, etbenchHomeOf, type SuiteName } from './suites.js';
export { RUN_HELP } from './help.js';
export type * from './types.js';

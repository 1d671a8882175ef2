// The host driver's core: runs etrun as a child process on this machine. The DeviceDriver
// interface of DESIGN.md (discover, prepare, run, cleanup) will be built around runEtrun.
//
//   import { runEtrun } from './agent/drivers/host/index.js';
//
//   const run = await runEtrun({
//     program: 'model.pte', kernels: 'portable', iterations: 50,
//     timeoutMs: 60_000, signal: controller.signal,  // SIGTERM, then SIGKILL after a grace
//   });
//   if (run.status === 'OK') console.log(run.result?.latency_ms?.p50);
//   else console.error(run.status, run.problem);      // e.g. FAILED 'UNSUPPORTED: ...'
//
// runEtrun throws only when there is nothing to run (EtrunNotFoundError).

export { runEtrun, type RunEtrunOptions } from './run-etrun.js';
export { limitedCommand, lookupUser, type ResourceLimits, type RunAsUser } from './limits.js';
export { buildEtrunArgs, type EtrunArgs, type EtrunInputs } from './args.js';
export { locateEtrun, ETRUN_ENV, type LocateEtrunOptions } from './locate.js';
export { interpretEnding, type EtrunRun, type EtrunStatus, type ProcessEnding } from './outcome.js';
export { schedulingCapabilities, type EtrunCapabilities } from './capabilities.js';
export { EtrunNotFoundError, type EtrunSource } from './errors.js';

// `etbench crosscheck`: the same program and inputs on our runtime (etrun) and on ExecuTorch's
// own Python runtime, output by output.
//
//   import { parseCrosscheckArgs, compileCrosscheckOptions, crosscheck } from './cli/crosscheck/index.js';
//
//   const raw = parseCrosscheckArgs(['model.bpte', '--inputs', 'random:0', '--inputs', 'bundled']);
//   const report = await crosscheck(compileCrosscheckOptions(raw, { cwd: process.cwd() }));
//   // prints the table; CrosscheckFailedError (exit 1) when a check disagrees or a side failed
//   for (const c of report.checks) console.log(c.inputs, c.etrun.exitCode, c.executorch.error, c.outputs[0]?.maxAbsDiff);

export { crosscheck, CrosscheckFailedError, type CrosscheckCheck, type CrosscheckReport, type SideOutcome } from './crosscheck.js';
export {
  CROSSCHECK_HELP, compileCrosscheckOptions, inputsLabel, parseCrosscheckArgs,
  type CrosscheckInputs, type CrosscheckOptions, type RawCrosscheckOptions,
} from './options.js';
export { compareOutputs, compareTensors, type OutputComparison, type Tolerance } from './compare.js';
export { bundledExpected, bundledInputs, toLogicalOrder } from './bundled.js';
export { runExecuTorch, type EtDocument, type EtJob } from './executorch.js';
export { renderCrosscheck } from './render.js';

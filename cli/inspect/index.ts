// `etbench inspect`: what a .pte or .bpte holds, as tables or JSON.
//
//   import { parseInspectArgs, compileInspectOptions, inspect } from './cli/inspect/index.js';
//
//   const raw = parseInspectArgs(['model.pte', '--json']);
//   await inspect(compileInspectOptions(raw, { cwd: process.cwd() }));   // prints; ProgramFileError → exit 1
//
//   // or without printing:
//   const report = inspectBytes('model.pte', bytes);    // InspectReport, the --json document

export { inspect, ProgramFileError } from './inspect.js';
export { INSPECT_HELP, compileInspectOptions, parseInspectArgs, type InspectOptions, type RawInspectOptions } from './options.js';
export { inspectBytes, programReport, type InspectReport, type IoReport, type MethodReport, type ProgramReport } from './report.js';
export { renderReport } from './render.js';

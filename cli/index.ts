// The etbench command line as a library: the same code bin/etbench.js runs, callable in-process.
//
//   import { main, run, compileRunOptions } from './cli/index.js';
//
//   const code = await main(['run', '--devices', 'all', '--programs', 'm.pte']);  // 0, 1 or 2
//
//   // or one command, with your own output sink:
//   const io = { stdout: (s) => out.push(s), stderr: (s) => err.push(s), stderrIsTTY: false,
//                cwd: process.cwd(), env: process.env, signal: null };
//   await run(compileRunOptions({ devices: ['all'], programs: ['m.pte'], format: 'json' }, io), io);
//   // throws JobsFailedError (exit 1) or UsageError (exit 2); main() maps them for you.

export { main } from './main.js';
export { processIo, type CliIo } from './io.js';
export * from './errors.js';
export * from './run/index.js';
export * from './reporters/index.js';
export * from './export/index.js';
export * from './crosscheck/index.js';
export * from './setup/index.js';

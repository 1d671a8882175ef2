// The runner contract on the TypeScript side: the result document's types, its validator, the
// exit codes, and where the etrun binary is built.
//
//   import { validateRunnerResult, runnerExitName, etrunBuildPath } from '../native/runner/index.js';
//
//   const binary = etrunBuildPath('release');        // build/native/release/etrun
//   // ... run it, collect stdout and the exit code ...
//   const result = validateRunnerResult(JSON.parse(stdout)); // throws RunnerResultInvalidError
//   console.log(result.latency_ms?.p50, runnerExitName(exitCode)); // e.g. 0.0042 'OK'
//
// The schema itself is native/runner/result.schema.json; it and result.ts change together.

export * from './result.js';
export * from './errors.js';
export * from './exit-codes.js';
export * from './paths.js';

// The verdict library the nightly code uses. Until the stats branch's orchestrator/verdicts/
// (issue 10, contract 2) is merged, this re-exports the stand-in with the same signatures;
// the integrator points it at '../../orchestrator/verdicts/index.js' and deletes the stand-in.

export { changePoints, compareTrials, median, nightVerdicts, type Verdict, type VerdictKind } from './verdicts-fallback.js';

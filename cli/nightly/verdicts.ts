// The verdict library the nightly code uses: the stats branch's orchestrator/verdicts/ (issue 10,
// contract 2), in one place so the nightly files name it once.

export { benjaminiHochberg, changePoints, compareTrials, median, type Verdict, type VerdictKind } from '../../orchestrator/verdicts/index.js';

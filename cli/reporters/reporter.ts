// The Reporter interface: how `etbench run` tells the world what happens. run.ts calls the
// hooks in this order: onRunStart, then per job onJobStart and onJobResult, then onRunFinish.

import type { Job, JobOutcome, RunPlan, RunSummary } from '../run/types.js';

export interface Reporter {
  onRunStart(plan: RunPlan): void;
  onJobStart(job: Job): void;
  onJobResult(job: Job, outcome: JobOutcome): void;
  /** Called also when the run was interrupted (summary.skipped > 0). */
  onRunFinish(summary: RunSummary): void;
}

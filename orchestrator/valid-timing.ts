// The one rule of correctness-gated performance (issue 10): a result is a timing only when the
// run succeeded and no correctness check failed. A result whose outputs were wrong measured a
// broken program: it never enters statistics, comparisons, trends, dashboards' percentiles or a
// baseline. Every reader of timings asks this function.

import { ResultStatus, type JobResult } from '../proto/index.js';

/** True when the result may be used as a timing (status OK, no failed correctness check). */
export function validTiming(result: JobResult | null | undefined): result is JobResult {
  if (result == null || result.status !== ResultStatus.RESULT_STATUS_OK) return false;
  return !(result.correctnessChecked && !result.correctnessPassed);
}

/** Why a result is not a timing, for people; null when it is one. */
export function invalidTimingReason(result: JobResult | null | undefined): string | null {
  if (result == null) return 'no result';
  if (result.correctnessChecked && !result.correctnessPassed) return 'wrong result: a correctness check failed';
  if (result.status !== ResultStatus.RESULT_STATUS_OK) return `the run did not succeed (${ResultStatus[result.status] ?? result.status})`;
  return null;
}

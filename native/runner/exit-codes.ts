// The runner's exit codes (runner-contract.md, "Exit codes"). Every producer of the contract
// uses them; consumers turn them into names with runnerExitName().

export const RUNNER_EXIT_CODES = {
  OK: 0,
  USAGE: 2,
  BAD_PROGRAM: 3,
  UNSUPPORTED: 4,
  RUNTIME_FAILURE: 5,
  WRONG_RESULT: 6,
  RESOURCE_LIMIT: 7,
} as const;

export type RunnerExitName = keyof typeof RUNNER_EXIT_CODES;

/** The contract's name for an exit code, or null for a code the contract does not define. */
export function runnerExitName(code: number): RunnerExitName | null {
  for (const [name, value] of Object.entries(RUNNER_EXIT_CODES)) {
    if (value === code) return name as RunnerExitName;
  }
  return null;
}

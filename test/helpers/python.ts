// Tests that need the project's Python environment (.venv, `npm run setup:python`).
import { existsSync } from 'node:fs';
import path from 'node:path';
import test from 'ava';
import { repoRoot } from './fixtures.js';

export const PYTHON = path.join(repoRoot, '.venv', 'bin', 'python');

/**
 * Registers the tests, or (without .venv) one skipped test with the reason printed; under
 * CI=true a missing .venv is a failure instead, so CI never skips them.
 */
export function withPython(what: string, register: () => void): void {
  if (existsSync(PYTHON)) {
    register();
  } else if (process.env['CI'] === 'true') {
    test(`${what} needs the Python environment`, (t) => {
      t.fail(`${PYTHON} does not exist: run \`npm run setup:python\` (docs/python.md)`);
    });
  } else {
    console.log(`[${what}] SKIPPED: ${PYTHON} does not exist; run \`npm run setup:python\` (docs/python.md)`);
    test.skip(`${what} (needs \`npm run setup:python\`)`, () => {});
  }
}

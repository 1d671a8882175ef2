// `etbench nightly SUITE.yaml`: one night of a suite on an orchestrator (--server) or on the
// embedded farm, reported as markdown and JSON, optionally posted to a webhook. Exit 1 when a
// regression is confirmed or a series is invalid (failed jobs, wrong outputs).

import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { locateEtrun } from '../../agent/drivers/host/index.js';
import { ExitError, UsageError } from '../errors.js';
import type { CliIo } from '../io.js';
import { FarmClient } from '../farm/client.js';
import { startEmbeddedFarm } from '../farm/embedded.js';
import { etbenchHome, resolveToken } from '../farm/home.js';
import { fileHistory } from './history.js';
import { historyFileFor, runNight, type NightReport } from './night.js';
import { renderMarkdown } from './report.js';
import { SuiteError, readSuite } from './suite.js';
import { postWebhook, type WebhookOutcome } from './webhook.js';

export const NIGHTLY_HELP = `Usage: etbench nightly SUITE.yaml [options]

Runs a nightly suite (docs/nightly.md) once: submits one run, compares every series with its
baseline, reruns suspected regressions to confirm them, and reports.

  --server HOST:PORT   the orchestrator (default: an embedded farm with this machine's host)
  --token TOKEN        a token with the submit scope (default $ETBENCH_TOKEN, $ETBENCH_HOME/token)
  --report FILE.md     write the markdown summary there (it is printed either way)
  --json FILE          write the report as JSON
  --webhook URL        POST the JSON report there; a failure is reported, not fatal
  --history FILE       the series history (default $ETBENCH_HOME/nightly/SUITE_NAME.json)

Exit status: 0 no confirmed regression; 1 a confirmed regression or an invalid series (failed
jobs or wrong outputs); 2 a usage or suite-file error.
`;

export interface NightlyOutcome {
  report: NightReport;
  webhook: WebhookOutcome | null;
}

/** Exit 1 for confirmed regressions and invalid series, naming them. */
export function gate(report: NightReport): void {
  const bad = report.series.filter((s) => s.status === 'regression' || s.status === 'invalid');
  if (bad.length === 0) return;
  const lines = bad.map((s) => `  ${s.program} ${s.method || 'default'} on ${s.deviceId}: ${s.status === 'regression' ? `${((s.verdict!.ratio - 1) * 100).toFixed(1)}% slower (confirmed)` : s.problem}`);
  throw new ExitError(1, `nightly ${report.suite}: ${report.counts.regression} confirmed regressions, ${report.counts.invalid} invalid series:\n${lines.join('\n')}`);
}

export async function nightlyCommand(argv: readonly string[], io: CliIo): Promise<void> {
  let parsed;
  try {
    parsed = parseArgs({
      args: [...argv], strict: true, allowPositionals: true,
      options: {
        server: { type: 'string' }, token: { type: 'string' }, report: { type: 'string' }, json: { type: 'string' }, webhook: { type: 'string' },
        history: { type: 'string' }, help: { type: 'boolean', short: 'h' },
      },
    });
  } catch (e) {
    throw new UsageError(`nightly: ${(e as Error).message}`);
  }
  const { values, positionals } = parsed;
  if (values.help === true) return io.stdout(NIGHTLY_HELP);
  if (positionals.length !== 1) throw new UsageError('nightly needs one suite file: etbench nightly SUITE.yaml');
  if (values.webhook !== undefined && !/^https?:\/\//.test(values.webhook)) throw new UsageError(`--webhook must be an http(s) URL, got '${values.webhook}'`);
  const suite = await readSuite(path.resolve(io.cwd, positionals[0]!)).catch((e: unknown) => {
    throw e instanceof SuiteError ? new UsageError(`nightly: ${e.message}`) : e;
  });
  const home = etbenchHome(io.env, io.cwd);
  const historyFile = values.history !== undefined ? path.resolve(io.cwd, values.history) : historyFileFor(home, suite.name);
  let farm: { client: FarmClient; close(): Promise<void> };
  if (values.server === undefined) {
    await locateEtrun({ env: io.env });
    farm = await startEmbeddedFarm(io.env);
  } else {
    const client = new FarmClient(values.server, resolveToken(values.token, io.env, io.cwd));
    try {
      await client.waitReady(10_000);
    } catch (e) {
      client.close();
      throw new ExitError(1, `cannot reach the orchestrator at ${values.server}: ${(e as Error).message}`);
    }
    farm = { client, close: async () => client.close() };
  }
  let report: NightReport;
  try {
    report = await runNight(farm.client, suite, { home, env: io.env, history: fileHistory(historyFile, suite.name), log: (line) => io.stderr(`etbench nightly: ${line}\n`) });
  } finally {
    await farm.close();
  }
  const markdown = renderMarkdown(report);
  io.stdout(markdown);
  if (values.report !== undefined) await writeFile(path.resolve(io.cwd, values.report), markdown);
  let webhook: WebhookOutcome | null = null;
  if (values.webhook !== undefined) {
    webhook = await postWebhook(values.webhook, report);
    io.stderr(webhook.ok ? `etbench nightly: webhook ${webhook.url}: HTTP ${webhook.status}\n` : `etbench nightly: webhook ${webhook.url} failed: ${webhook.error}\n`);
  }
  if (values.json !== undefined) await writeFile(path.resolve(io.cwd, values.json), `${JSON.stringify({ ...report, webhook }, null, 2)}\n`);
  gate(report);
}

// `etbench serve --nightly SUITE.yaml [--at CRON] [--nightly-webhook URL]`: checks the flags
// before the orchestrator starts, then runs the schedule against the orchestrator's own gRPC
// address with one of its tokens that may submit.

import path from 'node:path';
import type { TokenGrant } from '../../orchestrator/index.js';
import type { Store } from '../../orchestrator/store/store.js';
import { UsageError } from '../errors.js';
import { FarmClient } from '../farm/client.js';
import { CronError, parseCron, type Cron } from './cron.js';
import { storeHistory } from './history.js';
import { NightlySchedule, scheduledNight } from './schedule.js';
import { SuiteError, readSuite, type NightlySuite } from './suite.js';

export interface ScheduleFlags {
  nightly?: string;
  at?: string;
  'nightly-webhook'?: string;
}

export interface PreparedSchedule {
  suite: NightlySuite;
  cron: Cron;
  webhook: string | null;
}

export async function prepareSchedule(flags: ScheduleFlags, cwd: string): Promise<PreparedSchedule | null> {
  if (flags.nightly === undefined) {
    if (flags.at !== undefined || flags['nightly-webhook'] !== undefined) throw new UsageError('--at and --nightly-webhook need --nightly SUITE.yaml');
    return null;
  }
  const webhook = flags['nightly-webhook'] ?? null;
  if (webhook !== null && !/^https?:\/\//.test(webhook)) throw new UsageError(`--nightly-webhook must be an http(s) URL, got '${webhook}'`);
  try {
    return { suite: await readSuite(path.resolve(cwd, flags.nightly)), cron: parseCron(flags.at ?? '0 2 * * *'), webhook };
  } catch (e) {
    if (e instanceof SuiteError || e instanceof CronError) throw new UsageError(`--${e instanceof CronError ? 'at' : 'nightly'}: ${e.message}`);
    throw e;
  }
}

export function startSchedule(
  prepared: PreparedSchedule, orchestrator: { port: number; store: Store }, tokens: readonly TokenGrant[], home: string, env: NodeJS.ProcessEnv, log: (line: string) => void,
): NightlySchedule {
  const grant = tokens.find((g) => g.scopes.includes('admin') || (g.scopes.includes('submit') && g.scopes.includes('read')));
  if (grant === undefined) throw new UsageError('--nightly needs a token with the admin scope, or submit and read, in --tokens');
  const { suite } = prepared;
  const schedule = new NightlySchedule({
    suite: suite.name, cron: prepared.cron, store: orchestrator.store, log,
    night: async () => {
      const client = new FarmClient(`127.0.0.1:${orchestrator.port}`, grant.token);
      try {
        const { report, webhook, files } = await scheduledNight(client, suite, {
          home, env, history: storeHistory(orchestrator.store, suite.name), reportDir: path.join(home, 'nightly', 'reports'), webhook: prepared.webhook,
        });
        log(`nightly ${suite.name}: run ${report.runId}: ${report.counts.regression} confirmed regressions, ${report.counts.invalid} invalid; report ${files[0]}`);
        if (webhook !== null && !webhook.ok) log(`nightly ${suite.name}: webhook ${webhook.url} failed: ${webhook.error}`);
      } finally {
        client.close();
      }
    },
  });
  schedule.start();
  log(`nightly ${suite.name}: scheduled at '${prepared.cron.text}' (UTC)`);
  return schedule;
}

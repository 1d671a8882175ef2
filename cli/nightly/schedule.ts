// The orchestrator's nightly schedule (`etbench serve --nightly SUITE.yaml --at CRON`): a timer
// checks each minute against the cron expression; a matching minute is claimed in the store
// (migration 5), so a restart within the minute or a second replica never runs it twice. A slot
// missed while no orchestrator was up is not caught up. One night runs at a time.

import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { Store } from '../../orchestrator/store/store.js';
import type { FarmClient } from '../farm/client.js';
import { cronMatches, type Cron } from './cron.js';
import { runNight, type NightOptions, type NightReport } from './night.js';
import { renderMarkdown } from './report.js';
import type { NightlySuite } from './suite.js';
import { postWebhook, type WebhookOutcome } from './webhook.js';

export interface ScheduledNightOptions extends NightOptions {
  /** Where each night's SUITE-RUN.md and .json are written. */
  reportDir: string;
  webhook: string | null;
}

/** One scheduled night: run, write the reports, notify. Returns the report and webhook outcome. */
export async function scheduledNight(client: FarmClient, suite: NightlySuite, options: ScheduledNightOptions): Promise<{ report: NightReport; webhook: WebhookOutcome | null; files: string[] }> {
  const report = await runNight(client, suite, options);
  const webhook = options.webhook === null ? null : await postWebhook(options.webhook, report);
  await mkdir(options.reportDir, { recursive: true });
  const base = path.join(options.reportDir, `${suite.name}-${report.runId}`);
  await writeFile(`${base}.md`, renderMarkdown(report));
  await writeFile(`${base}.json`, `${JSON.stringify({ ...report, webhook }, null, 2)}\n`);
  return { report, webhook, files: [`${base}.md`, `${base}.json`] };
}

export interface ScheduleOptions {
  suite: string;
  cron: Cron;
  store: Pick<Store, 'claimNightlySlot'>;
  /** Runs the night; its errors are the schedule's to log, never to stop it. */
  night: (slot: Date) => Promise<void>;
  log: (line: string) => void;
  now?: () => number;
  tickMs?: number;
}

export class NightlySchedule {
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<void> | null = null;
  private checkedMinute: number;
  private readonly now: () => number;

  constructor(private readonly options: ScheduleOptions) {
    this.now = options.now ?? Date.now;
    // The current minute is still to be checked: a server started at 02:00:10 runs 02:00.
    this.checkedMinute = Math.floor(this.now() / 60_000) * 60_000 - 60_000;
  }

  start(): void {
    this.timer = setInterval(() => void this.tick(), this.options.tickMs ?? 10_000);
    this.timer.unref();
  }

  /** Checks the minutes since the last check (at most an hour of them); starts a night on a match. */
  async tick(): Promise<boolean> {
    const minute = Math.floor(this.now() / 60_000) * 60_000;
    let due: number | null = null;
    for (let m = Math.max(this.checkedMinute + 60_000, minute - 3_600_000); m <= minute; m += 60_000) {
      if (cronMatches(this.options.cron, new Date(m))) due = m;
    }
    this.checkedMinute = minute;
    if (due === null) return false;
    if (this.running !== null) {
      this.options.log(`nightly ${this.options.suite}: slot ${new Date(due).toISOString()} skipped, the previous night is still running`);
      return false;
    }
    if (!(await this.options.store.claimNightlySlot(this.options.suite, due, this.now()))) return false;
    const slot = new Date(due);
    this.options.log(`nightly ${this.options.suite}: starting the ${slot.toISOString()} night`);
    this.running = this.options.night(slot)
      .catch((e: unknown) => this.options.log(`nightly ${this.options.suite}: the ${slot.toISOString()} night failed: ${(e as Error).message}`))
      .finally(() => {
        this.running = null;
      });
    return true;
  }

  /** The night in progress, if any (tests and shutdown wait for it). */
  get current(): Promise<void> | null {
    return this.running;
  }

  async stop(): Promise<void> {
    if (this.timer !== null) clearInterval(this.timer);
    this.timer = null;
    await this.running;
  }
}

// Notifications: the night's report POSTed as JSON to a webhook. A webhook that fails is
// reported (returned, printed, put in the report's JSON) and never costs the report itself.

import type { NightReport } from './night.js';

export interface WebhookOutcome {
  url: string;
  ok: boolean;
  status: number | null;
  error: string | null;
}

export async function postWebhook(url: string, report: NightReport, timeoutMs = 10_000): Promise<WebhookOutcome> {
  try {
    const response = await fetch(url, {
      method: 'POST', headers: { 'content-type': 'application/json', 'user-agent': 'etbench-nightly' },
      body: JSON.stringify(report), signal: AbortSignal.timeout(timeoutMs),
    });
    await response.arrayBuffer().catch(() => undefined);
    return { url, ok: response.ok, status: response.status, error: response.ok ? null : `HTTP ${response.status} ${response.statusText}` };
  } catch (e) {
    const cause = (e as { cause?: { message?: string } }).cause?.message;
    return { url, ok: false, status: null, error: `${(e as Error).message}${cause === undefined ? '' : `: ${cause}`}` };
  }
}

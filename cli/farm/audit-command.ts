// `etbench audit --store ADDR`: the orchestrator's audit log read straight from its store (the
// operator's view on the orchestrator host; remote admins use GET /api/v1/audit with an admin
// token). Newest first, one line each, or JSON.

import path from 'node:path';
import { parseArgs } from 'node:util';
import { openStore, storeAddressProblem } from '../../orchestrator/index.js';
import { ExitError, UsageError } from '../errors.js';
import type { CliIo } from '../io.js';
import { etbenchHome } from './home.js';

export const AUDIT_HELP = `Usage: etbench audit [--store ADDR] [--limit N] [--since ISO-TIME] [--json]

Prints the audit log: who (token name, certificate subject) submitted, cancelled, uploaded or
registered as an agent, and every refused attempt, newest first.

  --store ADDR    sqlite:PATH (default sqlite:$ETBENCH_HOME/farm.db) or postgres://...
  --limit N       entries to print (default 100)
  --since TIME    only entries at or after this time (e.g. 2026-01-31T12:00:00Z)
  --json          one JSON object per line
`;

export async function auditCommand(argv: readonly string[], io: CliIo): Promise<void> {
  let values;
  try {
    ({ values } = parseArgs({ args: [...argv], strict: true, allowPositionals: false,
      options: { store: { type: 'string' }, limit: { type: 'string' }, since: { type: 'string' }, json: { type: 'boolean' }, help: { type: 'boolean', short: 'h' } } }));
  } catch (e) {
    throw new UsageError(`audit: ${(e as Error).message}`);
  }
  if (values.help === true) {
    io.stdout(AUDIT_HELP);
    return;
  }
  const address = values.store ?? `sqlite:${path.join(etbenchHome(io.env, io.cwd), 'farm.db')}`;
  const problem = storeAddressProblem(address);
  if (problem !== null) throw new UsageError(`--store: ${problem}`);
  const limit = Number(values.limit ?? '100');
  if (!Number.isSafeInteger(limit) || limit < 1) throw new UsageError(`--limit must be an integer >= 1, got '${values.limit}'`);
  const since = values.since === undefined ? 0 : Date.parse(values.since);
  if (Number.isNaN(since)) throw new UsageError(`--since must be a time like 2026-01-31T12:00:00Z, got '${values.since}'`);
  const store = await openStore(address).catch((e: unknown) => {
    throw new ExitError(1, `audit: ${(e as Error).message}`);
  });
  try {
    for (const e of await store.auditEntries(limit, since)) {
      io.stdout(values.json === true ? `${JSON.stringify(e)}\n`
        : `${new Date(e.timeMs).toISOString()}  ${e.outcome.padEnd(7)}  ${e.action}  ${e.objectId || '-'}  by ${e.actor} from ${e.peer || '?'}${e.detail === '' ? '' : `  (${e.detail})`}\n`);
    }
  } finally {
    await store.close();
  }
}

// Migration 5: a nightly slot is claimed once, by one claimer, on both store engines; on
// PostgreSQL two stores (two replicas) racing for the same slots each win some, never the same.
// The nightly history kept in the store round-trips, and a night offered twice is kept once.

import path from 'node:path';
import test from 'ava';
import { PgStore, SqliteStore, type Store } from '../../orchestrator/index.js';
import { storeHistory, type HistoryFile } from '../../cli/nightly/history.js';
import { postgresMissing, startPostgres } from '../helpers/postgres.js';
import { tempDir } from '../helpers/temp-dir.js';

async function claimsOnce(t: import('ava').ExecutionContext, store: Store): Promise<void> {
  t.true(store.schemaVersion >= 5);
  t.true(await store.claimNightlySlot('suite-a', 1_000, 5));
  t.false(await store.claimNightlySlot('suite-a', 1_000, 6), 'the same slot again');
  t.true(await store.claimNightlySlot('suite-a', 61_000, 7), 'the next slot');
  t.true(await store.claimNightlySlot('suite-b', 1_000, 8), 'another suite, same minute');

  const history = storeHistory(store, 'suite-a');
  const identity = { program: 'mlp.bpte', programSha: 'abc', method: '', unit: 'u1', deviceId: 'd1', configKey: 'c', build: 'device' };
  const night = (runId: string, at: string, trials: number[]): HistoryFile['series'][string]['points'][number] => ({ runId, at, trials });
  const h: HistoryFile = { version: 1, suite: 'suite-a', series: { k1: { identity, points: [night('r1', '2026-12-01T02:00:00.000Z', [1.5, 1.25]), night('r2', '2026-12-02T02:00:00.000Z', [1.75])] } } };
  await history.save(h);
  await history.save(h);
  t.deepEqual(await history.load(), h);
  t.deepEqual((await storeHistory(store, 'suite-b').load()).series, {});
}

test('sqlite: a slot is claimed once, and stays claimed after reopening', async (t) => {
  const file = path.join(await tempDir(t, 'etbench-slots-'), 'farm.db');
  const store = new SqliteStore(file);
  await claimsOnce(t, store);
  await store.close();
  const again = new SqliteStore(file);
  t.teardown(() => again.close());
  t.false(await again.claimNightlySlot('suite-a', 1_000, 9));
});

const pgMissing = postgresMissing();
(pgMissing === null ? test : test.skip)('pg: a slot is claimed once; two replicas racing never both win a slot', async (t) => {
  const server = await startPostgres();
  t.teardown(() => server.stop());
  const address = await server.createDatabase('slots');
  const a = await PgStore.open(address);
  const b = await PgStore.open(address);
  t.teardown(async () => {
    await a.close();
    await b.close();
  });
  await claimsOnce(t, a);
  const slots = Array.from({ length: 40 }, (_, i) => 120_000 + i * 60_000);
  const results = await Promise.all(slots.flatMap((slot) => [a.claimNightlySlot('race', slot, 1), b.claimNightlySlot('race', slot, 1)]));
  for (let i = 0; i < slots.length; i += 1) t.is(Number(results[2 * i]) + Number(results[2 * i + 1]), 1, `slot ${slots[i]}`);
});

// Chooses the engine from the store address: `sqlite:PATH` (one orchestrator) or
// `postgres://USER[:PASSWORD]@HOST[:PORT]/DB` (one or more replicas sharing the database).

import { PgStore } from './pg.js';
import { SqliteStore } from './sqlite.js';
import type { Store } from './store.js';

export const STORE_ADDRESS_HELP = 'sqlite:PATH or postgres://USER@HOST:PORT/DB';

export function isPostgresAddress(address: string): boolean {
  return /^postgres(ql)?:\/\/./.test(address);
}

/** Why the address is not one we can open, or null when it looks right. */
export function storeAddressProblem(address: string): string | null {
  if (address.startsWith('sqlite:') && address.length > 'sqlite:'.length) return null;
  if (isPostgresAddress(address)) return null;
  return `store address must be ${STORE_ADDRESS_HELP}, got '${address}'`;
}

export async function openStore(address: string): Promise<Store> {
  const problem = storeAddressProblem(address);
  if (problem !== null) throw new Error(problem);
  if (isPostgresAddress(address)) return PgStore.open(address);
  return new SqliteStore(address.slice('sqlite:'.length));
}

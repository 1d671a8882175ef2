// A real PostgreSQL server for tests: initdb into a temporary directory and postgres on a free
// loopback port, its unix socket in that directory too (nothing system-wide is touched). As
// root the server runs as the `postgres` user, as PostgreSQL refuses root. Without the binaries
// the caller skips with the reason, except under CI=true, where PostgreSQL is installed
// (.ci/run) and a missing server is a failure.

import { spawnSync } from 'node:child_process';
import { chownSync, existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { freePort } from './sshd.js';

export const PG_BIN = process.env['ETB_PG_BIN'] ?? '/usr/lib/postgresql/15/bin';

/** Why PostgreSQL tests cannot run here, or null. Never a reason under CI. */
export function postgresMissing(): string | null {
  const missing = ['initdb', 'pg_ctl', 'postgres'].filter((b) => !existsSync(path.join(PG_BIN, b)));
  if (missing.length === 0) return null;
  const reason = `PostgreSQL binaries missing in ${PG_BIN}: ${missing.join(', ')} (apt-get install postgresql, or set ETB_PG_BIN)`;
  if (process.env['CI'] === 'true') throw new Error(`${reason}; CI must run the PostgreSQL tests`);
  return reason;
}

export interface PostgresServer {
  port: number;
  /** postgres://postgres@127.0.0.1:PORT/NAME */
  url(database: string): string;
  /** Creates an empty database and returns its address. */
  createDatabase(name: string): Promise<string>;
  stop(): Promise<void>;
}

function run(command: string, args: string[], asPostgres: boolean): void {
  const [file, argv] = asPostgres ? ['runuser', ['-u', 'postgres', '--', command, ...args]] : [command, args];
  const r = spawnSync(file, argv, { encoding: 'utf8', timeout: 60_000 });
  if (r.status !== 0) throw new Error(`${command} ${args.join(' ')} failed (${String(r.status ?? r.error)}):\n${r.stderr}${r.stdout}`);
}

export async function startPostgres(): Promise<PostgresServer> {
  const root = process.getuid?.() === 0;
  const dir = mkdtempSync(path.join(tmpdir(), 'etbench-pg-'));
  if (root) {
    const ids = spawnSync('id', ['-u', 'postgres'], { encoding: 'utf8' });
    const gid = spawnSync('id', ['-g', 'postgres'], { encoding: 'utf8' });
    if (ids.status !== 0) throw new Error('running as root needs the `postgres` user (the postgresql package creates it)');
    chownSync(dir, Number(ids.stdout), Number(gid.stdout));
  }
  const data = path.join(dir, 'data');
  const port = await freePort();
  run(path.join(PG_BIN, 'initdb'), ['-D', data, '-U', 'postgres', '--auth=trust', '-E', 'UTF8', '--no-sync'], root);
  // fsync off: a test database need not survive a power cut, and fsync is most of its cost.
  const options = `-p ${port} -k ${dir} -c listen_addresses=127.0.0.1 -c fsync=off -c max_connections=200`;
  run(path.join(PG_BIN, 'pg_ctl'), ['-D', data, '-l', path.join(dir, 'log'), '-o', options, '-w', '-t', '60', 'start'], root);
  const url = (database: string): string => `postgres://postgres@127.0.0.1:${port}/${database}`;
  let stopped = false;
  return {
    port,
    url,
    async createDatabase(name) {
      const client = new pg.Client({ connectionString: url('postgres') });
      await client.connect();
      try {
        await client.query(`CREATE DATABASE ${name}`);
      } finally {
        await client.end();
      }
      return url(name);
    },
    async stop() {
      if (stopped) return;
      stopped = true;
      try {
        run(path.join(PG_BIN, 'pg_ctl'), ['-D', data, '-m', 'immediate', '-w', 'stop'], root);
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    },
  };
}

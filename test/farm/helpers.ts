// Farm test helpers: orchestrators and agents as separate OS processes (`etbench serve` /
// `etbench agent` from source through tsx), tiny programs from the builder, and read access to the store's rows.

import { spawn, type ChildProcess } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import type { ExecutionContext } from 'ava';
import Database from 'better-sqlite3';
import { ProgramBuilder } from '../../program/index.js';
import { repoRoot } from '../helpers/fixtures.js';

export const TOKENS = { admin: 'admin-token', agent: 'agent-token', read: 'read-token', submit: 'submit-token' };
export const TOKEN_SPEC = `${TOKENS.admin}:admin,${TOKENS.agent}:agent,${TOKENS.read}:read,${TOKENS.submit}:submit+read`;

/** The agent refuses root unless told: tests that run as root (containers, CI) say so. */
export const ROOT_FLAGS: readonly string[] = process.geteuid?.() === 0 ? ['--allow-root'] : [];

export interface Proc {
  child: ChildProcess;
  output(): string;
  /** Resolves with the exit code / signal. */
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

/** The CLI from source through tsx (no dist build needed); the process is etbench itself. */
const ENTRY = `const { main } = await import(${JSON.stringify(pathToFileURL(path.join(repoRoot, 'cli', 'main.ts')).href)});
process.exitCode = await main(process.argv.slice(1));`;

export function spawnEtbench(t: ExecutionContext, args: readonly string[], env: NodeJS.ProcessEnv = {}): Proc {
  const child = spawn(process.execPath, ['--import=tsx', '--input-type=module', '-e', ENTRY, '--', ...args], {
    cwd: repoRoot, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'],
  });
  let text = '';
  child.stdout!.setEncoding('utf8').on('data', (c: string) => (text += c));
  child.stderr!.setEncoding('utf8').on('data', (c: string) => (text += c));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => child.once('exit', (code, signal) => resolve({ code, signal })));
  t.teardown(() => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  });
  return { child, output: () => text, exited };
}

export async function waitFor<T>(what: string, probe: () => T | null | undefined | false | Promise<T | null | undefined | false>, timeoutMs = 30_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== null && value !== undefined && value !== false) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

export interface ServeProc extends Proc {
  port: number;
  address: string;
  httpPort: number;
}

/** `etbench serve` on a free loopback port with short leases (3 s: room for a loaded machine); resolves once it listens. */
export async function startServe(t: ExecutionContext, dbFile: string, port = 0, extra: readonly string[] = []): Promise<ServeProc> {
  const proc = spawnEtbench(t, ['serve', '--port', String(port), '--http-port', '0', '--host', '127.0.0.1', '--store', `sqlite:${dbFile}`, '--tokens', TOKEN_SPEC,
    '--lease-ms', '3000', '--heartbeat-ms', '300', ...extra]);
  const [bound, http] = await waitFor('serve to listen', () => {
    if (proc.child.exitCode !== null) throw new Error(`serve exited: ${proc.output()}`);
    const m = /listening on [^:]+:(\d+)\nhttp on [^:]+:(\d+)/.exec(proc.output());
    return m === null ? null : [Number(m[1]), Number(m[2])];
  });
  return { ...proc, port: bound!, address: `127.0.0.1:${bound}`, httpPort: http! };
}

export function startAgent(
  t: ExecutionContext, address: string, id: string, deviceIds: readonly string[], cacheDir: string, extra: readonly string[] = [], env: NodeJS.ProcessEnv = {},
): Proc {
  return spawnEtbench(t, ['agent', '--orchestrator', address, '--token', TOKENS.agent, '--id', id, '--host-devices', deviceIds.join(','), '--cache', cacheDir, ...ROOT_FLAGS, ...extra], env);
}

/** A .pte adding 1 to a float32 vector of n elements: n sets how long one execute takes. */
export function addProgram(dir: string, name: string, n: number): string {
  const b = new ProgramBuilder();
  const m = b.method('forward');
  const x = m.input({ dtype: 'float32', shape: [n] });
  m.output(m.call('aten::add.out', { self: x, other: m.constant({ dtype: 'float32', shape: [], data: [1] }) }));
  const file = path.join(dir, name);
  writeFileSync(file, b.build().pte);
  return file;
}

/** The store's database, read-only, for assertions on rows. */
export function openRows(t: ExecutionContext, dbFile: string): Database.Database {
  const db = new Database(dbFile, { readonly: true, fileMustExist: true });
  t.teardown(() => db.close());
  return db;
}

// One SSH connection to a board (ssh2, public-key authentication only), and the two things the
// driver does over it: run a command on an exec channel, copy a file with SFTP.

import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import ssh2 from 'ssh2';
import { SshError } from './errors.js';

export interface SshBoard {
  host: string;
  port?: number;
  username: string;
  /** The private key: a file path or its text. Password authentication is never tried. */
  privateKey: string | Buffer;
  passphrase?: string;
  /** Pin the host key ("SHA256:..." as `ssh-keygen -lf` prints it); a different key is refused. */
  hostKey?: string | null;
  /** Give up connecting after this long; default 10 s. */
  readyTimeoutMs?: number;
}

export const targetOf = (b: SshBoard): string => `${b.username}@${b.host}:${b.port ?? 22}`;

/** OpenSSH's fingerprint of a host key blob: SHA256, base64 without padding. */
export function fingerprint(hostKey: Buffer): string {
  return `SHA256:${createHash('sha256').update(hostKey).digest('base64').replace(/=+$/, '')}`;
}

export interface Connected {
  client: ssh2.Client;
  hostKey: string;
  /** Set once the connection has closed; says why. */
  closed: { reason: string } | null;
}

async function keyOf(b: SshBoard): Promise<Buffer> {
  if (Buffer.isBuffer(b.privateKey)) return b.privateKey;
  if (b.privateKey.includes('PRIVATE KEY-----')) return Buffer.from(b.privateKey);
  return readFile(b.privateKey).catch((e: unknown) => {
    throw new SshError('AUTH_REFUSED', targetOf(b), `cannot read the private key ${String(b.privateKey)}: ${(e as Error).message}`);
  });
}

export async function connect(b: SshBoard): Promise<Connected> {
  const target = targetOf(b);
  const privateKey = await keyOf(b);
  const client = new ssh2.Client();
  let seen: string | null = null;
  return new Promise<Connected>((resolve, reject) => {
    const conn: Connected = { client, hostKey: '', closed: null };
    client.once('ready', () => {
      conn.hostKey = seen ?? '';
      client.removeAllListeners('error');
      client.on('error', (e: Error) => {
        conn.closed ??= { reason: e.message };
      });
      resolve(conn);
    });
    client.on('close', () => {
      conn.closed ??= { reason: 'the connection closed' };
    });
    client.once('error', (e: Error & { level?: string }) => {
      client.end();
      if (seen !== null && b.hostKey != null && seen !== b.hostKey) {
        reject(new SshError('HOST_KEY_MISMATCH', target, `host key ${seen} is not the pinned ${b.hostKey}; refusing to connect`, { cause: e }));
      } else if (e.level === 'client-authentication') {
        const key = Buffer.isBuffer(b.privateKey) || b.privateKey.includes('PRIVATE KEY') ? 'the given key' : b.privateKey;
        reject(new SshError('AUTH_REFUSED', target, `the server refused public-key authentication with ${key} (is its .pub in ~${b.username}/.ssh/authorized_keys?)`, { cause: e }));
      } else {
        reject(new SshError('UNREACHABLE', target, e.message, { cause: e }));
      }
    });
    client.connect({
      host: b.host,
      port: b.port ?? 22,
      username: b.username,
      privateKey,
      ...(b.passphrase !== undefined ? { passphrase: b.passphrase } : {}),
      readyTimeout: b.readyTimeoutMs ?? 10_000,
      keepaliveInterval: 5_000,
      keepaliveCountMax: 3,
      hostVerifier: (key: Buffer) => {
        seen = fingerprint(key);
        return b.hostKey == null || seen === b.hostKey;
      },
    });
  });
}

export interface ExecResult {
  stdout: string;
  stderr: string;
  /** null when the channel closed without an exit status (the link broke, or we closed it). */
  code: number | null;
  signal: string | null;
}

export interface ExecOptions {
  /** Called with each chunk of stdout as it arrives. */
  onStdout?: (chunk: string) => void;
  /** Aborting closes the channel (the remote process is not killed by that; see killCommand). */
  signal?: AbortSignal | null;
}

const OUTPUT_LIMIT = 64 << 20;

export function exec(conn: Connected, command: string, options: ExecOptions = {}): Promise<ExecResult> {
  return new Promise((resolve, reject) => {
    if (conn.closed !== null) {
      reject(new SshError('LOST', 'board', conn.closed.reason));
      return;
    }
    conn.client.exec(command, (err, stream) => {
      if (err) {
        reject(err);
        return;
      }
      let stdout = '';
      let stderr = '';
      let code: number | null = null;
      let signal: string | null = null;
      stream.setEncoding('utf8').on('data', (chunk: string) => {
        if (stdout.length < OUTPUT_LIMIT) stdout += chunk;
        options.onStdout?.(chunk);
      });
      stream.stderr.setEncoding('utf8').on('data', (chunk: string) => {
        stderr = (stderr + chunk).slice(-OUTPUT_LIMIT);
      });
      stream.on('exit', (c: number | null, s?: string) => {
        code = c;
        signal = s ?? null;
      });
      const onAbort = (): void => {
        stream.close();
      };
      if (options.signal?.aborted === true) onAbort();
      else options.signal?.addEventListener('abort', onAbort, { once: true });
      stream.on('close', () => {
        options.signal?.removeEventListener('abort', onAbort);
        resolve({ stdout, stderr, code, signal });
      });
    });
  });
}

/** Runs a command that must succeed; returns its stdout. */
export async function check(conn: Connected, command: string): Promise<string> {
  const r = await exec(conn, command);
  if (r.code !== 0) throw new Error(`\`${command.slice(0, 200)}\` failed (exit ${String(r.code)}): ${r.stderr.trim() || r.stdout.trim()}`);
  return r.stdout;
}

/** Copies a local file to the board over SFTP and sets its mode. */
export function upload(conn: Connected, local: string, remote: string, mode: number): Promise<void> {
  return new Promise((resolve, reject) => {
    conn.client.sftp((err, sftp) => {
      if (err) {
        reject(err);
        return;
      }
      sftp.fastPut(local, remote, { mode }, (e) => {
        sftp.end();
        if (e) reject(new Error(`SFTP upload of ${local} to ${remote} failed: ${e.message}`));
        else resolve();
      });
    });
  });
}

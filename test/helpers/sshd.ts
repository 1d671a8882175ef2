// A real OpenSSH server for tests: /usr/sbin/sshd on a free loopback port with a throwaway host
// key and one authorized client key, run as the current user (StrictModes and PAM off, so no
// root-owned files are needed), and a TCP relay in front of it whose links a test can cut.

import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync } from 'node:fs';
import { readFile, writeFile } from 'node:fs/promises';
import net from 'node:net';
import path from 'node:path';

export const SSHD = '/usr/sbin/sshd';

export function sshToolsMissing(): string[] {
  return [SSHD, 'ssh-keygen'].filter((tool) => (tool.startsWith('/') ? !existsSync(tool) : spawnSync(tool, ['-?'], { stdio: 'ignore' }).error !== undefined));
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

function keygen(file: string): void {
  const r = spawnSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-f', file], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`ssh-keygen -f ${file} failed: ${r.stderr}`);
}

export interface Sshd {
  port: number;
  username: string;
  clientKey: string;
  /** A key the server does not know. */
  wrongKey: string;
  /** "SHA256:..." of the host key, as `ssh-keygen -lf` prints it. */
  hostFingerprint: string;
  stop(): Promise<void>;
}

async function waitForBanner(port: number, child: ChildProcess, log: () => string): Promise<void> {
  for (let i = 0; i < 100; i++) {
    if (child.exitCode !== null) throw new Error(`sshd exited with ${child.exitCode}:\n${log()}`);
    const banner = await new Promise<string>((resolve) => {
      const s = net.connect(port, '127.0.0.1');
      s.once('data', (d) => { resolve(d.toString()); s.destroy(); });
      s.once('error', () => resolve(''));
    });
    if (banner.startsWith('SSH-')) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`sshd did not answer on port ${port}:\n${log()}`);
}

export async function startSshd(dir: string): Promise<Sshd> {
  for (const name of ['host_key', 'client_key', 'wrong_key']) keygen(path.join(dir, name));
  await writeFile(path.join(dir, 'authorized_keys'), await readFile(path.join(dir, 'client_key.pub')));
  const fp = spawnSync('ssh-keygen', ['-lf', path.join(dir, 'host_key.pub')], { encoding: 'utf8' }).stdout.split(/\s+/)[1] ?? '';
  // sshd started by root wants its privilege separation directory (the Debian service makes it).
  if (process.getuid?.() === 0) mkdirSync('/run/sshd', { recursive: true, mode: 0o755 });
  const port = await freePort();
  const config = path.join(dir, 'sshd_config');
  await writeFile(config, [
    `Port ${port}`, 'ListenAddress 127.0.0.1', `HostKey ${path.join(dir, 'host_key')}`,
    `AuthorizedKeysFile ${path.join(dir, 'authorized_keys')}`, `PidFile ${path.join(dir, 'sshd.pid')}`,
    'StrictModes no', 'UsePAM no', 'PasswordAuthentication no', 'KbdInteractiveAuthentication no',
    'PubkeyAuthentication yes', 'PermitRootLogin prohibit-password', 'Subsystem sftp internal-sftp',
    'LogLevel ERROR', 'MaxStartups 50', 'MaxSessions 50', '',
  ].join('\n'));
  const child = spawn(SSHD, ['-D', '-e', '-f', config], { stdio: ['ignore', 'ignore', 'pipe'] });
  let log = '';
  child.stderr!.setEncoding('utf8').on('data', (c: string) => { log = (log + c).slice(-8000); });
  await waitForBanner(port, child, () => log);
  const username = spawnSync('id', ['-un'], { encoding: 'utf8' }).stdout.trim();
  return {
    port, username, hostFingerprint: fp, clientKey: path.join(dir, 'client_key'), wrongKey: path.join(dir, 'wrong_key'),
    stop: () => new Promise((resolve) => {
      if (child.exitCode !== null) { resolve(); return; }
      child.once('exit', () => resolve());
      child.kill('SIGTERM');
    }),
  };
}

/** A loopback TCP relay to `port`; cut() drops every open link at once, like a pulled cable. */
export async function startRelay(port: number): Promise<{ port: number; cut(): void; close(): Promise<void> }> {
  const sockets = new Set<net.Socket>();
  const server = net.createServer((inbound) => {
    const outbound = net.connect(port, '127.0.0.1');
    for (const s of [inbound, outbound]) {
      sockets.add(s);
      s.on('close', () => sockets.delete(s));
      s.on('error', () => undefined);
    }
    inbound.pipe(outbound).pipe(inbound);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    port: (server.address() as net.AddressInfo).port,
    cut: () => { for (const s of sockets) s.destroy(); },
    close: () => new Promise((resolve) => { for (const s of sockets) s.destroy(); server.close(() => resolve()); }),
  };
}

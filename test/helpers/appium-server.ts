// A real Appium server (npm `appium`, a devDependency) on a free loopback port, with APPIUM_HOME in
// the test's folder (nothing under ~ is touched) and our loopback driver
// (test/helpers/appium-loopback) installed there from its folder, as a user installs a driver.

import { execFile, spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import { repoRoot } from './fixtures.js';
import { freePort } from './sshd.js';

const APPIUM = path.join(repoRoot, 'node_modules', 'appium', 'index.js');
export const LOOPBACK_DRIVER = path.join(repoRoot, 'test', 'helpers', 'appium-loopback');

/** Why Appium cannot run here, or null. */
export function appiumMissing(): string | null {
  if (!existsSync(APPIUM)) return 'node_modules/appium is not installed (npm ci)';
  // Appium 3's engines: ^20.19.0 || ^22.12.0 || >=24; an older Node makes it refuse to start.
  const [major = 0, minor = 0] = process.versions.node.split('.').map(Number);
  if ((major === 20 && minor < 19) || (major === 22 && minor < 12) || major < 20 || major === 21 || major === 23) {
    return `appium 3 cannot start on Node ${process.versions.node} (it needs ^20.19, ^22.12 or >=24)`;
  }
  return null;
}

export interface AppiumServer {
  url: string;
  port: number;
  /** Everything the server printed, for failure messages. */
  log(): string;
  /** SIGKILL: the server vanishes mid-whatever, as a crashed or unplugged host would. */
  kill(): void;
  stop(): Promise<void>;
}

function appium(home: string, args: string[]): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile(process.execPath, [APPIUM, ...args], { env: { ...process.env, APPIUM_HOME: home }, timeout: 120_000 }, (error, stdout, stderr) => {
      if (error) reject(new Error(`appium ${args.join(' ')}: ${error.message}\n${stdout}${stderr}`));
      else resolve(stdout + stderr);
    });
  });
}

/** An APPIUM_HOME under `dir` with the loopback driver installed (`appium driver install --source=local`). */
export async function appiumHome(dir: string): Promise<string> {
  const home = path.join(dir, 'appium-home');
  mkdirSync(home, { recursive: true });
  await appium(home, ['driver', 'install', '--source=local', LOOPBACK_DRIVER]);
  return home;
}

export async function startAppium(home: string): Promise<AppiumServer> {
  const port = await freePort();
  const child: ChildProcess = spawn(process.execPath, [APPIUM, '--address', '127.0.0.1', '--port', String(port), '--log-no-colors', '--log-level', 'info'], {
    env: { ...process.env, APPIUM_HOME: home }, stdio: ['ignore', 'pipe', 'pipe'],
  });
  let log = '';
  child.stdout!.on('data', (c: Buffer) => { log += c.toString(); });
  child.stderr!.on('data', (c: Buffer) => { log += c.toString(); });
  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 60_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`appium exited with ${child.exitCode}:\n${log}`);
    const up = await fetch(`${url}/status`).then((r) => r.ok, () => false);
    if (up) break;
    if (Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`appium did not answer /status within 60 s:\n${log}`);
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  const exited = new Promise<void>((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) resolve();
    else child.once('exit', () => resolve());
  });
  return {
    url, port, log: () => log,
    kill: () => { child.kill('SIGKILL'); },
    stop: async () => {
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 5_000);
      await exited;
      clearTimeout(timer);
    },
  };
}

/**
 * The etrun the loopback phone's app runs, brought up to date (a stale binary would speak an
 * older runner contract): the host release build, or the static aarch64 one (`node
 * native/build.mjs etrun-aarch64`: incremental and locked per variant, slow the first time).
 */
export function ensureEtrun(arch: 'x86_64' | 'aarch64'): string {
  const file = path.join(repoRoot, 'build', 'native', arch === 'x86_64' ? 'release' : 'aarch64', 'etrun');
  const target = arch === 'x86_64' ? 'etrun' : 'etrun-aarch64';
  const r = spawnSync(process.execPath, [path.join(repoRoot, 'native', 'build.mjs'), target], { cwd: repoRoot, encoding: 'utf8', timeout: 900_000 });
  if (r.status !== 0 || !existsSync(file)) throw new Error(`node native/build.mjs ${target} failed:\n${(r.stderr ?? '').slice(-3000)}`);
  return file;
}

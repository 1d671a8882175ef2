// The real adb server (Debian's `adb`) on a free loopback port, with its own HOME so its key pair
// and state stay in the test's folder; devices are attached with `adb connect`.

import { execFile, spawnSync } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { freePort } from './sshd.js';

export const adbMissing = (): boolean => spawnSync('adb', ['version'], { stdio: 'ignore' }).error !== undefined;

export interface AdbServer {
  port: number;
  adb(...args: string[]): Promise<string>;
  /** `adb connect 127.0.0.1:PORT`; returns what adb printed. */
  connect(devicePort: number): Promise<string>;
  stop(): Promise<void>;
}

export async function startAdbServer(dir: string): Promise<AdbServer> {
  const home = path.join(dir, 'adb-home');
  mkdirSync(home, { recursive: true });
  const port = await freePort();
  const env = { ...process.env, HOME: home, ANDROID_ADB_SERVER_PORT: String(port) };
  const adb = (...args: string[]): Promise<string> => new Promise((resolve, reject) => {
    execFile('adb', ['-P', String(port), ...args], { env, timeout: 30_000 }, (error, stdout, stderr) => {
      if (error && args[0] !== 'connect') reject(new Error(`adb ${args.join(' ')}: ${error.message}\n${stderr}`));
      else resolve(`${stdout}${stderr}`);
    });
  });
  await adb('start-server');
  return {
    port,
    adb,
    connect: (devicePort) => adb('connect', `127.0.0.1:${devicePort}`),
    stop: async () => {
      await adb('kill-server').catch(() => undefined);
    },
  };
}

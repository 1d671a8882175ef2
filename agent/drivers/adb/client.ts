// The adbkit calls the driver makes, as promises of plain values: list devices, run a shell
// command to its end, push a file, ask whether a file exists.

import type { Duplex } from 'node:stream';
import adbkit from '@devicefarmer/adbkit';
import type { Client, DeviceClient } from '@devicefarmer/adbkit';

export const { Adb } = adbkit;
export type { Client, DeviceClient };

/** Starts a shell command; resolves with its stream (stdout and stderr merged, as adb's raw shell does). */
export async function openShell(device: DeviceClient, command: string): Promise<Duplex> {
  return device.shell(command);
}

/** Reads a shell stream to its end; `onData` sees each chunk as it arrives. */
export function readToEnd(stream: Duplex, onData?: (chunk: string) => void): Promise<string> {
  return new Promise((resolve, reject) => {
    let text = '';
    stream.setEncoding('utf8');
    stream.on('data', (chunk: string) => {
      text += chunk;
      onData?.(chunk);
    });
    stream.once('end', () => resolve(text));
    stream.once('close', () => resolve(text));
    stream.once('error', reject);
  });
}

export async function shell(device: DeviceClient, command: string): Promise<string> {
  return readToEnd(await openShell(device, command));
}

/** Runs a command that must succeed: it is followed by a marker that only success prints. */
export async function check(device: DeviceClient, command: string): Promise<string> {
  const out = await shell(device, `${command} && echo @@ok`);
  if (!out.trimEnd().endsWith('@@ok')) throw new Error(`\`${command.slice(0, 200)}\` failed on the device: ${out.trim()}`);
  return out.trimEnd().slice(0, -'@@ok'.length);
}

export async function exists(device: DeviceClient, path: string): Promise<boolean> {
  try {
    await device.stat(path);
    return true;
  } catch {
    return false;
  }
}

export async function push(device: DeviceClient, local: string, remote: string, mode: number): Promise<void> {
  const transfer = await device.push(local, remote, mode);
  await new Promise<void>((resolve, reject) => {
    transfer.once('end', () => resolve());
    transfer.once('error', (e: Error) => reject(new Error(`adb push of ${local} to ${remote} failed: ${e.message}`)));
  });
}

// The `sync:` service (file transfer): requests are a 4-byte id, a 32-bit little-endian length and
// that many bytes. STAT answers mode/size/mtime (all 0 when missing); SEND "path,mode" is followed
// by DATA chunks and DONE mtime, answered OKAY or FAIL; RECV answers DATA chunks then DONE, or FAIL;
// LIST answers DENT entries then DONE; QUIT ends the stream.

import { closeSync, openSync, readdirSync, readFileSync, statSync, utimesSync, writeSync, chmodSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import type { Sandbox } from './sandbox.js';
import type { ServiceHandler, Stream } from './stream.js';

const SYNC_DATA_MAX = 64 * 1024;

function word(id: string, ...values: number[]): Buffer {
  const b = Buffer.alloc(4 + 4 * values.length);
  b.write(id, 0, 'ascii');
  values.forEach((v, i) => b.writeUInt32LE(v >>> 0, 4 + 4 * i));
  return b;
}

function fail(message: string): Buffer {
  const text = Buffer.from(message);
  return Buffer.concat([word('FAIL', text.length), text]);
}

export interface SyncLog {
  /** Device paths written with SEND, in order. */
  sent: string[];
}

export function syncService(stream: Stream, sandbox: Sandbox, log: SyncLog): ServiceHandler {
  let buffer = Buffer.alloc(0);
  // During a SEND: the file being written and its device path and mode.
  let upload: { fd: number; devicePath: string; local: string; mode: number } | null = null;

  const request = (id: string, arg: Buffer): void => {
    const devicePath = arg.toString('utf8');
    try {
      switch (id) {
        case 'STAT': {
          let s: ReturnType<typeof statSync> | null = null;
          try {
            s = statSync(sandbox.local(devicePath));
          } catch {
            s = null;
          }
          stream.write(s ? word('STAT', s.mode, s.size, Math.floor(s.mtimeMs / 1000)) : word('STAT', 0, 0, 0));
          return;
        }
        case 'SEND': {
          const comma = devicePath.lastIndexOf(',');
          const target = comma < 0 ? devicePath : devicePath.slice(0, comma);
          const mode = comma < 0 ? 0o644 : Number(devicePath.slice(comma + 1)) & 0o7777;
          const local = sandbox.local(target);
          mkdirSync(path.dirname(local), { recursive: true });
          upload = { fd: openSync(local, 'w', mode), devicePath: target, local, mode };
          return;
        }
        case 'RECV': {
          const data = readFileSync(sandbox.local(devicePath));
          for (let at = 0; at < data.length; at += SYNC_DATA_MAX) {
            const chunk = data.subarray(at, at + SYNC_DATA_MAX);
            stream.write(Buffer.concat([word('DATA', chunk.length), chunk]));
          }
          stream.write(word('DONE', 0));
          return;
        }
        case 'LIST': {
          const dir = sandbox.local(devicePath);
          for (const name of readdirSync(dir)) {
            const s = statSync(path.join(dir, name));
            const n = Buffer.from(name);
            stream.write(Buffer.concat([word('DENT', s.mode, s.size, Math.floor(s.mtimeMs / 1000), n.length), n]));
          }
          stream.write(word('DONE', 0, 0, 0, 0));
          return;
        }
        case 'QUIT':
          stream.end();
          return;
        default:
          stream.write(fail(`unknown sync request ${id}`));
          stream.end();
      }
    } catch (e) {
      stream.write(fail((e as Error).message));
    }
  };

  const uploadPart = (id: string, length: number, data: Buffer): void => {
    const u = upload!;
    if (id === 'DATA') {
      writeSync(u.fd, data);
      return;
    }
    closeSync(u.fd);
    upload = null;
    if (id !== 'DONE') {
      stream.write(fail(`expected DATA or DONE during SEND, got ${id}`));
      return;
    }
    chmodSync(u.local, u.mode);
    if (length > 0) utimesSync(u.local, length, length);
    sandbox.written(u.local);
    log.sent.push(u.devicePath);
    stream.write(word('OKAY', 0));
  };

  return {
    data(chunk) {
      buffer = Buffer.concat([buffer, chunk]);
      while (buffer.length >= 8) {
        const id = buffer.toString('ascii', 0, 4);
        const length = buffer.readUInt32LE(4);
        // DONE ends a SEND and carries an mtime where others carry a length: it has no payload.
        const payload = upload !== null && id === 'DONE' ? 0 : length;
        if (buffer.length < 8 + payload) return;
        const body = buffer.subarray(8, 8 + payload);
        buffer = buffer.subarray(8 + payload);
        if (upload !== null) uploadPart(id, length, body);
        else request(id, body);
      }
    },
    closed() {
      if (upload !== null) closeSync(upload.fd);
      upload = null;
    },
  };
}

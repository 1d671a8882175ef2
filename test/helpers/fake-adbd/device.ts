// A fake Android device that speaks the device side of the adb transport over TCP, so the real adb
// server can attach it with `adb connect 127.0.0.1:PORT`. It answers CNXN (or AUTH, to play an
// unauthorized phone), OPEN of the `shell:` and `sync:` services, WRTE/OKAY flow control and CLSE.
// Why fake: the phone is the one part of the path this machine cannot have; everything between
// the driver and this socket (adbkit, the adb server, the transport) is the real thing.

import type { ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { AUTH_RSAPUBLICKEY, AUTH_SIGNATURE, AUTH_TOKEN, CMD, Decoder, NAME, VERSION_CHECKSUMMED, encode, type Message } from './protocol.js';
import { Sandbox } from './sandbox.js';
import { killGroup, shellService } from './shell.js';
import { Stream } from './stream.js';
import { syncService, type SyncLog } from './sync.js';

export interface FakeDeviceOptions {
  /** The folder that plays the device's /data, /sys and /sdcard (created if needed). */
  sandbox: string;
  /** getprop's answers. */
  props: Record<string, string>;
  /** false: answer CNXN with AUTH and never accept a key, as a phone whose user did not say yes. */
  authorized?: boolean;
  port?: number;
  /** Run aarch64 executables under this emulator (e.g. qemu-aarch64), to play an arm64-v8a phone. */
  emulator?: string | null;
}

const MAX_DATA = 256 * 1024;

export class FakeAdbDevice {
  readonly sandbox: Sandbox;
  readonly log: SyncLog & { services: string[]; checksummed: number; errors: string[] } = { sent: [], services: [], checksummed: 0, errors: [] };
  private readonly sockets = new Set<net.Socket>();
  private readonly running = new Set<ChildProcess>();
  private server: net.Server | null = null;
  port = 0;

  private constructor(private readonly options: FakeDeviceOptions) {
    this.sandbox = new Sandbox(path.resolve(options.sandbox), options.emulator ?? null);
  }

  static async start(options: FakeDeviceOptions): Promise<FakeAdbDevice> {
    const device = new FakeAdbDevice(options);
    device.layout();
    await device.listen(options.port ?? 0);
    return device;
  }

  /** Writes a device file (e.g. /sys/class/thermal/thermal_zone0/temp) in the sandbox. */
  writeFile(devicePath: string, text: string): void {
    const local = this.sandbox.local(devicePath);
    mkdirSync(path.dirname(local), { recursive: true });
    writeFileSync(local, text);
  }

  /** The serial the adb server gives this device. */
  get serial(): string {
    return `127.0.0.1:${this.port}`;
  }

  /** Pulls the cable: every link drops and the port stops answering; what runs keeps running. */
  async unplug(): Promise<void> {
    for (const s of this.sockets) s.destroy();
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
    this.server = null;
  }

  /** Unplugs it and ends everything it still runs (the end of a test). */
  async close(): Promise<void> {
    await this.unplug();
    for (const child of this.running) killGroup(child);
  }

  /** Plugs it back in on the same port. */
  async replug(): Promise<void> {
    await this.listen(this.port);
  }

  private layout(): void {
    const props = Object.entries(this.options.props).map(([k, v]) => `[${k}]: [${v}]`).join('\n');
    mkdirSync(path.join(this.sandbox.root, 'data', 'local', 'tmp'), { recursive: true });
    mkdirSync(path.join(this.sandbox.root, '.bin'), { recursive: true });
    writeFileSync(path.join(this.sandbox.root, '.props'), `${props}\n`);
    // getprop with no argument lists every property; with one, prints its value (empty if unset).
    writeFileSync(path.join(this.sandbox.root, '.bin', 'getprop'), [
      '#!/bin/sh',
      `props='${path.join(this.sandbox.root, '.props')}'`,
      'if [ $# -eq 0 ]; then cat "$props"; exit 0; fi',
      'grep -F "[$1]: [" "$props" | sed -e "s/^\\[[^]]*\\]: \\[//" -e "s/\\]$//"',
      '',
    ].join('\n'), { mode: 0o755 });
  }

  private listen(port: number): Promise<void> {
    const server = net.createServer((socket) => this.attach(socket));
    this.server = server;
    return new Promise((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, '127.0.0.1', () => {
        this.port = (server.address() as net.AddressInfo).port;
        resolve();
      });
    });
  }

  private attach(socket: net.Socket): void {
    this.sockets.add(socket);
    const decoder = new Decoder(MAX_DATA);
    const streams = new Map<number, Stream>();
    let nextId = 1;
    let peerMax = 4096;
    const send = (m: Message): void => {
      if (!socket.destroyed) socket.write(encode(m));
    };
    const empty = Buffer.alloc(0);
    const token = (): void => send({ command: CMD.AUTH, arg0: AUTH_TOKEN, arg1: 0, data: randomBytes(20) });

    const handle = (m: Message): void => {
      switch (m.command) {
        case CMD.CNXN: {
          peerMax = Math.min(m.arg1, MAX_DATA);
          if (this.options.authorized === false) {
            token();
            return;
          }
          const p = this.options.props;
          const banner = `device::ro.product.name=${p['ro.product.name'] ?? 'fake'};ro.product.model=${p['ro.product.model'] ?? 'fake'};ro.product.device=${p['ro.product.device'] ?? 'fake'};`;
          // Version 1.0.0.0: the server keeps checksumming its payloads, and the decoder checks them.
          send({ command: CMD.CNXN, arg0: VERSION_CHECKSUMMED, arg1: MAX_DATA, data: Buffer.from(banner) });
          return;
        }
        case CMD.AUTH:
          // A signature is never accepted; a public key would prompt the user, who never answers.
          if (m.arg0 === AUTH_SIGNATURE) token();
          else if (m.arg0 !== AUTH_RSAPUBLICKEY) this.log.errors.push(`AUTH type ${m.arg0}`);
          return;
        case CMD.OPEN: {
          const service = m.data.toString('utf8').replace(/\0$/, '');
          this.log.services.push(service);
          const stream = new Stream(nextId++, m.arg0, send, () => peerMax);
          if (service.startsWith('shell:')) {
            streams.set(stream.localId, stream);
            send({ command: CMD.OKAY, arg0: stream.localId, arg1: m.arg0, data: empty });
            stream.handler = shellService(service.slice('shell:'.length), stream, this.sandbox, this.running);
          } else if (service === 'sync:') {
            streams.set(stream.localId, stream);
            send({ command: CMD.OKAY, arg0: stream.localId, arg1: m.arg0, data: empty });
            stream.handler = syncService(stream, this.sandbox, this.log);
          } else {
            send({ command: CMD.CLSE, arg0: 0, arg1: m.arg0, data: empty });
          }
          return;
        }
        case CMD.OKAY:
          streams.get(m.arg1)?.acknowledged();
          return;
        case CMD.WRTE:
          streams.get(m.arg1)?.received(m.data);
          return;
        case CMD.CLSE: {
          const stream = streams.get(m.arg1);
          streams.delete(m.arg1);
          stream?.peerClosed('clse');
          return;
        }
        default:
          this.log.errors.push(`unexpected ${NAME.get(m.command) ?? `0x${m.command.toString(16)}`}`);
      }
    };

    socket.on('data', (chunk: Buffer) => {
      try {
        for (const m of decoder.push(chunk)) handle(m);
        this.log.checksummed = Math.max(this.log.checksummed, decoder.checksummed);
      } catch (e) {
        this.log.errors.push((e as Error).message);
        socket.destroy();
      }
    });
    socket.on('error', () => undefined);
    socket.on('close', () => {
      this.sockets.delete(socket);
      for (const s of streams.values()) s.peerClosed('link');
      streams.clear();
    });
  }
}

// The adb transport's wire format (system/core/adb/protocol.txt in AOSP, in our words): a 24-byte
// little-endian header — command, arg0, arg1, payload length, payload checksum (sum of its bytes),
// magic (command XOR 0xffffffff) — then the payload.

export const CMD = {
  CNXN: 0x4e584e43,
  AUTH: 0x48545541,
  OPEN: 0x4e45504f,
  OKAY: 0x59414b4f,
  CLSE: 0x45534c43,
  WRTE: 0x45545257,
} as const;

export const NAME = new Map<number, string>(Object.entries(CMD).map(([k, v]): [number, string] => [v, k]));

/** The first protocol version; a transport at this version checksums every payload. */
export const VERSION_CHECKSUMMED = 0x01000000;
export const AUTH_TOKEN = 1;
export const AUTH_SIGNATURE = 2;
export const AUTH_RSAPUBLICKEY = 3;

export interface Message {
  command: number;
  arg0: number;
  arg1: number;
  data: Buffer;
}

export function checksum(data: Buffer): number {
  let sum = 0;
  for (const byte of data) sum = (sum + byte) >>> 0;
  return sum;
}

export function encode(m: Message): Buffer {
  const header = Buffer.alloc(24);
  header.writeUInt32LE(m.command, 0);
  header.writeUInt32LE(m.arg0 >>> 0, 4);
  header.writeUInt32LE(m.arg1 >>> 0, 8);
  header.writeUInt32LE(m.data.length, 12);
  header.writeUInt32LE(checksum(m.data), 16);
  header.writeUInt32LE((m.command ^ 0xffffffff) >>> 0, 20);
  return Buffer.concat([header, m.data]);
}

/** Splits a byte stream into messages, checking magic, length and (when sent) the checksum. */
export class Decoder {
  private buffer = Buffer.alloc(0);
  /** Payloads whose checksum was present and verified. */
  checksummed = 0;

  constructor(private readonly maxData: number) {}

  push(chunk: Buffer): Message[] {
    this.buffer = Buffer.concat([this.buffer, chunk]);
    const out: Message[] = [];
    while (this.buffer.length >= 24) {
      const command = this.buffer.readUInt32LE(0);
      const length = this.buffer.readUInt32LE(12);
      const check = this.buffer.readUInt32LE(16);
      if (this.buffer.readUInt32LE(20) !== ((command ^ 0xffffffff) >>> 0)) throw new Error(`bad magic for command 0x${command.toString(16)}`);
      if (length > this.maxData) throw new Error(`payload of ${length} bytes exceeds max ${this.maxData}`);
      if (this.buffer.length < 24 + length) break;
      const data = this.buffer.subarray(24, 24 + length);
      if (check !== 0) {
        if (checksum(data) !== check) throw new Error(`checksum mismatch on ${NAME.get(command) ?? command}`);
        this.checksummed++;
      }
      out.push({ command, arg0: this.buffer.readUInt32LE(4), arg1: this.buffer.readUInt32LE(8), data: Buffer.from(data) });
      this.buffer = this.buffer.subarray(24 + length);
    }
    return out;
  }
}

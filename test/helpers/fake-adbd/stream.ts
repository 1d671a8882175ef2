// One adb stream (an OPENed service) on the device side: writes wait for the peer's OKAY before
// the next WRTE, as the transport's flow control requires; every WRTE received is acknowledged.

import { CMD, type Message } from './protocol.js';

export interface ServiceHandler {
  data(chunk: Buffer): void;
  /** The peer closed the stream (CLSE), or the link went down ('link'). */
  closed(how: 'clse' | 'link'): void;
}

export class Stream {
  private queue: Buffer[] = [];
  private awaitingAck = false;
  private ending = false;
  done = false;
  handler: ServiceHandler | null = null;

  constructor(
    readonly localId: number,
    readonly remoteId: number,
    private readonly sendMessage: (m: Message) => void,
    private readonly maxPayload: () => number,
  ) {}

  write(data: Buffer): void {
    if (this.done) return;
    for (let at = 0; at < data.length; at += this.maxPayload()) this.queue.push(data.subarray(at, at + this.maxPayload()));
    this.pump();
  }

  /** Sends what is queued, then CLSE. */
  end(): void {
    this.ending = true;
    this.pump();
  }

  acknowledged(): void {
    this.awaitingAck = false;
    this.pump();
  }

  received(data: Buffer): void {
    this.sendMessage({ command: CMD.OKAY, arg0: this.localId, arg1: this.remoteId, data: Buffer.alloc(0) });
    this.handler?.data(data);
  }

  peerClosed(how: 'clse' | 'link'): void {
    if (this.done) return;
    this.done = true;
    this.handler?.closed(how);
  }

  private pump(): void {
    if (this.done || this.awaitingAck) return;
    const next = this.queue.shift();
    if (next !== undefined) {
      this.awaitingAck = true;
      this.sendMessage({ command: CMD.WRTE, arg0: this.localId, arg1: this.remoteId, data: next });
    } else if (this.ending) {
      this.done = true;
      this.sendMessage({ command: CMD.CLSE, arg0: this.localId, arg1: this.remoteId, data: Buffer.alloc(0) });
    }
  }
}

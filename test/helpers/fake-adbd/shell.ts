// The `shell:` service in its raw form (no shell protocol v2): the command runs under sh with
// stdout and stderr merged into the stream, and the stream closes when the command ends. Closing
// the stream from the host side kills the command's process group; a link that goes down does
// not (as on a phone whose cable is pulled: what it runs keeps running).

import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import type { Sandbox } from './sandbox.js';
import type { ServiceHandler, Stream } from './stream.js';

export function shellService(command: string, stream: Stream, sandbox: Sandbox, running: Set<ChildProcess>): ServiceHandler {
  const child = spawn('/bin/sh', ['-c', sandbox.command(command === '' ? 'true' : command)], {
    cwd: sandbox.root,
    env: { ...process.env, PATH: `${path.join(sandbox.root, '.bin')}:${process.env.PATH ?? '/usr/bin:/bin'}` },
    stdio: ['pipe', 'pipe', 'pipe'],
    detached: true,
  });
  running.add(child);
  // Rewrite whole lines only: a sandbox path split across two chunks would escape the rewrite.
  let pending = '';
  const emit = (chunk: string, flush: boolean): void => {
    pending += chunk;
    const cut = flush ? pending.length : pending.lastIndexOf('\n') + 1;
    if (cut > 0) {
      stream.write(Buffer.from(sandbox.output(pending.slice(0, cut))));
      pending = pending.slice(cut);
    }
  };
  child.stdout!.setEncoding('utf8').on('data', (c: string) => emit(c, false));
  child.stderr!.setEncoding('utf8').on('data', (c: string) => emit(c, false));
  child.stdin!.on('error', () => undefined);
  child.on('close', () => {
    running.delete(child);
    emit('', true);
    stream.end();
  });
  child.on('error', (e) => {
    running.delete(child);
    emit(`/system/bin/sh: ${e.message}\n`, true);
    stream.end();
  });
  return {
    data: (chunk) => child.stdin!.write(chunk),
    closed: (how) => {
      if (how === 'clse') killGroup(child);
    },
  };
}

export function killGroup(child: ChildProcess): void {
  if (child.pid === undefined || child.exitCode !== null) return;
  try {
    process.kill(-child.pid, 'SIGKILL');
  } catch {
    // already gone
  }
}

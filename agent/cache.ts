// The agent's artifact cache: programs by sha256 on local disk, fetched once over
// ArtifactService.Download (resuming a partial download) and verified before use.

import { createHash } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import { chmod, open, readFile, rename, rm, stat } from 'node:fs/promises';
import path from 'node:path';
import type { Metadata } from '@grpc/grpc-js';
import type { ArtifactServiceClient, DownloadChunk } from '../proto/index.js';

const EXTENSIONS = new Set(['.pte', '.bpte', '.ptd']);

export class ArtifactCache {
  private readonly inflight = new Map<string, Promise<string>>();
  /** Files this process has hashed already: hashed once, not before every job. */
  private readonly verified = new Set<string>();

  constructor(readonly dir: string) {
    mkdirSync(dir, { recursive: true });
  }

  /**
   * The local path of the artifact, fetched if needed. A program keeps its .pte/.bpte extension;
   * a runtime build is made executable.
   */
  get(client: ArtifactServiceClient, metadata: Metadata, sha256: string, name: string, kind: 'program' | 'runtime' | 'expected' = 'program'): Promise<string> {
    const ext = path.extname(name).toLowerCase();
    const file = path.join(this.dir, kind === 'runtime' ? `${sha256}.runtime` : kind === 'expected' ? `${sha256}.expected.json` : `${sha256}${EXTENSIONS.has(ext) ? ext : '.pte'}`);
    if (this.verified.has(file)) return Promise.resolve(file);
    let pending = this.inflight.get(file);
    if (pending === undefined) {
      pending = this.fetch(client, metadata, sha256, file).then(async (f) => {
        if (kind === 'runtime') await chmod(f, 0o755);
        this.verified.add(f);
        return f;
      }).finally(() => this.inflight.delete(file));
      this.inflight.set(file, pending);
    }
    return pending;
  }

  private async fetch(client: ArtifactServiceClient, metadata: Metadata, sha256: string, file: string): Promise<string> {
    if (await stat(file).then(() => true, () => false)) {
      if (createHash('sha256').update(await readFile(file)).digest('hex') === sha256) return file;
      await rm(file, { force: true });
    }
    const partial = `${file}.partial`;
    const offset = await stat(partial).then((s) => s.size, () => 0);
    const handle = await open(partial, 'a');
    try {
      await new Promise<void>((resolve, reject) => {
        const call = client.download({ sha256, offset }, metadata);
        let writing: Promise<unknown> = Promise.resolve();
        call.on('data', (chunk: DownloadChunk) => {
          call.pause();
          writing = writing.then(() => handle.write(chunk.data)).then(() => call.resume(), (e: unknown) => {
            call.cancel();
            reject(e as Error);
          });
        });
        call.on('error', reject);
        call.on('end', () => void writing.then(() => resolve(), reject));
      });
    } finally {
      await handle.close();
    }
    const data = await readFile(partial);
    const actual = createHash('sha256').update(data).digest('hex');
    if (actual !== sha256) {
      await rm(partial, { force: true });
      throw new Error(`artifact ${sha256} arrived damaged (hashes to ${actual})`);
    }
    await rename(partial, file);
    return file;
  }
}

// The content-addressed artifact store: blobs on disk under their sha256. A blob is written to
// a partial file first (so an interrupted upload resumes at its size), hashed when complete,
// and only then renamed into place; every read hashes it again, so a blob damaged on disk is
// never served.

import { createHash } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import { open, readFile, rename, rm, stat } from 'node:fs/promises';
import path from 'node:path';

export class ArtifactError extends Error {
  override readonly name = 'ArtifactError';
}

const SHA256 = /^[0-9a-f]{64}$/;

/** The largest blob accepted: a program or runtime build, not a disk filler. */
export const MAX_ARTIFACT_BYTES = 4 * 1024 ** 3;

export function checkSha256(sha256: string): void {
  if (!SHA256.test(sha256)) throw new ArtifactError(`not a sha256 (64 lowercase hex digits): '${sha256.slice(0, 80)}'`);
}

export function sha256Of(data: Uint8Array): string {
  return createHash('sha256').update(data).digest('hex');
}

export class ArtifactStore {
  constructor(readonly dir: string) {
    mkdirSync(path.join(dir, 'partial'), { recursive: true });
  }

  private blobPath(sha256: string): string {
    return path.join(this.dir, sha256.slice(0, 2), sha256);
  }

  private partialPath(sha256: string): string {
    return path.join(this.dir, 'partial', sha256);
  }

  async has(sha256: string): Promise<boolean> {
    checkSha256(sha256);
    return stat(this.blobPath(sha256)).then(() => true, () => false);
  }

  /** Bytes received so far of an unfinished upload (0 when none). */
  async received(sha256: string): Promise<number> {
    checkSha256(sha256);
    return stat(this.partialPath(sha256)).then((s) => s.size, () => 0);
  }

  /**
   * Appends a chunk at `offset`, which must equal what is already received (uploads are
   * sequential; a resumed upload starts at received()).
   */
  async append(sha256: string, offset: number, data: Uint8Array, totalSize: number): Promise<number> {
    checkSha256(sha256);
    if (totalSize > MAX_ARTIFACT_BYTES) throw new ArtifactError(`artifact ${sha256.slice(0, 12)} declares ${totalSize} bytes; the limit is ${MAX_ARTIFACT_BYTES}`);
    const have = await this.received(sha256);
    if (offset !== have) throw new ArtifactError(`chunk for ${sha256.slice(0, 12)} at offset ${offset}, but ${have} bytes are received; resume at ${have}`);
    if (offset + data.length > totalSize) throw new ArtifactError(`chunk for ${sha256.slice(0, 12)} runs past the declared size ${totalSize}`);
    const file = await open(this.partialPath(sha256), 'a');
    try {
      await file.write(data);
    } finally {
      await file.close();
    }
    return offset + data.length;
  }

  /**
   * Finishes an upload: the partial file must have the declared size and hash, otherwise it
   * is deleted and the upload is rejected.
   */
  async commit(sha256: string, totalSize: number): Promise<void> {
    checkSha256(sha256);
    const partial = this.partialPath(sha256);
    const data = await readFile(partial).catch(() => Buffer.alloc(0));
    if (data.length !== totalSize) {
      throw new ArtifactError(`upload of ${sha256.slice(0, 12)} is truncated: ${data.length} of ${totalSize} bytes received`);
    }
    const actual = sha256Of(data);
    if (actual !== sha256) {
      await rm(partial, { force: true });
      throw new ArtifactError(`upload rejected: content hashes to ${actual}, not the declared ${sha256}`);
    }
    mkdirSync(path.dirname(this.blobPath(sha256)), { recursive: true });
    await rename(partial, this.blobPath(sha256));
  }

  /** Drops an unfinished upload. */
  async abandon(sha256: string): Promise<void> {
    await rm(this.partialPath(sha256), { force: true });
  }

  /** The blob's bytes, verified against its name. */
  async read(sha256: string): Promise<Buffer> {
    checkSha256(sha256);
    const data = await readFile(this.blobPath(sha256)).catch(() => {
      throw new ArtifactError(`no artifact ${sha256}`);
    });
    const actual = sha256Of(data);
    if (actual !== sha256) throw new ArtifactError(`artifact ${sha256} is damaged on disk (hashes to ${actual})`);
    return data;
  }

  /** Stores bytes directly (an embedded orchestrator adds local files this way). */
  async put(data: Uint8Array): Promise<string> {
    const sha256 = sha256Of(data);
    if (await this.has(sha256)) return sha256;
    await this.abandon(sha256);
    await this.append(sha256, 0, data, data.length);
    await this.commit(sha256, data.length);
    return sha256;
  }
}

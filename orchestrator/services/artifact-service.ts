// ArtifactService: chunked uploads that resume where they stopped, and verified downloads.

import { status, type ServerReadableStream, type ServerUnaryCall, type ServerWritableStream, type sendUnaryData } from '@grpc/grpc-js';
import {
  ARTIFACT_CHUNK_BYTES,
  type ArtifactInfo, type ArtifactServiceServer, type ArtifactStatus, type ArtifactStatusRequest, type DownloadChunk, type DownloadRequest,
  type UploadChunk,
} from '../../proto/index.js';
import { checkSha256, type ArtifactStore } from '../artifacts.js';
import type { Authenticator } from '../auth.js';
import type { Store } from '../store/store.js';
import { serviceError, toServiceError } from './errors.js';

export function artifactService(artifacts: ArtifactStore, store: Store, auth: Authenticator): ArtifactServiceServer {
  return {
    upload(call: ServerReadableStream<UploadChunk, ArtifactInfo>, callback: sendUnaryData<ArtifactInfo>): void {
      const denied = auth.check(call.metadata, 'submit', call);
      if (denied !== null) return callback(denied);
      let first: UploadChunk | null = null;
      let work: Promise<void> = Promise.resolve();
      let failed = false;
      const fail = (e: unknown): void => {
        if (failed) return;
        failed = true;
        callback(toServiceError(e));
        call.destroy();
      };
      call.on('data', (chunk: UploadChunk) => {
        work = work.then(async () => {
          if (failed) return;
          if (first === null) {
            checkSha256(chunk.sha256);
            first = chunk;
          } else if (chunk.sha256 !== first.sha256 || Number(chunk.totalSize) !== Number(first.totalSize)) {
            throw new Error(`chunk names ${chunk.sha256.slice(0, 12)}/${chunk.totalSize} but the upload is ${first.sha256.slice(0, 12)}/${first.totalSize}`);
          }
          if (await artifacts.has(chunk.sha256)) return;
          await artifacts.append(chunk.sha256, Number(chunk.offset), chunk.data, Number(chunk.totalSize));
        }).catch(fail);
      });
      call.on('end', () => {
        void work.then(async () => {
          if (failed) return;
          if (first === null) return fail(serviceError(status.INVALID_ARGUMENT, 'empty upload: no chunk received'));
          const { sha256, totalSize, name, kind } = first;
          if (!(await artifacts.has(sha256))) await artifacts.commit(sha256, Number(totalSize));
          await store.recordArtifact({ sha256, size: Number(totalSize), name, kind }, Date.now());
          auth.recordAction(call.metadata, call, 'upload', sha256);
          callback(null, { sha256, size: Number(totalSize), name, kind });
        }).catch(fail);
      });
    },

    status(call: ServerUnaryCall<ArtifactStatusRequest, ArtifactStatus>, callback: sendUnaryData<ArtifactStatus>): void {
      const denied = auth.checkAny(call.metadata, ['submit', 'agent'], call);
      if (denied) return callback(denied);
      const { sha256 } = call.request;
      void (async () => {
        const complete = await artifacts.has(sha256);
        return { sha256, complete, receivedBytes: complete ? 0 : await artifacts.received(sha256) };
      })().then((s) => callback(null, s), (e: unknown) => callback(toServiceError(e)));
    },

    download(call: ServerWritableStream<DownloadRequest, DownloadChunk>): void {
      const denied = auth.checkAny(call.metadata, ['agent', 'read'], call);
      if (denied) {
        call.emit('error', denied);
        return;
      }
      void (async () => {
        const data = await artifacts.read(call.request.sha256);
        for (let offset = Number(call.request.offset); offset < data.length; offset += ARTIFACT_CHUNK_BYTES) {
          const ok = call.write({ offset, data: data.subarray(offset, offset + ARTIFACT_CHUNK_BYTES), totalSize: data.length });
          if (!ok) await new Promise((resolve) => call.once('drain', resolve));
        }
        if (data.length === 0) call.write({ offset: 0, data: Buffer.alloc(0), totalSize: 0 });
        call.end();
      })().catch((e: unknown) => call.emit('error', toServiceError(e)));
    },
  };
}

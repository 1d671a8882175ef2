// proto/ — the farm's wire protocol (etbench/v1/*.proto) and its ts-proto output, generated
// once here and imported everywhere else through this file. Regenerate with
// `npm run generate:proto` (buf from @bufbuild/buf runs protoc-gen-ts_proto); never edit
// generated/ by hand.
//
//   import { BenchServiceClient, channelOptions, PROTOCOL_VERSION } from '../proto/index.js';
//   const client = new BenchServiceClient('127.0.0.1:50051', credentials.createInsecure(), channelOptions());

export * from './generated/etbench/v1/types.js';
export * from './generated/etbench/v1/agent.js';
export * from './generated/etbench/v1/artifact.js';
export * from './generated/etbench/v1/bench.js';

/** Bumped when a change breaks older agents; the orchestrator refuses other versions. */
export const PROTOCOL_VERSION = 1;

/**
 * The largest message either side sends or accepts. grpc-js accepts 4 MiB by default; a result
 * with every raw sample and an op profile can pass that, and artifact chunks are 1 MiB.
 */
export const MAX_MESSAGE_BYTES = 64 * 1024 * 1024;

/** Artifact chunk size: well under MAX_MESSAGE_BYTES. */
export const ARTIFACT_CHUNK_BYTES = 1024 * 1024;

/** Channel and server options with the message size limits set explicitly on both sides. */
export function channelOptions(): Record<string, number> {
  return {
    'grpc.max_receive_message_length': MAX_MESSAGE_BYTES,
    'grpc.max_send_message_length': MAX_MESSAGE_BYTES,
    'grpc.keepalive_time_ms': 10_000,
    'grpc.keepalive_timeout_ms': 5_000,
    'grpc.keepalive_permit_without_calls': 1,
  };
}

/** Server options: the same size limits, and clients may ping as often as channelOptions does. */
export function serverOptions(): Record<string, number> {
  return {
    'grpc.max_receive_message_length': MAX_MESSAGE_BYTES,
    'grpc.max_send_message_length': MAX_MESSAGE_BYTES,
    'grpc.http2.min_ping_interval_without_data_ms': 5_000,
    'grpc.keepalive_permit_without_calls': 1,
  };
}

/**
 * A JobReject whose reason starts with this says the device was lost mid-job (the driver's LOST:
 * unplugged, link broken): the orchestrator re-queues the job, counting the attempt.
 */
export const LOST_PREFIX = 'lost: ';

/**
 * Comparing decoded programs across a rewrite: file positions (where the
 * flatbuffer puts tables, so where segments and payloads start) may change;
 * everything else must not.
 */
import type { ProgramInfo } from '../../program/index.js';

const POSITION_FIELDS = new Set(['programSize', 'segmentBaseOffset', 'fileSize', 'fileOffset', 'payloadOffset', 'valueOffset']);

/** `info` as JSON-safe data with every absolute file position replaced by null. */
export function withoutFilePositions(info: ProgramInfo): unknown {
  return JSON.parse(
    JSON.stringify(info, (key, value: unknown) =>
      POSITION_FIELDS.has(key) ? null : typeof value === 'bigint' ? `${value}n` : value,
    ),
  );
}

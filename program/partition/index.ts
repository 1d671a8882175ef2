export { partitionXnnpack, XNNPACK_ID, type PartitionReport } from './partition.js';
export { writeXnnPayload, type XnnGraphSpec } from './xnn-payload.js';
export { xnnStructureDiffs } from './xnn-compare.js';

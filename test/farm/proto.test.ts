// The generated protocol code round-trips the messages the farm depends on, and the message
// size limits are set explicitly above grpc-js's 4 MiB default.
import test from 'ava';
import { AgentMessage, AgentServiceService, BenchServiceService, ArtifactServiceService, JobResult, MAX_MESSAGE_BYTES, ResultStatus, channelOptions, serverOptions } from '../../proto/index.js';

test('an agent result with many raw samples round-trips through the wire format', (t) => {
  const samples = Array.from({ length: 100_000 }, (_, i) => i / 7);
  const result = JobResult.fromPartial({ jobId: 'j1', attempt: 2, status: ResultStatus.RESULT_STATUS_CRASHED, signal: 'SIGSEGV', samplesMs: samples, trialsJson: '[1,2]' });
  const bytes = AgentMessage.encode({ kind: { $case: 'result', value: result } }).finish();
  t.true(bytes.length > 4 * 1024 * 1024 / 8);
  const back = AgentMessage.decode(bytes);
  t.is(back.kind?.$case, 'result');
  const value = back.kind?.$case === 'result' ? back.kind.value : null;
  t.is(value?.signal, 'SIGSEGV');
  t.is(value?.attempt, 2);
  t.deepEqual(value?.samplesMs, samples);
});

test('services carry their full method paths and the size limits are explicit on both sides', (t) => {
  t.is(AgentServiceService.connect.path, '/etbench.v1.AgentService/Connect');
  t.true(AgentServiceService.connect.requestStream && AgentServiceService.connect.responseStream);
  t.deepEqual(Object.keys(BenchServiceService).sort(), ['cancelRun', 'compare', 'getRun', 'listDevices', 'listResults', 'listRuns', 'submitRun', 'watchRun']);
  t.deepEqual(Object.keys(ArtifactServiceService).sort(), ['download', 'status', 'upload']);
  for (const options of [channelOptions(), serverOptions()]) {
    t.is(options['grpc.max_receive_message_length'], MAX_MESSAGE_BYTES);
    t.is(options['grpc.max_send_message_length'], MAX_MESSAGE_BYTES);
  }
  t.true(MAX_MESSAGE_BYTES > 4 * 1024 * 1024);
});

// A device lost mid-job (a remote driver's LOST: unplugged, link broken) is not the program's
// answer: the agent hands the job back (JobReject "lost: ...") and the orchestrator re-queues it,
// the attempt counting towards max_attempts like an expired lease.

import { tmpdir } from 'node:os';
import path from 'node:path';
import test from 'ava';
import { Agent, DeviceLostError, SimDriver, type DriverJob, type DriverOutcome } from '../../agent/index.js';
import { JobState, type Device } from '../../proto/index.js';
import { configs, startSimFleet } from './sim-fleet.js';

/** A sim device whose first `losses` runs lose the device. */
class FlakyDriver extends SimDriver {
  runs = 0;
  constructor(private readonly losses: number, capabilities: ConstructorParameters<typeof SimDriver>[0]['capabilities']) {
    super({ deviceIds: ['flaky'], capabilities });
  }

  override async run(device: Device, job: DriverJob, signal: AbortSignal): Promise<DriverOutcome> {
    this.runs += 1;
    if (this.runs <= this.losses) throw new DeviceLostError(`link to ${device.id} closed (run ${this.runs})`);
    return super.run(device, job, signal);
  }
}

async function flakyFleet(losses: number) {
  const fleet = await startSimFleet(0, 1, { heartbeatIntervalMs: 100 });
  const caps = (await import('../../orchestrator/index.js')).programFacts(fleet.program).operators;
  const driver = new FlakyDriver(losses, { kernelSets: [{ name: 'portable', operators: caps }], backends: [] });
  const agent = new Agent({
    orchestrator: fleet.orchestrator.address, token: 'fleet-token', agentId: 'flaky-agent', cacheDir: path.join(tmpdir(), `etbench-flaky-${process.pid}-${losses}`),
    drivers: [driver],
  });
  const registered = new Promise((resolve) => agent.once('registered', resolve));
  await agent.start();
  await registered;
  const info = await fleet.client.uploadBytes(fleet.program, 'add.pte');
  const program = { ...info, methods: [], operators: [], delegates: [], rtol: 0, atol: 0, hasTolerances: false, plannedBytes: 0, expectedSha256: '', expectedInputs: '' };
  return { fleet, agent, driver, program };
}

test.serial('a job whose device is lost once is re-queued and completes on the next attempt', async (t) => {
  const { fleet, agent, driver, program } = await flakyFleet(1);
  t.teardown(async () => { await agent.stop(); await fleet.close(); });
  const run = await fleet.client.submit({ programs: [program], devices: ['flaky'], configs: configs(1), maxAttempts: 3 });
  const final = await fleet.client.watch(run.id);
  const [job] = final.jobs;
  t.is(job?.state, JobState.JOB_STATE_DONE, job?.reason);
  t.is(job?.attempt, 2);
  t.is(job?.result?.attempt, 2);
  t.is(driver.runs, 2);
});

test.serial('a device lost on every attempt fails the job when the attempts are spent, naming the loss', async (t) => {
  const { fleet, agent, driver, program } = await flakyFleet(100);
  t.teardown(async () => { await agent.stop(); await fleet.close(); });
  const run = await fleet.client.submit({ programs: [program], devices: ['flaky'], configs: configs(1), maxAttempts: 2 });
  const final = await fleet.client.watch(run.id);
  const [job] = final.jobs;
  t.is(job?.state, JobState.JOB_STATE_FAILED);
  t.regex(job?.reason ?? '', /^lost: link to flaky closed \(run 2\); no attempts left \(2\)$/);
  t.is(driver.runs, 2);
});

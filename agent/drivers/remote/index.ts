// Pieces the remote drivers (ssh, adb) share: which etrun a device runs, the shell text of a job
// and its markers, the /proc and /sys probe, and the classification of a remote run.

export { archOf, defaultEtrunPath, pickRuntime, sha256File, type EtrunArch, type RuntimeBinary, type RuntimeBuild } from './runtime.js';
export { jobCommand, killCommand, killOrphansCommand, parseJobOutput, shQuote, type JobOutput } from './shell.js';
export {
  CONDITION_FILES, FACT_FILES, bigCoreMask, linuxConditions, linuxFacts, parseProbe, probeCommand,
  type LinuxConditions, type LinuxFacts, type Probe,
} from './probe.js';
export { remoteOutcome, stamp, type RemoteEnding, type RemoteRun, type RemoteRunStatus } from './outcome.js';
export { waitCool, type Cooldown } from './cooldown.js';
export { remoteJobArgv, type RemoteJob, type RemotePrepared } from './job.js';

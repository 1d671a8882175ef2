// The POSIX shell text the remote drivers send (Linux sh, Android's mksh alike), and the parsing of
// what comes back. One job is one command line whose output carries markers: the process id (so
// an abort can kill it from a second command), etrun's stdout, its exit status, then its stderr.

/** Quotes one word for sh: everything literal. */
export function shQuote(word: string): string {
  return `'${word.replaceAll("'", `'\\''`)}'`;
}

const PID = '@@etbench-pid=';
const EXIT = '@@etbench-exit=';

/**
 * The command that runs etrun in `dir`. `exec` keeps the inner shell's pid for etrun, so the pid
 * printed first is etrun's own; stderr goes to a file and is printed after the exit marker, so a
 * transport that merges the two streams (adb's raw shell) still separates them.
 * `prefix` is prepended to the etrun command (e.g. `taskset f0` to pin it to the big cores).
 */
export function jobCommand(dir: string, etrun: string, argv: readonly string[], prefix: readonly string[] = []): string {
  const inner = `echo ${PID}$$; exec "$@" 2>stderr.txt`;
  const words = [...prefix, etrun, ...argv].map(shQuote).join(' ');
  return `cd ${shQuote(dir)} && sh -c ${shQuote(inner)} etrun ${words}; r=$?; echo; echo ${EXIT}$r; cat stderr.txt 2>/dev/null`;
}

export interface JobOutput {
  /** etrun's pid on the device, once it started. */
  pid: number | null;
  /** The shell's status for etrun: its exit code, or 128 + the signal number. null: never seen (lost). */
  status: number | null;
  stdout: string;
  stderr: string;
}

/** Splits a job command's output at its markers; a missing exit marker means the output was cut off. */
export function parseJobOutput(text: string): JobOutput {
  const pidAt = text.indexOf(PID);
  let pid: number | null = null;
  let rest = text;
  if (pidAt >= 0) {
    const end = text.indexOf('\n', pidAt);
    const value = Number(text.slice(pidAt + PID.length, end < 0 ? undefined : end).trim());
    pid = Number.isInteger(value) && value > 0 ? value : null;
    rest = end < 0 ? '' : text.slice(end + 1);
  }
  const exitAt = rest.lastIndexOf(`\n${EXIT}`);
  if (exitAt < 0) return { pid, status: null, stdout: rest, stderr: '' };
  const lineEnd = rest.indexOf('\n', exitAt + 1);
  const status = Number(rest.slice(exitAt + 1 + EXIT.length, lineEnd < 0 ? undefined : lineEnd).trim());
  return {
    pid,
    status: Number.isInteger(status) ? status : null,
    stdout: rest.slice(0, exitAt),
    stderr: lineEnd < 0 ? '' : rest.slice(lineEnd + 1),
  };
}

/** Stops a job by pid: TERM, then KILL after `graceS` seconds when it is still there. */
export function killCommand(pid: number, graceS = 1): string {
  return `kill -TERM ${pid} 2>/dev/null; sleep ${graceS}; kill -0 ${pid} 2>/dev/null && kill -KILL ${pid} 2>/dev/null; true`;
}

/**
 * Kills etrun processes left by jobs whose link broke (a LOST job keeps running on the device and
 * would disturb the next measurement). A pid is only killed while its command line still names
 * `marker` (the scratch folder), so a pid reused by another process is left alone.
 */
export function killOrphansCommand(pids: readonly number[], marker: string): string {
  if (pids.length === 0) return 'true';
  return `for p in ${pids.join(' ')}; do tr '\\000' ' ' < /proc/$p/cmdline 2>/dev/null | grep -qF ${shQuote(marker)} && kill -KILL $p 2>/dev/null; done; true`;
}

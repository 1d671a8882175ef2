// The CLI's view of its process: where text goes, environment, working directory, and the
// signal that says the user wants to stop. Tests pass their own; bin/etbench.js uses processIo().

export interface CliIo {
  /** Results: a table, or the JSON document. */
  stdout(text: string): void;
  /** Messages, progress and errors. */
  stderr(text: string): void;
  /** Live progress is drawn only on an interactive terminal. */
  stderrIsTTY: boolean;
  cwd: string;
  env: NodeJS.ProcessEnv;
  /** Aborted when the user interrupts (Ctrl-C); null when nothing can interrupt. */
  signal: AbortSignal | null;
}

/** The real process. The first Ctrl-C stops the run cleanly; a second one kills etbench. */
export function processIo(): CliIo {
  const controller = new AbortController();
  process.once('SIGINT', () => controller.abort());
  return {
    stdout: (text) => process.stdout.write(text),
    stderr: (text) => process.stderr.write(text),
    stderrIsTTY: process.stderr.isTTY === true,
    cwd: process.cwd(),
    env: process.env,
    signal: controller.signal,
  };
}

// Errors the host driver throws. A run that etrun answers — even with a failure exit code, a
// crash or a timeout — is a value (EtrunRun), not an error; these are for when there is no run.

export type EtrunSource = 'OPTION' | 'ENV' | 'BUILD';

/** The etrun binary is missing or not executable, so nothing could be run. */
export class EtrunNotFoundError extends Error {
  override readonly name = 'EtrunNotFoundError';

  /** The path tried. */
  readonly path: string;
  /** Where that path came from: the etrunPath option, $ETBENCH_ETRUN, or the build directory. */
  readonly source: EtrunSource;

  constructor(pathname: string, source: EtrunSource, options?: { cause?: unknown }) {
    super(EtrunNotFoundError.explain(pathname, source), options);
    this.path = pathname;
    this.source = source;
  }

  private static explain(pathname: string, source: EtrunSource): string {
    switch (source) {
      case 'OPTION':
        return `etrun not found or not executable at ${pathname}`;
      case 'ENV':
        return `ETBENCH_ETRUN=${pathname} is not an executable file`;
      case 'BUILD':
        return `etrun is not built: ${pathname} is missing. Run \`npm run build\` in the etbench package (or set ETBENCH_ETRUN to an etrun binary).`;
    }
  }
}

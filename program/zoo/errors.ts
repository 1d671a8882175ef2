/** Errors of the model zoo; each names what failed and where (model, layer, file). */
export class ZooError extends Error {
  override readonly name = 'ZooError';

  constructor(message: string, readonly where: string, options?: { cause?: unknown }) {
    super(`${where}: ${message}`, options);
  }
}

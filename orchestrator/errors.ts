// Errors the orchestrator's core throws for a client's mistakes; the services map them to gRPC
// statuses (INVALID_ARGUMENT, NOT_FOUND) and the HTTP API to 400 / 404.

export class RequestError extends Error {
  override readonly name = 'RequestError';
  constructor(message: string, readonly kind: 'invalid' | 'not-found' = 'invalid') {
    super(message);
  }
}

// Turning thrown errors into gRPC statuses with clear details.

import { Metadata, status, type ServiceError } from '@grpc/grpc-js';
import { ArtifactError } from '../artifacts.js';
import { RequestError } from '../farm.js';

export function serviceError(code: status, details: string): ServiceError {
  return Object.assign(new Error(details), { code, details, metadata: new Metadata() });
}

export function toServiceError(error: unknown): ServiceError {
  if (error instanceof RequestError) return serviceError(error.kind === 'not-found' ? status.NOT_FOUND : status.INVALID_ARGUMENT, error.message);
  if (error instanceof ArtifactError) return serviceError(status.INVALID_ARGUMENT, error.message);
  return serviceError(status.INTERNAL, (error as Error)?.message ?? String(error));
}

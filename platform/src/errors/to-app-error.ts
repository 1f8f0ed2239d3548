import { ZodError } from 'zod';
import { AppError, ValidationError } from './app-error';

/** Turns anything thrown into an AppError: zod errors into 400, body-parser errors into their 4xx, the rest into a 500. */
export function toAppError(error: unknown): AppError {
  if (error instanceof AppError) return error;
  if (error instanceof ZodError) {
    return new ValidationError(
      error.issues.map((issue) => ({ path: issue.path.join('.'), message: issue.message })),
    );
  }
  // body-parser (express.json) errors carry a 4xx status and a `type`.
  if (isHttpClientError(error)) {
    const tooLarge = error.status === 413;
    return new AppError({
      code: tooLarge ? 'payload-too-large' : 'malformed-request',
      message: tooLarge ? 'Request body is too large' : 'Request body is not valid JSON',
      httpStatus: error.status,
      cause: error,
    });
  }
  return new AppError({ code: 'internal-error', message: 'Internal server error', httpStatus: 500, cause: error });
}

function isHttpClientError(error: unknown): error is { status: number; type: string } {
  if (typeof error !== 'object' || error === null) return false;
  const { status, type } = error as { status?: unknown; type?: unknown };
  return typeof status === 'number' && status >= 400 && status < 500 && typeof type === 'string';
}

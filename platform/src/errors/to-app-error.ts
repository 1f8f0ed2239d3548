import { ZodError } from 'zod';
import { AppError, DependencyUnavailableError, ValidationError } from './app-error';

/** Turns anything thrown into an AppError: zod errors into 400, body-parser errors into their 4xx, the rest into a 500. */
export function toAppError(error: unknown): AppError {
  if (error instanceof AppError) return error;
  if (error instanceof ZodError) {
    return new ValidationError(
      error.issues.flatMap((issue) =>
        // An unknown key (strict schemas) is reported on its object: name each key as a field of it.
        'keys' in issue && issue.code === 'unrecognized_keys'
          ? issue.keys.map((key) => ({ path: [...issue.path, key].join('.'), message: 'is not a field of this request' }))
          : [{ path: issue.path.join('.'), message: issue.message }],
      ),
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
  if (isDatabaseUnreachable(error)) return new DependencyUnavailableError('database', 5, error);
  return new AppError({ code: 'internal-error', message: 'Internal server error', httpStatus: 500, cause: error });
}

function isHttpClientError(error: unknown): error is { status: number; type: string } {
  if (typeof error !== 'object' || error === null) return false;
  const { status, type } = error as { status?: unknown; type?: unknown };
  return typeof status === 'number' && status >= 400 && status < 500 && typeof type === 'string';
}

// Prisma's codes for an unreachable server (P1001), a connect timeout (P1002), an exhausted
// pool (P2024) and a transaction that could not start in time (P2028): the database is down or
// saturated, which is a 503, not a bug.
const DATABASE_UNAVAILABLE_CODES = new Set(['P1001', 'P1002', 'P2024', 'P2028']);

function isDatabaseUnreachable(error: unknown): boolean {
  if (typeof error !== 'object' || error === null) return false;
  const code = (error as { code?: unknown }).code;
  return typeof code === 'string' && DATABASE_UNAVAILABLE_CODES.has(code);
}

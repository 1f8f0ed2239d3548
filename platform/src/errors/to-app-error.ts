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

// The database is down or saturated, which is a 503, not a bug. Prisma's codes: an unreachable
// server (P1001), a connect timeout (P1002), an exhausted pool (P2024), a transaction that could
// not start in time (P2028). From pg itself (statements sqlRows runs on the pool): the socket's
// errors, PostgreSQL shutting down or refusing connections (57P01-57P03, 53300, class 08), and
// the pool's own connect timeout and lost connections, which carry no code.
const DATABASE_UNAVAILABLE_CODES = new Set([
  'P1001', 'P1002', 'P2024', 'P2028',
  'ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'EHOSTUNREACH', 'ENOTFOUND', 'EAI_AGAIN',
  '57P01', '57P02', '57P03', '53300',
]);
const PG_POOL_UNAVAILABLE = /^(timeout exceeded when trying to connect|Connection terminated( unexpectedly| due to connection timeout)?)$/;

function isDatabaseUnreachable(error: unknown): boolean {
  if (typeof error !== 'object' || error === null) return false;
  const code = (error as { code?: unknown }).code;
  if (typeof code === 'string') return DATABASE_UNAVAILABLE_CODES.has(code) || /^08[0-9A-Z]{3}$/.test(code);
  return error instanceof Error && PG_POOL_UNAVAILABLE.test(error.message);
}

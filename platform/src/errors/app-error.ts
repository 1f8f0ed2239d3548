import { jitteredRetryAfterSeconds } from './retry-after';

/** Options for an AppError; named so that no positional boolean can be misread. */
export interface AppErrorOptions {
  /** Stable kebab-case code clients can switch on, e.g. `email-taken`. */
  code: string;
  message: string;
  /** Status the HTTP error handler answers with. Default 500. */
  httpStatus?: number;
  /** Extra fields sent to the client (e.g. the invalid fields of a 400). */
  details?: unknown;
  /** Extra response headers (e.g. Retry-After on a 503). */
  headers?: Record<string, string>;
  cause?: unknown;
}

/** The one error type the error handler knows how to answer; domains extend it. */
export class AppError extends Error {
  readonly code: string;
  readonly httpStatus: number;
  readonly details: unknown;
  readonly headers: Record<string, string>;

  constructor(options: AppErrorOptions) {
    super(options.message, { cause: options.cause });
    this.name = new.target.name;
    this.code = options.code;
    this.httpStatus = options.httpStatus ?? 500;
    this.details = options.details;
    this.headers = options.headers ?? {};
  }
}

/** 400 with the offending fields. */
export class ValidationError extends AppError {
  constructor(fields: Array<{ path: string; message: string }>) {
    super({ code: 'validation-failed', message: 'Request validation failed', httpStatus: 400, details: { fields } });
  }
}

/** 401: no or unacceptable credentials. */
export class UnauthorizedError extends AppError {
  constructor(message = 'Authentication required') {
    super({ code: 'unauthorized', message, httpStatus: 401 });
  }
}

/** 403: authenticated, but not allowed. */
export class ForbiddenError extends AppError {
  constructor(message = 'Not allowed') {
    super({ code: 'forbidden', message, httpStatus: 403 });
  }
}

/** 404 for a resource of the given kind. */
export class NotFoundError extends AppError {
  constructor(resource: string) {
    super({ code: `${resource}-not-found`, message: `${resource} not found`, httpStatus: 404 });
  }
}

/**
 * 503 with Retry-After: a dependency is down; the client may retry later. `retryAfterSeconds`
 * is the earliest sensible retry; the header carries it with jitter, a whole number in
 * [base, 2 × base] (see jitteredRetryAfterSeconds), so refused clients do not return as one herd.
 */
export class DependencyUnavailableError extends AppError {
  /** The Retry-After sent, in seconds (jittered). */
  readonly retryAfterSeconds: number;

  constructor(dependency: string, retryAfterSeconds: number, cause?: unknown) {
    const jittered = jitteredRetryAfterSeconds(retryAfterSeconds);
    super({
      code: `${dependency}-unavailable`,
      message: `${dependency} is unavailable, retry later`,
      httpStatus: 503,
      headers: { 'Retry-After': String(jittered) },
      cause,
    });
    this.retryAfterSeconds = jittered;
  }
}

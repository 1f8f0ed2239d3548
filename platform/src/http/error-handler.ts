import type { NextFunction, Request, Response } from 'express';
import { AppError, toAppError } from '../errors';
import { getLogger } from '../logging';
import { errorsTotal } from '../metrics';

const log = getLogger('http');

/** The one error middleware: any error becomes { code, message, details? } with its status; 5xx carry no internals. */
export function errorHandler(error: unknown, req: Request, res: Response, _next: NextFunction): void {
  const appError = isUndecodablePathParameter(error) ? new MalformedPathError(error) : toAppError(error);
  errorsTotal.inc({ code: appError.code });
  if (appError.httpStatus === 503) {
    // An expected outage of a dependency: one line, no stack; the breaker and metrics tell the rest.
    log.warn('Dependency unavailable', { code: appError.code, method: req.method, path: req.originalUrl });
  } else if (appError.httpStatus >= 500) {
    log.error('Request failed', { code: appError.code, method: req.method, path: req.originalUrl, error: appError.cause ?? appError });
  } else {
    log.info('Request rejected', { code: appError.code, status: appError.httpStatus, method: req.method, path: req.originalUrl });
  }
  if (res.headersSent) return;
  res.set(appError.headers);
  res.status(appError.httpStatus).json({
    code: appError.code,
    message: appError.message,
    ...(appError.details !== undefined ? { details: appError.details } : {}),
  });
}

/** JSON 404 for any path no route matched. */
export function notFoundHandler(req: Request, res: Response): void {
  res.status(404).json({ code: 'route-not-found', message: `No route for ${req.method} ${req.path}` });
}

/**
 * The router's error for a path parameter that is not valid percent-encoding (`/orders/%zz`):
 * a URIError it marks 400 but without the `type` body-parser errors carry, so toAppError would
 * make it a 500.
 */
function isUndecodablePathParameter(error: unknown): error is URIError {
  return error instanceof URIError && (error as URIError & { status?: unknown }).status === 400;
}

/** 400 malformed-request: the request path does not decode. */
class MalformedPathError extends AppError {
  constructor(cause: unknown) {
    super({ code: 'malformed-request', message: 'Request path is not valid percent-encoding', httpStatus: 400, cause });
  }
}

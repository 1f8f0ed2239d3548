import type { NextFunction, Request, Response } from 'express';
import { toAppError } from '../errors';
import { getLogger } from '../logging';
import { errorsTotal } from '../metrics';

const log = getLogger('http');

/** The one error middleware: any error becomes { code, message, details? } with its status; 5xx carry no internals. */
export function errorHandler(error: unknown, req: Request, res: Response, _next: NextFunction): void {
  const appError = toAppError(error);
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

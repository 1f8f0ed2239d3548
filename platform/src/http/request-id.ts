import { randomUUID } from 'node:crypto';
import type { NextFunction, Request, Response } from 'express';
import { runWithContext } from '../logging';

export const REQUEST_ID_HEADER = 'x-request-id';
const ACCEPTABLE_ID = /^[\w.:-]{1,128}$/;

/** Takes the caller's x-request-id when it is sane (else makes one), echoes it, and puts it in the log context. */
export function requestIdMiddleware(req: Request, res: Response, next: NextFunction): void {
  // Node's own header API rather than Express's req.get/res.set: this runs on every request.
  const incoming = req.headers[REQUEST_ID_HEADER];
  const requestId = typeof incoming === 'string' && ACCEPTABLE_ID.test(incoming) ? incoming : randomUUID();
  req.headers[REQUEST_ID_HEADER] = requestId;
  res.setHeader(REQUEST_ID_HEADER, requestId);
  runWithContext({ requestId }, next);
}

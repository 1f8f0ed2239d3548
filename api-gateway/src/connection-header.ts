import type { IncomingMessage } from 'node:http';
import type { NextFunction, Request, Response } from 'express';
import { HopByHopHeaderRefusedError } from './gateway-errors';
import { GATEWAY_HEADERS } from './upstream-headers';

const REFUSED = new Set(GATEWAY_HEADERS);
const NOTHING_NAMED: ReadonlySet<string> = new Set();

/** Header names the client's Connection header lists (RFC 9110 §7.6.1), lower-cased. */
export function namedByConnection(req: IncomingMessage): ReadonlySet<string> {
  // Node joins repeated Connection headers with ", ", so one split sees every list.
  const value = req.headers.connection;
  // Most requests name nothing (HTTP/1.1 clients rarely send the header): no set to build for them.
  if (value === undefined) return NOTHING_NAMED;
  return new Set(value.split(',').map((token) => token.trim().toLowerCase()).filter((token) => token !== ''));
}

/**
 * 400 for a request whose Connection header names a header that frames the request or that the
 * gateway sets (Content-Length, Host, the identity headers...). Honoured, such a list is how a
 * client strips the gateway's own headers on the way (a customer reading any user by dropping
 * x-user-id) or sends a body without framing (request smuggling); there is no honest reason to
 * send one.
 */
export function refuseHopByHopAbuse(req: Request, _res: Response, next: NextFunction): void {
  if (req.headers.connection === undefined) return next();
  const refused = [...namedByConnection(req)].filter((name) => REFUSED.has(name));
  if (refused.length > 0) throw new HopByHopHeaderRefusedError(refused);
  next();
}

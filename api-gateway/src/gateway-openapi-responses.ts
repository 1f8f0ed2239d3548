import { ERROR_SCHEMA_REF } from '@shop/platform/openapi';
import type { Authentication } from './routing-table';

type Response = { description: string; headers?: Record<string, unknown>; content?: Record<string, unknown> };

const error = (description: string, headers?: Record<string, unknown>): Response => ({
  description,
  ...(headers ? { headers } : {}),
  content: { 'application/json': { schema: ERROR_SCHEMA_REF } },
});

// express-rate-limit's standard headers (draft-8), set by rate-limits.ts on every answer it counts.
const RATE_LIMIT_HEADERS = {
  'Retry-After': { description: 'Seconds until the window resets', required: true, schema: { type: 'integer', minimum: 1 } },
  RateLimit: { description: 'The limit that refused the request, e.g. `"per-client";r=0;t=42` (remaining, seconds to reset)', schema: { type: 'string' } },
  'RateLimit-Policy': { description: 'The policy, e.g. `"per-client";q=600;w=60` (requests per window of w seconds)', schema: { type: 'string' } },
};

/** What the gateway itself may answer on any route, its own included (see app.ts and its server). */
export const GATEWAY_RESPONSES: Readonly<Record<string, Response>> = {
  400: error(
    'Refused by the gateway before any service saw it: hop-by-hop-header-refused (the Connection header names a header the gateway sets), ' +
      'body-not-allowed (a GET with a body), unsupported-transfer-coding',
  ),
  408: { description: 'The client did not send its request in time (CLIENT_HEADERS_TIMEOUT_MS, CLIENT_REQUEST_TIMEOUT_MS); no body, the connection is closed' },
  500: error('Internal error; the body carries no internals (proxy-failed: the request to the service could not be sent)'),
};

/** What the gateway itself may answer on a route it proxies, given what the route needs of credentials. */
export function proxiedRouteResponses(authentication: Authentication): Record<string, Response> {
  return {
    ...(authentication === 'none'
      ? {}
      : {
          401: error(
            `${authentication === 'optional' ? 'A token is optional, but one that is sent must be valid: ' : ''}` +
              'missing-token, invalid-token or token-expired (WWW-Authenticate: Bearer)',
          ),
        }),
    429: error('rate-limited: too many requests from this client (or logins from this address) in the window', RATE_LIMIT_HEADERS),
    502: error('upstream-unavailable: the service refused or dropped the connection'),
    504: error('upstream-timeout: the service did not answer within UPSTREAM_TIMEOUT_MS'),
  };
}

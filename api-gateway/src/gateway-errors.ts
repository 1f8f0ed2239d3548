import { AppError } from '@shop/platform/errors';

// Clients switch on these codes; the platform error handler turns each into { code, message }.
const BEARER_CHALLENGE = { 'WWW-Authenticate': 'Bearer' };

/** 401: no Authorization header, or not a Bearer one. */
export class MissingTokenError extends AppError {
  constructor() {
    super({ code: 'missing-token', message: 'A Bearer access token is required', httpStatus: 401, headers: BEARER_CHALLENGE });
  }
}

/** 401: signature, algorithm, issuer, audience or claims are wrong, or the token is malformed. */
export class InvalidTokenError extends AppError {
  constructor() {
    super({ code: 'invalid-token', message: 'The access token is not valid', httpStatus: 401, headers: BEARER_CHALLENGE });
  }
}

/** 401: the token was valid but has expired; the client should sign in again. */
export class TokenExpiredError extends AppError {
  constructor() {
    super({ code: 'token-expired', message: 'The access token has expired', httpStatus: 401, headers: BEARER_CHALLENGE });
  }
}

/** 401: the token was issued before its user's password change or account deletion; sign in again. */
export class TokenRevokedError extends AppError {
  constructor() {
    super({ code: 'token-revoked', message: 'The access token was revoked; sign in again', httpStatus: 401, headers: BEARER_CHALLENGE });
  }
}

/** 429 with Retry-After: the client used up its requests for this window. */
export class RateLimitedError extends AppError {
  constructor(retryAfterSeconds: number) {
    super({
      code: 'rate-limited',
      message: 'Too many requests, retry later',
      httpStatus: 429,
      headers: { 'Retry-After': String(retryAfterSeconds) },
    });
  }
}

/** 502: the upstream refused or dropped the connection. */
export class UpstreamUnavailableError extends AppError {
  constructor(service: string, cause: unknown) {
    super({ code: 'upstream-unavailable', message: `${service} is unavailable`, httpStatus: 502, cause });
  }
}

/** 504: the upstream did not answer within UPSTREAM_TIMEOUT_MS. */
export class UpstreamTimeoutError extends AppError {
  constructor(service: string, cause: unknown) {
    super({ code: 'upstream-timeout', message: `${service} did not answer in time`, httpStatus: 504, cause });
  }
}

/** 400: the client's Connection header names a header that frames the request or that the gateway sets. */
export class HopByHopHeaderRefusedError extends AppError {
  constructor(names: string[]) {
    super({
      code: 'hop-by-hop-header-refused',
      message: `The Connection header may not name ${names.join(', ')}`,
      httpStatus: 400,
      details: { headers: names },
    });
  }
}

/** 400: a GET or HEAD request carries a body, which has no meaning here and is never forwarded. */
export class BodyNotAllowedError extends AppError {
  constructor(method: string) {
    super({ code: 'body-not-allowed', message: `A ${method} request carries no body`, httpStatus: 400 });
  }
}

/** 400: the body's Transfer-Encoding is more than chunked (gzip, chunked...), which no service takes. */
export class UnsupportedTransferCodingError extends AppError {
  constructor() {
    super({ code: 'unsupported-transfer-coding', message: 'Transfer-Encoding may only be chunked', httpStatus: 400 });
  }
}

/** 500: the gateway could not build or send the upstream request (a bug, never the client's input). */
export class ProxyFailedError extends AppError {
  constructor(service: string, cause: unknown) {
    super({ code: 'proxy-failed', message: `The request to ${service} could not be sent`, httpStatus: 500, cause });
  }
}

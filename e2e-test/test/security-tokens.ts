import { randomUUID } from 'node:crypto';
import { SignJWT } from 'jose';

// What user-service puts in every access token (platform/src/auth).
export const ISSUER = 'microshop/user-service';
export const AUDIENCE = 'microshop';

export interface MintOptions {
  sub?: string | undefined;
  role?: unknown;
  iss?: string;
  aud?: string;
  /** Seconds until expiry; negative means already expired. Default 300. */
  expiresInSeconds?: number;
  /** Seconds from now before which the token is not valid. */
  notBeforeSeconds?: number;
  alg?: 'HS256' | 'HS384' | 'HS512';
}

/** A token signed with `secret`; every claim can be chosen, so tests build valid and subtly wrong ones alike. */
export async function mintToken(secret: string, options: MintOptions = {}): Promise<string> {
  const now = Math.floor(Date.now() / 1000);
  const jwt = new SignJWT({ role: options.role ?? 'customer' })
    .setProtectedHeader({ alg: options.alg ?? 'HS256', typ: 'JWT' })
    .setIssuer(options.iss ?? ISSUER)
    .setAudience(options.aud ?? AUDIENCE)
    .setIssuedAt(now)
    .setExpirationTime(now + (options.expiresInSeconds ?? 300));
  if (!('sub' in options)) jwt.setSubject(randomUUID());
  else if (options.sub !== undefined) jwt.setSubject(options.sub);
  if (options.notBeforeSeconds !== undefined) jwt.setNotBefore(now + options.notBeforeSeconds);
  return jwt.sign(new TextEncoder().encode(secret));
}

const encode = (value: object) => Buffer.from(JSON.stringify(value)).toString('base64url');

/** An `alg: none` token built by hand (no library would sign one): header.payload. with an empty signature. */
export function unsignedToken(payload: Record<string, unknown>): string {
  return `${encode({ alg: 'none', typ: 'JWT' })}.${encode(payload)}.`;
}

/** The claims of a token, decoded without verification. */
export function claimsOf(token: string): Record<string, unknown> {
  return JSON.parse(Buffer.from(token.split('.')[1] ?? '', 'base64url').toString('utf8')) as Record<string, unknown>;
}

/** The same token with its payload changed and re-encoded, keeping header and signature (a tampered token). */
export function tamperedToken(token: string, change: (claims: Record<string, unknown>) => Record<string, unknown>): string {
  const [header, , signature] = token.split('.');
  return `${header}.${encode(change(claimsOf(token)))}.${signature}`;
}

/** A standard claim set as user-service would issue it, for hand-built tokens. */
export function standardClaims(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  const now = Math.floor(Date.now() / 1000);
  return { sub: randomUUID(), role: 'customer', iss: ISSUER, aud: AUDIENCE, iat: now, exp: now + 300, ...overrides };
}

import type { Exchange } from './security-client';

/** Values that must never appear in an answer, whatever was asked. */
export interface Secrets {
  gatewayToken: string;
  serviceToken: string;
  jwtSecret: string;
  /** Plain passwords the suite registered with. */
  passwords: string[];
  /** Card numbers the suite sent, as typed. */
  cardNumbers: string[];
}

/** True when a run of digits passes the Luhn checksum (what a full card number does). */
function passesLuhn(digits: string): boolean {
  let sum = 0;
  for (let i = 0; i < digits.length; i++) {
    let digit = Number(digits[digits.length - 1 - i]);
    if (i % 2 === 1) digit = digit * 2 > 9 ? digit * 2 - 9 : digit * 2;
    sum += digit;
  }
  return sum % 10 === 0;
}

// 13–19 digits standing alone (a UUID's longest group has 12 characters, so none matches inside one).
const DIGIT_RUN = /(?<![\dA-Za-z-])\d{13,19}(?![\dA-Za-z-])/g;
const JWT = /eyJ[\w-]{10,}\.eyJ[\w-]{10,}\.[\w-]*/;

/**
 * What an answer gives away that it must not: secrets, password hashes, processor tokens and
 * charge ids, full card numbers, access tokens (except the one login hands out).
 */
export function secretsIn(exchange: Exchange, secrets: Secrets): string[] {
  const text = exchange.text;
  const found: string[] = [];
  const has = (needle: string) => needle.length > 0 && text.includes(needle);
  if (has(secrets.gatewayToken)) found.push('the gateway token');
  if (has(secrets.serviceToken)) found.push('the service token');
  if (has(secrets.jwtSecret)) found.push('the JWT secret');
  if (/scrypt\$\d+\$/.test(text)) found.push('a password hash');
  if (/pm_tok_/.test(text)) found.push('a payment method token');
  // The API document describes these fields (a password property, an example card); it holds no data.
  if (/\/openapi\.json$/.test(exchange.path)) return found;
  if (/x-gateway-token/i.test(text)) found.push('an x-gateway-token header');
  for (const password of secrets.passwords) if (has(password)) found.push(`the password "${password}"`);
  if (/"password\w*"\s*:\s*"/i.test(text)) found.push('a password field');
  if (/"token"\s*:\s*"/.test(text)) found.push('a payment method token field');
  if (/ch_sim_|"processorChargeId"/.test(text)) found.push("the processor's charge id");
  for (const number of secrets.cardNumbers) {
    const digits = number.replace(/\D/g, '');
    if (has(number) || has(digits)) found.push(`the card number ${number}`);
  }
  for (const [run] of text.matchAll(DIGIT_RUN)) if (passesLuhn(run)) found.push(`a card-like number ${run}`);
  const isLogin = exchange.method === 'POST' && /\/auth\/login/i.test(exchange.path) && exchange.status === 200;
  if (!isLogin && JWT.test(text)) found.push('an access token');
  return found;
}

// Signs of internals in an answer: stack frames, source paths, SQL, the ORM, driver errors.
const INTERNALS: Array<[string, RegExp]> = [
  ['a stack frame', /\n\s+at \S|\bat [^\s"]+ \([^)]*:\d+:\d+\)/],
  ['a source path', /\.(ts|js|mjs|cjs):\d+/],
  ['node_modules', /node_modules/],
  ['SQL', /\b(SELECT|INSERT INTO|UPDATE \S+ SET|DELETE FROM)\b/],
  ['Prisma', /prisma/i],
  ['a database error', /\b(P\d{4}|ECONNREFUSED|duplicate key|violates|syntax for type)\b/],
];

/** Internals an answer shows that the request itself did not contain (an echoed path or key is not a leak). */
export function internalsIn(exchange: Exchange): string[] {
  return INTERNALS.filter(([, pattern]) => pattern.test(exchange.text) && !pattern.test(exchange.sent)).map(([name]) => name);
}

const ERROR_CODE = /^[a-z0-9]+(-[a-z0-9]+)*$/;

/**
 * Why an answer is not what hostile input deserves: anything but a 2xx or 4xx; a 4xx that is not
 * JSON `{ code, message, details? }`; a 2xx that is not JSON (204 aside); internals in the body.
 */
export function problemsWith(exchange: Exchange): string[] {
  const problems: string[] = [];
  const { status, json } = exchange;
  if (!((status >= 200 && status < 300) || (status >= 400 && status < 500))) problems.push(`status ${status}`);
  if (status >= 400) {
    const error = json as { code?: unknown; message?: unknown } | undefined;
    const extraKeys = error && typeof error === 'object' ? Object.keys(error).filter((k) => !['code', 'message', 'details'].includes(k)) : [];
    if (!error || typeof error !== 'object' || typeof error.code !== 'string' || !ERROR_CODE.test(error.code) || typeof error.message !== 'string' || extraKeys.length > 0) {
      problems.push('an error body that is not { code, message, details? }');
    }
  } else if (status !== 204 && json === undefined) {
    problems.push('a success body that is not JSON');
  }
  problems.push(...internalsIn(exchange));
  return problems;
}

/** A one-line account of an exchange for failure messages. */
export const describeExchange = (e: Exchange) => `${e.method} ${e.path} → ${e.status} ${e.text.slice(0, 300)}`;

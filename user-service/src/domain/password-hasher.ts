import { randomBytes, scrypt, timingSafeEqual, type ScryptOptions } from 'node:crypto';

/** scrypt settings; stored with each hash so they can be raised without invalidating old hashes. */
export interface ScryptSettings {
  N: number;
  p: number;
}

const KEY_LENGTH = 64;
const BLOCK_SIZE = 8;

function derive(password: string, salt: Buffer, options: ScryptOptions): Promise<Buffer> {
  const maxmem = 256 * (options.N ?? 0) * (options.r ?? BLOCK_SIZE) + 1024 * 1024;
  return new Promise((resolve, reject) => {
    scrypt(password.normalize('NFKC'), salt, KEY_LENGTH, { ...options, maxmem }, (error, key) =>
      error ? reject(error) : resolve(key),
    );
  });
}

/** Hashes with scrypt (memory-hard) and a random salt: `scrypt$N$r$p$salt$hash`, base64url parts. */
export async function hashPassword(password: string, settings: ScryptSettings): Promise<string> {
  const salt = randomBytes(16);
  const key = await derive(password, salt, { N: settings.N, r: BLOCK_SIZE, p: settings.p });
  return ['scrypt', settings.N, BLOCK_SIZE, settings.p, salt.toString('base64url'), key.toString('base64url')].join('$');
}

/** Checks a password against a stored hash in constant time; a malformed hash never matches. */
export async function verifyPassword(password: string, stored: string): Promise<boolean> {
  const [scheme, n, r, p, salt, hash] = stored.split('$');
  if (scheme !== 'scrypt' || !salt || !hash) return false;
  const expected = Buffer.from(hash, 'base64url');
  const key = await derive(password, Buffer.from(salt, 'base64url'), { N: Number(n), r: Number(r), p: Number(p) });
  return key.length === expected.length && timingSafeEqual(key, expected);
}

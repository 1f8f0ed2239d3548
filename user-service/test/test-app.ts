import { randomUUID } from 'node:crypto';
import request from 'supertest';
import { startServiceUnderTest, type ServiceUnderTest, type ServiceUnderTestOptions } from '@shop/platform/testing';
import type { UserServiceConfig } from '../src/config';
import type { UserDb } from '../src/data-access/database';
import { service } from '../src/service';

export { asService, asUser, TEST_GATEWAY_TOKEN as GATEWAY_TOKEN, TEST_SERVICE_TOKEN as SERVICE_TOKEN } from '@shop/platform/testing';

export const JWT_SECRET = 'jwt-secret-for-tests-0123456789abcdefghij';

/** user-service's own settings in tests: a known signing key, cheap scrypt (production uses N=16384, p=5). */
export const TEST_ENV = { JWT_SECRET, PASSWORD_SCRYPT_N: '1024', PASSWORD_SCRYPT_P: '1' };

export type UserServiceUnderTest = ServiceUnderTest<UserServiceConfig, UserDb>;

/** The real user-service on its own database, started before this file's tests and stopped after them. */
export function useUserService(
  env: Record<string, string> = {},
  options: ServiceUnderTestOptions = {},
): { readonly url: string; readonly db: UserDb; readonly exchange: string } {
  let sut: UserServiceUnderTest | undefined;
  beforeAll(async () => {
    sut = await startServiceUnderTest(service, { ...TEST_ENV, ...env }, options);
  });
  afterAll(async () => {
    await sut?.stop();
  });
  const started = () => {
    if (!sut) throw new Error('user-service is not started yet: use it inside a test or hook');
    return sut;
  };
  return {
    get url() {
      return started().url;
    },
    get db() {
      return started().db;
    },
    get exchange() {
      return started().exchange!;
    },
  };
}

/** A registration body with a unique email; override any field. */
export function buildRegistration(overrides: Partial<{ name: string; email: string; password: string }> = {}) {
  return { name: 'Ada Lovelace', email: `ada-${randomUUID()}@example.com`, password: 'correct horse battery', ...overrides };
}

/** What login and refresh answer. */
export interface Tokens {
  accessToken: string;
  refreshToken: string;
  expiresIn: number;
  refreshExpiresIn: number;
}

/** Registers a new customer and logs in: its id, its registration and its first tokens. */
export async function signUp(url: string, overrides: Partial<{ name: string; email: string; password: string }> = {}) {
  const registration = buildRegistration(overrides);
  const user = (await request(url).post('/users').send(registration).expect(201)).body as { id: string };
  const tokens = (await request(url).post('/auth/login').send({ email: registration.email, password: registration.password }).expect(200)).body as Tokens;
  return { userId: user.id, registration, tokens };
}

import { randomUUID } from 'node:crypto';
import { IDENTITY_HEADERS } from '@shop/platform/http';
import { readConfig, type UserServiceConfig } from '../src/config';
import { createPrismaClient, type UserDb } from '../src/data-access/prisma-client-factory';
import { createUserServiceApp } from '../src/entry-points/http/app';

export const GATEWAY_TOKEN = 'gateway-token-for-tests-0123456789abcdef';
export const SERVICE_TOKEN = 'service-token-for-tests-0123456789abcdef';
export const JWT_SECRET = 'jwt-secret-for-tests-0123456789abcdefghij';

/** The service's config as tests run it: real database, cheap scrypt (production uses N=16384, p=5). */
export function testConfig(overrides: Partial<Record<string, string>> = {}): UserServiceConfig {
  return readConfig({
    DATABASE_URL: process.env.DATABASE_URL,
    JWT_SECRET,
    GATEWAY_TOKEN,
    SERVICE_TOKEN,
    PASSWORD_SCRYPT_N: '1024',
    PASSWORD_SCRYPT_P: '1',
    LOG_LEVEL: 'error',
    PORT: '0',
    ...overrides,
  });
}

/** A real app on the test database, plus its Prisma client (disconnect it in afterAll). */
export function createTestApp(config = testConfig()): { app: ReturnType<typeof createUserServiceApp>; db: UserDb } {
  const db = createPrismaClient(config);
  return { app: createUserServiceApp(config, db), db };
}

/** Headers the gateway forwards for a verified user. */
export function asUser(userId: string, role: 'customer' | 'admin' = 'customer'): Record<string, string> {
  return { [IDENTITY_HEADERS.gatewayToken]: GATEWAY_TOKEN, [IDENTITY_HEADERS.userId]: userId, [IDENTITY_HEADERS.userRole]: role };
}

/** Headers another service sends (its service token, no user). */
export const asService = (): Record<string, string> => ({ [IDENTITY_HEADERS.serviceToken]: SERVICE_TOKEN });

/** A registration body with a unique email; override any field. */
export function buildRegistration(overrides: Partial<{ name: string; email: string; password: string }> = {}) {
  return { name: 'Ada Lovelace', email: `ada-${randomUUID()}@example.com`, password: 'correct horse battery', ...overrides };
}

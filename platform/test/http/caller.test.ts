import { randomUUID } from 'node:crypto';
import type { Request } from 'express';
import { AppError } from '../../src/errors';
import { callerOf, IDENTITY_HEADERS, type CallerCredentials } from '../../src/http';

const GATEWAY_TOKEN = 'gateway-token-for-tests-0123456789abcdef';
const SERVICE_TOKEN = 'service-token-for-tests-0123456789abcdef';
const credentials = { gatewayToken: GATEWAY_TOKEN, serviceToken: SERVICE_TOKEN };
const USER = randomUUID();

/** Just enough of an Express request for callerOf: header lookup by lower-case name. */
const requestWith = (headers: Record<string, string>) => ({ get: (name: string) => headers[name.toLowerCase()] }) as unknown as Request;

const gateway = { [IDENTITY_HEADERS.gatewayToken]: GATEWAY_TOKEN };
const service = { [IDENTITY_HEADERS.serviceToken]: SERVICE_TOKEN };
const user = { [IDENTITY_HEADERS.userId]: USER, [IDENTITY_HEADERS.userRole]: 'customer' };

/** callerOf's verdict as a value: the caller, nobody, or the 401 it throws. */
function verdict(headers: Record<string, string>, creds: CallerCredentials = credentials) {
  try {
    return callerOf(requestWith(headers), creds) ?? 'nobody';
  } catch (error) {
    return error instanceof AppError ? `${error.httpStatus} ${error.code}` : error;
  }
}

describe('callerOf: each credential means one kind of caller', () => {
  test.each([
    ['the gateway token with a user', { ...gateway, ...user }, { kind: 'user', userId: USER, role: 'customer' }],
    ['the gateway token with an admin', { ...gateway, ...user, [IDENTITY_HEADERS.userRole]: 'admin' }, { kind: 'user', userId: USER, role: 'admin' }],
    ['the service token alone', service, { kind: 'service' }],
    ['no credential', {}, 'nobody'],
    ['identity headers without a credential', user, 'nobody'],
    ['a wrong gateway token with a user', { [IDENTITY_HEADERS.gatewayToken]: `${GATEWAY_TOKEN}x`, ...user }, 'nobody'],
    ['a wrong service token', { [IDENTITY_HEADERS.serviceToken]: GATEWAY_TOKEN }, 'nobody'],
    ['the gateway token presented as a service token', { [IDENTITY_HEADERS.serviceToken]: GATEWAY_TOKEN }, 'nobody'],
    ['the gateway token without a user', gateway, '401 unauthorized'],
    ['the gateway token with a user id but no role', { ...gateway, [IDENTITY_HEADERS.userId]: USER }, '401 unauthorized'],
    ['the gateway token with a role but no user id', { ...gateway, [IDENTITY_HEADERS.userRole]: 'admin' }, '401 unauthorized'],
    ['the gateway token with a user id that is not a UUID', { ...gateway, ...user, [IDENTITY_HEADERS.userId]: 'alice' }, '401 unauthorized'],
    ['the gateway token with two user ids', { ...gateway, ...user, [IDENTITY_HEADERS.userId]: `${USER}, ${randomUUID()}` }, '401 unauthorized'],
    ['the gateway token with an unknown role', { ...gateway, ...user, [IDENTITY_HEADERS.userRole]: 'root' }, '401 unauthorized'],
    ['both tokens with a user', { ...gateway, ...service, ...user }, '401 unauthorized'],
    ['the service token with a user', { ...service, ...user }, '401 unauthorized'],
    ['the service token with a role only', { ...service, [IDENTITY_HEADERS.userRole]: 'admin' }, '401 unauthorized'],
  ])('When a request carries %s, then the caller is %j', (_what, headers, expected) => {
    expect(verdict(headers)).toEqual(expected);
  });

  test('When the service has no service token configured, then a service token proves nobody', () => {
    expect(verdict(service, { gatewayToken: GATEWAY_TOKEN })).toBe('nobody');
    expect(verdict({ [IDENTITY_HEADERS.serviceToken]: '' }, { gatewayToken: GATEWAY_TOKEN })).toBe('nobody');
  });
});

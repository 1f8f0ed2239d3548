import { createAccessTokenSigner } from '@shop/platform/auth';
import { defineRoute, type RouteContext } from '@shop/platform/http';
import type { UserServiceConfig } from '../../config';
import type { UserDb } from '../../data-access/database';
import { login } from '../../domain/login-use-case';
import { registerUser } from '../../domain/register-user-use-case';
import { getUser, listAllUsers } from '../../domain/user-queries';
import { accessToken, listUsersQuery, loginBody, publicUser, registerBody, userIdParams, usersPage } from './user-schemas';

/** The user-service's routes: thin adapters from HTTP to the domain functions. */
export function defineUserRoutes(ctx: RouteContext, config: UserServiceConfig, db: UserDb): void {
  const scrypt = { N: config.PASSWORD_SCRYPT_N, p: config.PASSWORD_SCRYPT_P };
  const signToken = createAccessTokenSigner(config.JWT_SECRET, config.ACCESS_TOKEN_TTL_SECONDS);
  const tags = ['users'];

  defineRoute(ctx, {
    method: 'post', path: '/users', summary: 'Register a customer account', tags, access: 'public', body: registerBody,
    responses: { 201: { description: 'Created', schema: publicUser }, 409: { description: 'Email already registered' } },
    handler: async ({ body }) => ({ status: 201, body: await registerUser({ db, scrypt }, body) }),
  });

  defineRoute(ctx, {
    method: 'post', path: '/auth/login', summary: 'Exchange email and password for an access token', tags: ['auth'],
    access: 'public', body: loginBody,
    responses: { 200: { description: 'Token issued', schema: accessToken }, 401: { description: 'Invalid email or password' } },
    handler: async ({ body }) => ({
      status: 200,
      body: await login({ db, scrypt, signToken, tokenTtlSeconds: config.ACCESS_TOKEN_TTL_SECONDS }, body),
    }),
  });

  defineRoute(ctx, {
    method: 'get', path: '/users/me', summary: 'The signed-in user', tags, access: 'user',
    responses: { 200: { description: 'The caller', schema: publicUser }, 404: { description: 'Account deleted' } },
    handler: async ({ caller }) => ({ status: 200, body: await getUser(db, caller, caller.userId) }),
  });

  defineRoute(ctx, {
    method: 'get', path: '/users/:id', summary: 'One user (own id; any id for admins and services)', tags,
    access: 'caller', params: userIdParams,
    responses: {
      200: { description: 'The user', schema: publicUser },
      403: { description: "Someone else's user" },
      404: { description: 'No such user' },
    },
    handler: async ({ caller, params }) => ({ status: 200, body: await getUser(db, caller, params.id) }),
  });

  defineRoute(ctx, {
    method: 'get', path: '/users', summary: 'All users, newest first (admins only)', tags, access: 'user',
    query: listUsersQuery,
    responses: { 200: { description: 'A page of users', schema: usersPage }, 403: { description: 'Not an admin' } },
    handler: async ({ caller, query }) => ({ status: 200, body: await listAllUsers(db, caller, query) }),
  });
}

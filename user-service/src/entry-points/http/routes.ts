import { createAccessTokenSigner } from '@shop/platform/auth';
import { defineRoute, type RouteContext } from '@shop/platform/http';
import type { UserServiceConfig } from '../../config';
import type { UserDb } from '../../data-access/database';
import { changePassword, deleteAccount, updateProfile } from '../../domain/account-use-cases';
import { login } from '../../domain/login-use-case';
import { logout } from '../../domain/logout-use-case';
import { refreshSession } from '../../domain/refresh-use-case';
import { registerUser } from '../../domain/register-user-use-case';
import type { TokenIssuer } from '../../domain/session-tokens';
import { getUser, listAllUsers } from '../../domain/user-queries';
import {
  changePasswordBody,
  deleteAccountBody,
  issuedTokens,
  listUsersQuery,
  loginBody,
  publicUser,
  refreshBody,
  registerBody,
  updateProfileBody,
  userIdParams,
  usersPage,
} from './user-schemas';

/** The user-service's routes: thin adapters from HTTP to the domain functions. */
export function defineUserRoutes(ctx: RouteContext, config: UserServiceConfig, db: UserDb): void {
  const scrypt = { N: config.PASSWORD_SCRYPT_N, p: config.PASSWORD_SCRYPT_P };
  const issuer: TokenIssuer = {
    signToken: createAccessTokenSigner(config.JWT_SECRET, config.ACCESS_TOKEN_TTL_SECONDS),
    accessTokenTtlSeconds: config.ACCESS_TOKEN_TTL_SECONDS,
    refreshTokenTtlSeconds: config.REFRESH_TOKEN_TTL_SECONDS,
  };
  const tags = ['users'];

  defineRoute(ctx, {
    method: 'post', path: '/users', summary: 'Register a customer account', tags, access: 'public', body: registerBody,
    responses: { 201: { description: 'Created', schema: publicUser }, 409: { description: 'Email already registered' } },
    handler: async ({ body }) => ({ status: 201, body: await registerUser({ db, scrypt }, body) }),
  });

  defineRoute(ctx, {
    method: 'post', path: '/auth/login', summary: 'Exchange email and password for an access token and a refresh token', tags: ['auth'],
    access: 'public', body: loginBody,
    responses: { 200: { description: 'Tokens issued (a new session)', schema: issuedTokens }, 401: { description: 'Invalid email or password' } },
    handler: async ({ body }) => ({ status: 200, body: await login({ db, scrypt, issuer }, body) }),
  });

  defineRoute(ctx, {
    method: 'post', path: '/auth/refresh', summary: 'Exchange a refresh token for a new access token and a new refresh token (rotation)',
    tags: ['auth'], access: 'public', body: refreshBody,
    responses: {
      200: { description: 'New tokens; the refresh token sent stops working', schema: issuedTokens },
      401: { description: 'Refresh token unknown, expired or revoked; reusing a rotated one revokes its whole session' },
    },
    handler: async ({ body }) => ({ status: 200, body: await refreshSession({ db, issuer }, body.refreshToken) }),
  });

  defineRoute(ctx, {
    method: 'post', path: '/auth/logout', summary: "Sign out: revoke the refresh token's session", tags: ['auth'],
    access: 'user', body: refreshBody,
    responses: { 204: { description: 'Signed out (also when the token was unknown or already revoked)' } },
    handler: async ({ caller, body }) => {
      await logout(db, caller.userId, body.refreshToken);
      return { status: 204 };
    },
  });

  defineRoute(ctx, {
    method: 'get', path: '/users/me', summary: 'The signed-in user', tags, access: 'user',
    responses: { 200: { description: 'The caller', schema: publicUser }, 404: { description: 'Account deleted' } },
    handler: async ({ caller }) => ({ status: 200, body: await getUser(db, caller, caller.userId) }),
  });

  defineRoute(ctx, {
    method: 'patch', path: '/users/me', summary: "Change the signed-in user's profile (name)", tags, access: 'user',
    body: updateProfileBody,
    responses: { 200: { description: 'The updated user', schema: publicUser }, 404: { description: 'Account deleted' } },
    handler: async ({ caller, body }) => ({ status: 200, body: await updateProfile(db, caller.userId, body) }),
  });

  defineRoute(ctx, {
    method: 'post', path: '/users/me/password', summary: 'Change the password; every session of the user ends', tags,
    access: 'user', body: changePasswordBody,
    responses: { 204: { description: 'Changed; all refresh tokens revoked' }, 401: { description: 'Current password wrong' }, 404: { description: 'Account deleted' } },
    handler: async ({ caller, body }) => {
      await changePassword({ db, scrypt }, caller.userId, body);
      return { status: 204 };
    },
  });

  defineRoute(ctx, {
    method: 'delete', path: '/users/me', summary: 'Delete the account; other services erase its personal data (user.deleted)', tags,
    access: 'user', body: deleteAccountBody,
    responses: { 204: { description: 'Deleted' }, 401: { description: 'Password wrong' }, 404: { description: 'Account already deleted' } },
    handler: async ({ caller, body }) => {
      await deleteAccount({ db, scrypt }, caller.userId, body.password);
      return { status: 204 };
    },
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

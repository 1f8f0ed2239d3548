import { pageQuery, z } from '@shop/platform/openapi';

// Request and response shapes; the same schemas validate input and produce the OpenAPI document.

export const registerBody = z
  .object({
    name: z.string().trim().min(1).max(100),
    email: z.email().max(254),
    password: z.string().min(8).max(128),
  })
  .strict()
  .openapi('RegisterUser');

export const loginBody = z
  .object({ email: z.string().max(254), password: z.string().max(128) })
  .openapi('Login');

export const userIdParams = z.object({ id: z.uuid() });

export const listUsersQuery = pageQuery;

export const publicUser = z
  .object({
    id: z.uuid(),
    name: z.string(),
    email: z.string(),
    role: z.enum(['customer', 'admin']),
    createdAt: z.iso.datetime(),
  })
  .openapi('User');

export const usersPage = z.object({ items: z.array(publicUser), nextCursor: z.string().nullable() }).openapi('UsersPage');

export const issuedTokens = z
  .object({
    accessToken: z.string(),
    tokenType: z.literal('Bearer'),
    expiresIn: z.number().int().openapi({ description: 'Access token lifetime, in seconds (900 by default)' }),
    refreshToken: z.string().openapi({ description: 'Opaque; single use: POST /auth/refresh returns a new one' }),
    refreshExpiresIn: z.number().int().openapi({ description: 'Refresh token lifetime, in seconds (30 days by default)' }),
  })
  .openapi('IssuedTokens');

export const refreshBody = z.object({ refreshToken: z.string().min(1).max(128) }).strict().openapi('RefreshToken');

export const updateProfileBody = z
  .object({ name: z.string().trim().min(1).max(100).optional() })
  .strict()
  .openapi('UpdateProfile');

export const changePasswordBody = z
  .object({ currentPassword: z.string().max(128), newPassword: z.string().min(8).max(128) })
  .strict()
  .openapi('ChangePassword');

export const deleteAccountBody = z.object({ password: z.string().max(128) }).strict().openapi('DeleteAccount');

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

export const accessToken = z
  .object({ accessToken: z.string(), tokenType: z.literal('Bearer'), expiresIn: z.number().int() })
  .openapi('AccessToken');

import type { UserRecord } from '../data-access/user-repository';

/** What leaves the service about a user: never the password hash. */
export interface PublicUser {
  id: string;
  name: string;
  email: string;
  role: 'customer' | 'admin';
  createdAt: string;
}

export function toPublicUser(user: UserRecord): PublicUser {
  return { id: user.id, name: user.name, email: user.email, role: user.role, createdAt: user.createdAt.toISOString() };
}

/** Emails are compared case-insensitively: stored and looked up lower-cased. */
export const normaliseEmail = (email: string): string => email.trim().toLowerCase();

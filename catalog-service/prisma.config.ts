import { defineConfig } from 'prisma/config';

export default defineConfig({
  schema: 'prisma/schema.prisma',
  migrations: { path: 'prisma/migrations' },
  // Not env('DATABASE_URL'): that makes `prisma generate` fail when the variable is unset.
  datasource: { url: process.env.DATABASE_URL ?? '' },
});

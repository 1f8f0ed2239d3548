export { databaseName, dropDatabase, ensureDatabase, withDatabase } from './databases';
export { migrate, readMigrations, type MigrationFile } from './migrate';
export {
  createPrismaAdapter,
  databaseCheck,
  isUniqueViolation,
  prismaAdapterFromConfig,
  type DatabaseSettings,
  type PingablePrisma,
  type PrismaPoolOptions,
} from './prisma';
export { decodeCursor, encodeCursor, toPage, type PageCursor } from './cursor';
export { runMigrateCommand } from './migrate-command';

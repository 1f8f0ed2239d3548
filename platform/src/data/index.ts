export { databaseName, dropDatabase, ensureDatabase, withDatabase } from './databases';
export { migrate, readMigrations, type MigrationFile } from './migrate';
export { databaseCheck, isUniqueViolation, type PingablePrisma } from './prisma';
export {
  createDatabasePool,
  defineDatabase,
  MESSAGING_MIGRATIONS_DIR,
  migrationDirsOf,
  openDatabase,
  prismaAdapter,
  type DatabaseDefinition,
  type DatabaseSettings,
} from './database';
export { routeRawQueriesToPool, sqlRows, type RawQueryClient } from './sql-rows';
export { decodeCursor, encodeCursor, keysetPage, toPage, type PageCursor } from './cursor';
export { runMigrateCommand } from './migrate-command';

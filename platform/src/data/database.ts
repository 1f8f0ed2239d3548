import path from 'node:path';
import { PrismaPg } from '@prisma/adapter-pg';
import { Pool } from 'pg';
import { getLogger } from '../logging';
import { preparedStatementNames } from './prepared-statement-names';
import { routeRawQueriesToPool } from './sql-rows';

const log = getLogger('database');

/** The platform's own migrations: the outbox and inbox tables of a service that uses events (defined there only). */
export const MESSAGING_MIGRATIONS_DIR = path.join(__dirname, '../../migrations/messaging');

/** The database settings of a service (platform/config databaseConfig). */
export interface DatabaseSettings {
  DATABASE_URL: string;
  DATABASE_POOL_MAX: number;
  DATABASE_PREPARED_STATEMENTS?: number;
}

/** What a service says about its database: its migrations, whether it uses events, its client. */
export interface DatabaseDefinition<Client> {
  /** The service's `prisma/migrations` folder. */
  migrations: string;
  /** True for a service that publishes or consumes events: it gets the platform's outbox and inbox tables. */
  messagingTables: boolean;
  /** Builds the service's Prisma client on the platform's driver adapter. */
  client: (adapter: PrismaPg) => Client;
}

/** Declares a service's database (data-access/database.ts); see DatabaseDefinition. */
export function defineDatabase<Client>(definition: DatabaseDefinition<Client>): DatabaseDefinition<Client> {
  return definition;
}

/**
 * Every migrations folder of a database, in the order migrate() applies them: the service's own,
 * then the platform's. After, because order-service and payment-service once created the outbox
 * and inbox in their own first migration (applied migrations are never edited); the platform's
 * migration is idempotent and brings those databases and new ones to the same tables.
 */
export function migrationDirsOf(definition: DatabaseDefinition<unknown>): string[] {
  return definition.messagingTables ? [definition.migrations, MESSAGING_MIGRATIONS_DIR] : [definition.migrations];
}

/**
 * The one connection pool of a service (DATABASE_POOL_MAX connections in all): its Prisma
 * client and the outbox relay share it, so the budget a deployment sets is the budget it gets.
 */
export function createDatabasePool(settings: DatabaseSettings): Pool {
  const pool = new Pool({ connectionString: settings.DATABASE_URL, max: settings.DATABASE_POOL_MAX, connectionTimeoutMillis: 5000 });
  // An idle connection the server dropped emits 'error' on the pool; unhandled it would end the process.
  pool.on('error', (error) => log.warn('An idle database connection failed', { error }));
  return pool;
}

/**
 * The driver adapter a service's generated PrismaClient is built on, over the service's pool.
 * Prepared statements took PostgreSQL's CPU per order from ~5.1 to ~2.9 ms in the benchmark
 * (parse and plan once per connection); our SQL names its columns, so a migration that adds one
 * does not invalidate them. 0 prepared statements sends every statement unnamed.
 */
export function prismaAdapter(pool: Pool, preparedStatements = 200): PrismaPg {
  return new PrismaPg(pool, preparedStatements > 0 ? { statementNameGenerator: preparedStatementNames(preparedStatements) } : {});
}

/** A database definition's client over a pool of its own, for one-off scripts (create-admin); close() ends both. */
export function openDatabase<Client extends { $disconnect(): Promise<void> }>(
  definition: DatabaseDefinition<Client>,
  settings: DatabaseSettings,
): { db: Client; close: () => Promise<void> } {
  const pool = createDatabasePool(settings);
  const db = definition.client(prismaAdapter(pool, settings.DATABASE_PREPARED_STATEMENTS));
  routeRawQueriesToPool(db as object, pool, settings.DATABASE_PREPARED_STATEMENTS);
  return { db, close: async () => { await db.$disconnect(); await pool.end(); } };
}

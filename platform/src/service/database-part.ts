import type { Pool } from 'pg';
import { createDatabasePool, databaseCheck, prismaAdapter, routeRawQueriesToPool, type DatabaseDefinition, type DatabaseSettings, type PingablePrisma } from '../data';
import type { Shutdown } from '../lifecycle';

type Client = PingablePrisma & { $disconnect(): Promise<void> };

/** A service's database as startService opens it: the one pool, the Prisma client over it, its readiness check. */
export interface ServiceDatabase<Db> {
  pool: Pool;
  db: Db;
  check: () => Promise<void>;
}

/** Opens the pool and the client, and registers their closing (client, then pool) with shutdown. */
export function openServiceDatabase<Db>(definition: DatabaseDefinition<Db>, settings: DatabaseSettings, shutdown: Shutdown): ServiceDatabase<Db> {
  const pool = createDatabasePool(settings);
  shutdown.add('database pool', () => pool.end());
  const db = definition.client(prismaAdapter(pool, settings.DATABASE_PREPARED_STATEMENTS));
  routeRawQueriesToPool(db as object, pool, settings.DATABASE_PREPARED_STATEMENTS);
  shutdown.add('database client', () => (db as Client).$disconnect());
  return { pool, db, check: databaseCheck(db as Client) };
}

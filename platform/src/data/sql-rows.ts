import type { Sql } from '@prisma/client/runtime/client';
import type { Pool, QueryResultRow } from 'pg';
import { preparedStatementNames } from './prepared-statement-names';

/** What sqlRows needs of a client: Prisma's raw query, the fallback inside an interactive transaction. */
export interface RawQueryClient {
  $queryRaw<T = unknown>(query: Sql): PromiseLike<T>;
}

interface PoolRoute {
  pool: Pool;
  statementName: (query: { sql: string }) => string;
}

// Which clients the platform opened over which pool (openServiceDatabase, openDatabase).
const routes = new WeakMap<object, PoolRoute>();

/**
 * Lets sqlRows run this client's statements straight on its pool, with the same prepared
 * statement names the client's adapter uses (the same budget per connection).
 */
export function routeRawQueriesToPool(client: object, pool: Pool, preparedStatements = 200): void {
  const names = preparedStatements > 0 ? preparedStatementNames(preparedStatements) : () => '';
  routes.set(client, { pool, statementName: names });
}

/**
 * Runs one SQL statement built with Prisma's `sql` tag and returns its rows as pg returns them
 * (int8 and numeric as strings: cast in SQL where a number is wanted). On a client the platform
 * opened, the statement goes straight to the pg pool: Prisma's raw-query path (its request
 * pipeline, result re-encoding and decoding) cost 2-2.5 times the CPU of the query itself, about
 * 0.2-0.3 ms per statement measured here, on the statements every order runs several of. In an
 * interactive transaction (a client sqlRows does not know), it runs through the transaction's
 * own connection with Prisma. Errors are pg's (see isUniqueViolation, toAppError).
 */
export async function sqlRows<T extends QueryResultRow>(db: RawQueryClient, query: Sql): Promise<T[]> {
  const route = routes.get(db);
  if (!route) return db.$queryRaw<T[]>(query);
  const name = route.statementName({ sql: query.text });
  const result = await route.pool.query<T>(name ? { name, text: query.text, values: query.values } : { text: query.text, values: query.values });
  return result.rows;
}

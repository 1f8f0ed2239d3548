import { sqltag as sql, type Sql } from '@prisma/client/runtime/client';
import { Pool } from 'pg';
import { isUniqueViolation, routeRawQueriesToPool, sqlRows } from '../../src/data';
import { DependencyUnavailableError, toAppError } from '../../src/errors';
import { TEST_SERVER_URL } from '../../src/testing';

// A stand-in for the Prisma client: sqlRows only ever calls its $queryRaw, and only when it does
// not know the client (an interactive transaction's).
function prismaLike() {
  const calls: Sql[] = [];
  return { calls, $queryRaw: async <T>(query: Sql) => { calls.push(query); return [{ via: 'prisma' }] as T; } };
}

describe('sqlRows on the real PostgreSQL', () => {
  // One connection, so the session whose prepared statements we list is the one that ran them.
  const pool = new Pool({ connectionString: TEST_SERVER_URL, max: 1 });
  afterAll(() => pool.end());

  test('When the client was opened over a pool, then the statement runs on the pool as a named prepared statement, not through Prisma', async () => {
    const client = prismaLike();
    routeRawQueriesToPool(client, pool, 10);
    const rows = await sqlRows<{ square: number; ids: string[] }>(client, sql`SELECT ${7}::int * ${7}::int AS square, ${['a', 'b']}::text[] AS ids`);
    expect(rows).toEqual([{ square: 49, ids: ['a', 'b'] }]);
    expect(client.calls).toHaveLength(0);
    const prepared = await pool.query<{ statement: string }>('SELECT statement FROM pg_prepared_statements');
    expect(prepared.rows.map((row) => row.statement)).toContain('SELECT $1::int * $2::int AS square, $3::text[] AS ids');
  });

  test('When prepared statements are off, then the statement still runs on the pool, unnamed', async () => {
    const client = prismaLike();
    routeRawQueriesToPool(client, pool, 0);
    await pool.query('DEALLOCATE ALL');
    expect(await sqlRows(client, sql`SELECT ${1}::int AS one`)).toEqual([{ one: 1 }]);
    expect((await pool.query('SELECT count(*)::int AS n FROM pg_prepared_statements')).rows[0]).toEqual({ n: 0 });
  });

  test('When the client is unknown (an interactive transaction), then Prisma runs the statement', async () => {
    const transaction = prismaLike();
    const query = sql`SELECT ${1}::int AS one`;
    expect(await sqlRows(transaction, query)).toEqual([{ via: 'prisma' }]);
    expect(transaction.calls).toEqual([query]);
  });

  test('When a statement breaks a unique constraint, then isUniqueViolation recognises pg\'s error, by constraint name too', async () => {
    const client = prismaLike();
    routeRawQueriesToPool(client, pool, 10);
    await pool.query('CREATE TEMP TABLE IF NOT EXISTS sql_rows_keys (id int CONSTRAINT sql_rows_keys_id_key UNIQUE)');
    await sqlRows(client, sql`INSERT INTO sql_rows_keys (id) VALUES (${1})`);
    const error = await sqlRows(client, sql`INSERT INTO sql_rows_keys (id) VALUES (${1})`).catch((caught: unknown) => caught);
    expect(isUniqueViolation(error)).toBe(true);
    expect(isUniqueViolation(error, 'sql_rows_keys_id_key')).toBe(true);
    expect(isUniqueViolation(error, 'another_key')).toBe(false);
    expect(toAppError(error).httpStatus).toBe(500);
  });

  test('When the database cannot be reached, then the error becomes a 503, not a 500', async () => {
    const unreachable = new Pool({ connectionString: 'postgresql://postgres@127.0.0.1:1/postgres', max: 1, connectionTimeoutMillis: 1000 });
    const client = prismaLike();
    routeRawQueriesToPool(client, unreachable);
    const error = await sqlRows(client, sql`SELECT 1`).catch((caught: unknown) => caught);
    await unreachable.end();
    expect(toAppError(error)).toBeInstanceOf(DependencyUnavailableError);
    expect(toAppError(new Error('timeout exceeded when trying to connect'))).toBeInstanceOf(DependencyUnavailableError);
    expect(toAppError(Object.assign(new Error('terminating connection due to administrator command'), { code: '57P01' }))).toBeInstanceOf(DependencyUnavailableError);
  });
});

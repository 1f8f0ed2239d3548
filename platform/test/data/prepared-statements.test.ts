import { Pool } from 'pg';
import { prismaAdapter } from '../../src/data';
import { preparedStatementNames } from '../../src/data/prepared-statement-names';
import { TEST_SERVER_URL } from '../../src/testing';

type SqlDriverAdapter = Awaited<ReturnType<ReturnType<typeof prismaAdapter>['connect']>>;

const SQUARE = 'SELECT $1::int * $1::int AS square';
const PREPARED = 'SELECT name, statement FROM pg_prepared_statements';

async function run(adapter: SqlDriverAdapter, sql: string, args: unknown[] = []) {
  const result = await adapter.queryRaw({ sql, args, argTypes: args.map(() => ({ scalarType: 'int', arity: 'scalar' as const })) });
  return result.rows;
}

describe('preparedStatementNames', () => {
  test('When a text comes again, then it gets the same name, and other texts other names', () => {
    const nameOf = preparedStatementNames(10);
    const first = nameOf({ sql: 'SELECT 1' });
    expect(first).toMatch(/^s_[\w-]{22}$/);
    expect(nameOf({ sql: 'SELECT 1' })).toBe(first);
    expect(nameOf({ sql: 'SELECT 2' })).not.toBe(first);
  });

  test('When the limit of distinct texts is reached, then new texts run unnamed and known ones keep their names', () => {
    const nameOf = preparedStatementNames(2);
    const a = nameOf({ sql: 'SELECT 1' });
    const b = nameOf({ sql: 'SELECT 2' });
    expect(nameOf({ sql: 'SELECT 3' })).toBe('');
    expect([nameOf({ sql: 'SELECT 1' }), nameOf({ sql: 'SELECT 2' })]).toEqual([a, b]);
  });
});

describe('prismaAdapter on the real PostgreSQL', () => {
  const adapters: SqlDriverAdapter[] = [];
  const pools: Pool[] = [];
  const connect = async (preparedStatements: number) => {
    // One connection, so the session whose statements we list is the one that ran them.
    const pool = new Pool({ connectionString: TEST_SERVER_URL, max: 1 });
    pools.push(pool);
    const adapter = await prismaAdapter(pool, preparedStatements).connect();
    adapters.push(adapter);
    return adapter;
  };
  afterAll(async () => {
    await Promise.all(adapters.map((adapter) => adapter.dispose()));
    await Promise.all(pools.map((pool) => pool.end()));
  });

  test('When a query runs twice, then the session holds it as one prepared statement and the answers are right', async () => {
    const adapter = await connect(200);
    expect(await run(adapter, SQUARE, [3])).toEqual([[9]]);
    expect(await run(adapter, SQUARE, [4])).toEqual([[16]]);

    const prepared = (await run(adapter, PREPARED)) as Array<[string, string]>;
    expect(prepared.filter(([, statement]) => statement === SQUARE)).toEqual([[preparedStatementNames(1)({ sql: SQUARE }), SQUARE]]);
  });

  test('When prepared statements are off, then nothing is kept in the session', async () => {
    const adapter = await connect(0);
    expect(await run(adapter, SQUARE, [5])).toEqual([[25]]);
    expect(await run(adapter, PREPARED)).toEqual([]);
  });
});

import type { ClientBase } from 'pg';

/**
 * The part of a Prisma interactive transaction (`tx`) the kit needs, so that services pass
 * their own `tx` without platform depending on their generated client. `$queryRawUnsafe`
 * resolves with the rows.
 */
export interface SqlExecutor {
  $executeRawUnsafe(query: string, ...values: unknown[]): Promise<number>;
  $queryRawUnsafe<T = unknown>(query: string, ...values: unknown[]): Promise<T>;
}

/** A SqlExecutor over a node-postgres client (code that uses pg directly, tests). */
export function sqlExecutorFromPg(client: ClientBase): SqlExecutor {
  return {
    async $executeRawUnsafe(query, ...values) {
      const result = await client.query(query, values);
      return result.rowCount ?? 0;
    },
    async $queryRawUnsafe<T>(query: string, ...values: unknown[]) {
      const result = await client.query(query, values);
      return result.rows as T;
    },
  };
}

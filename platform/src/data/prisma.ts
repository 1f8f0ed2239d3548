/**
 * True for a unique-constraint violation, optionally of one named constraint: P2002 from a
 * model query, P2010 (raw query failed) whose driver error is a UniqueConstraintViolation, or
 * pg's own error (SQLSTATE 23505) from a statement sqlRows ran straight on the pool.
 */
export function isUniqueViolation(error: unknown, constraint?: string): boolean {
  if (typeof error !== 'object' || error === null) return false;
  const { code, meta } = error as { code?: unknown; meta?: Record<string, unknown> };
  if (code === '23505') return !constraint || (error as { constraint?: unknown }).constraint === constraint;
  // With the pg adapter the constraint is in the driver error ({ index } or { fields }), not meta.target.
  const cause = (meta?.driverAdapterError as { cause?: { kind?: string; constraint?: { index?: string; fields?: string[] } } } | undefined)
    ?.cause;
  if (code !== 'P2002' && !(code === 'P2010' && cause?.kind === 'UniqueConstraintViolation')) return false;
  if (!constraint) return true;
  return cause?.constraint?.index === constraint || (cause?.constraint?.fields ?? []).includes(constraint);
}

/** Minimal shape of a Prisma client the readiness check needs. */
export interface PingablePrisma {
  $queryRawUnsafe(sql: string): Promise<unknown>;
}

/** A readiness check that runs `SELECT 1` on the service's database, bounded in time. */
export function databaseCheck(prisma: PingablePrisma, timeoutMs = 2000): () => Promise<void> {
  return async () => {
    await Promise.race([
      prisma.$queryRawUnsafe('SELECT 1'),
      new Promise((_, reject) => setTimeout(() => reject(new Error('database ping timed out')), timeoutMs).unref()),
    ]);
  };
}

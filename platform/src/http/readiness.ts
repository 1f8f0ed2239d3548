import type { Request, Response } from 'express';
import { z } from '../openapi';

/**
 * Named checks; each resolves when its dependency is usable and rejects otherwise. A check may
 * resolve with details to report (e.g. a breaker's state) without making the service unready.
 */
export type ReadinessChecks = Record<string, () => Promise<unknown>>;

/** What GET /ready answers, 200 or 503: the verdict and each check's result (with its details). */
export const readinessBody = z
  .object({
    status: z.enum(['ready', 'not-ready']),
    checks: z.record(z.string(), z.looseObject({ ok: z.boolean(), error: z.string().optional() })),
  })
  .openapi('Readiness');

/** GET /ready: 200 when every check passes, else 503; each check is bounded by timeoutMs. */
export function readinessHandler(checks: ReadinessChecks, timeoutMs = 3000) {
  return async (_req: Request, res: Response): Promise<void> => {
    const results = await Promise.all(
      Object.entries(checks).map(async ([name, check]) => {
        try {
          const details = await withTimeout(check(), timeoutMs);
          return [name, { ok: true, ...(details && typeof details === 'object' ? details : {}) }] as const;
        } catch (error) {
          return [name, { ok: false, error: (error as Error).message }] as const;
        }
      }),
    );
    const ready = results.every(([, result]) => result.ok);
    res.status(ready ? 200 : 503).json({ status: ready ? 'ready' : 'not-ready', checks: Object.fromEntries(results) });
  };
}

function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`check timed out after ${ms} ms`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

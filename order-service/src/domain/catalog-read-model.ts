import { DependencyUnavailableError } from '@shop/platform/errors';
import { getLogger } from '@shop/platform/logging';
import { isCatalogBackfilled, markCatalogBackfilled, storeCatalogProduct } from '../data-access/catalog-product-repository';
import type { Db } from '../data-access/database';
import type { CatalogProduct } from './catalog-product';
import type { SnapshotPage } from './catalog-client';

const log = getLogger('catalog-read-model');

/** Applies one product change from catalog-service (an event or a snapshot row); newest version wins. */
export function applyProductChange(db: Db, product: CatalogProduct): Promise<'stored' | 'stale'> {
  return storeCatalogProduct(db, product);
}

export interface CatalogReadModelOptions {
  db: Db;
  readSnapshot: (after: string | null) => Promise<SnapshotPage>;
  /** First wait after a failed fill, in ms; doubles up to maxRetryDelayMs. Default 1000. */
  retryDelayMs?: number;
  /** Longest wait between fill attempts, in ms. Default 30000. */
  maxRetryDelayMs?: number;
}

/**
 * order-service's copy of the catalog. Product events keep it current; a database that never
 * held it is first filled from catalog-service's snapshot (after the consumer is set up, so no
 * change falls between the two), retried until catalog-service answers. Until then orders are a
 * 503: pricing from an empty copy would call every product unknown.
 */
export class CatalogReadModel {
  private filled = false;
  private readonly stopped = new AbortController();

  constructor(private readonly options: CatalogReadModelOptions) {}

  /**
   * Throws 503 catalog-unavailable until the copy has been filled once. A restarted process
   * listens before fill() has read the database's mark, so a request in that moment asks the
   * database itself instead of refusing an order the copy could price.
   */
  async assertFilled(): Promise<void> {
    if (this.filled) return;
    if (await isCatalogBackfilled(this.options.db)) {
      this.filled = true;
      return;
    }
    throw new DependencyUnavailableError('catalog-service', 5, new Error('the product catalog copy is not filled yet'));
  }

  /** Readiness: rejects until the copy has been filled once. */
  readonly check = async (): Promise<{ filled: true }> => {
    if (!this.filled) throw new Error('the product catalog copy is not filled yet (waiting for catalog-service)');
    return { filled: true };
  };

  /** Fills the copy from the snapshot unless it was filled before; retries with a growing delay until stop(). */
  async fill(): Promise<void> {
    const { db, retryDelayMs = 1000, maxRetryDelayMs = 30_000 } = this.options;
    let delay = retryDelayMs;
    while (!this.stopped.signal.aborted) {
      try {
        this.filled = (await isCatalogBackfilled(db)) || (await this.copySnapshot());
        return;
      } catch (error) {
        log.warn('Cannot fill the product catalog copy yet, retrying', { error, retryInMs: delay });
        await new Promise((resolve) => setTimeout(resolve, delay).unref());
        delay = Math.min(delay * 2, maxRetryDelayMs);
      }
    }
  }

  /** Ends a running fill (shutdown). */
  stop(): void {
    this.stopped.abort();
  }

  /** Copies the whole snapshot; false when stopped before the end (nothing is marked then). */
  private async copySnapshot(): Promise<boolean> {
    let after: string | null = null;
    let products = 0;
    do {
      const page = await this.options.readSnapshot(after);
      for (const product of page.products) await applyProductChange(this.options.db, product);
      products += page.products.length;
      after = page.nextAfter;
    } while (after && !this.stopped.signal.aborted);
    if (this.stopped.signal.aborted) return false;
    await markCatalogBackfilled(this.options.db);
    log.info('Product catalog copy filled from catalog-service', { products });
    return true;
  }
}

import type { Caller } from '@shop/platform/http';
import { getLogger } from '@shop/platform/logging';
import type { CatalogDb } from '../data-access/database';
import { addToStock, findProductById, recordEvent } from '../data-access/product-repository';
import { productStockChanged } from '../events/product-events';
import { assertAdmin } from './product-access';
import { toPublic, type PublicProduct } from './product';
import { InsufficientStock, ProductNotFound } from './product-errors';

const log = getLogger('adjust-stock');

export interface StockAdjustment {
  /** Units added (positive) or removed (negative); never 0. */
  delta: number;
  /** Why, e.g. "delivery", "stocktake": kept in the log. */
  reason: string;
}

/**
 * Adds delta to the product's stock and records product.stock_changed. Business rule: stock
 * never goes below zero; such an adjustment is refused (409) and changes nothing.
 */
export async function adjustStock(db: CatalogDb, caller: Caller, id: string, adjustment: StockAdjustment, now: Date): Promise<PublicProduct> {
  assertAdmin(caller);
  const product = await db.$transaction(async (tx) => {
    const adjusted = await addToStock(tx, id, adjustment.delta, now);
    if (!adjusted) {
      const current = await findProductById(tx, id);
      if (!current) throw new ProductNotFound();
      throw new InsufficientStock({ stock: current.stock, delta: adjustment.delta });
    }
    await recordEvent(tx, productStockChanged(adjusted));
    return adjusted;
  });
  // Shortcut: the reason lives in the log only; an audit table of adjustments is the real home.
  log.info('Stock adjusted', { productId: id, delta: adjustment.delta, reason: adjustment.reason, stock: product.stock });
  return toPublic(product);
}

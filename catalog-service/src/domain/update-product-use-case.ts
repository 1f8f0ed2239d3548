import type { Caller } from '@shop/platform/http';
import { getLogger } from '@shop/platform/logging';
import type { CatalogDb } from '../data-access/database';
import { recordEvent, updateProduct } from '../data-access/product-repository';
import { productUpdated } from '../events/product-events';
import { assertAdmin } from './product-access';
import { toPublic, type ProductPatch, type PublicProduct } from './product';
import { ProductNotFound } from './product-errors';

const log = getLogger('update-product');

/**
 * Changes name, description, price or active, and records product.updated with the new version.
 * The update's row lock lasts until the event is recorded and both commit, so the events of one
 * product enter the outbox in version order.
 */
export async function updateProductDetails(db: CatalogDb, caller: Caller, id: string, patch: ProductPatch, now: Date): Promise<PublicProduct> {
  assertAdmin(caller);
  const product = await db.$transaction(async (tx) => {
    const updated = await updateProduct(tx, id, patch, now);
    if (!updated) throw new ProductNotFound();
    await recordEvent(tx, productUpdated(updated));
    return updated;
  });
  log.info('Product updated', { productId: id, fields: Object.keys(patch), version: product.version });
  return toPublic(product);
}

import type { CatalogDb } from '../data-access/database';
import { insertProduct, lockProductsIfEmpty } from '../data-access/product-repository';
import { productCreated } from '../events/product-events';
import { newProduct, type CreateProductInput } from './create-product-use-case';
import { SAMPLE_CATALOG } from './sample-catalog';

/**
 * Fills an empty catalog with the products given (the sample catalog by default), each with its
 * product.created event, so the relay announces them once the service runs. A catalog with any
 * product is left alone: running the seed again, or after admins added products, inserts nothing.
 */
export async function seedCatalog(db: CatalogDb, now: Date, products: ReadonlyArray<CreateProductInput> = SAMPLE_CATALOG): Promise<{ inserted: number }> {
  return db.$transaction(async (tx) => {
    if (!(await lockProductsIfEmpty(tx))) return { inserted: 0 };
    for (const [index, input] of products.entries()) {
      // One millisecond apart, so newest-first browsing lists them in the order given.
      const product = newProduct(input, new Date(now.getTime() - index));
      await insertProduct(tx, { product, event: productCreated(product) });
    }
    return { inserted: products.length };
  });
}

import type { Caller } from '@shop/platform/http';
import { decodeCursor, toPage } from '@shop/platform/data';
import type { CatalogDb } from '../data-access/database';
import { findProductById, listProducts, listProductsAfterId } from '../data-access/product-repository';
import { toProductFields, type ProductFields } from '../events/product-events';
import { assertServiceCaller, isAdmin } from './product-access';
import { isVisibleTo, toPublic, type PublicProduct } from './product';
import { ProductNotFound } from './product-errors';

/** A product; unknown, or inactive for anyone but an admin, is a 404. */
export async function getProduct(db: CatalogDb, caller: Caller | undefined, id: string): Promise<PublicProduct> {
  const product = await findProductById(db, id);
  if (!product || !isVisibleTo(product, { isAdmin: isAdmin(caller) })) throw new ProductNotFound();
  return toPublic(product);
}

/** A page of products, newest first, optionally matching q in name or sku; admins see inactive ones too. */
export async function browseProducts(db: CatalogDb, caller: Caller | undefined, query: { limit: number; cursor?: string | undefined; q?: string | undefined }) {
  const after = query.cursor ? decodeCursor(query.cursor) : undefined;
  const rows = await listProducts(db, { limit: query.limit + 1, after, search: query.q, includeInactive: isAdmin(caller) });
  const { items, nextCursor } = toPage(rows, query.limit);
  return { items: items.map(toPublic), nextCursor };
}

/** One page of the whole catalog for other services' copies: active and inactive, in id order. */
export async function readProductSnapshot(db: CatalogDb, caller: Caller, query: { after?: string | undefined; limit: number }): Promise<{ items: ProductFields[]; nextAfter: string | null }> {
  assertServiceCaller(caller);
  const rows = await listProductsAfterId(db, query.after, query.limit + 1);
  const items = rows.slice(0, query.limit);
  return { items: items.map(toProductFields), nextAfter: rows.length > query.limit ? (items.at(-1)?.id ?? null) : null };
}

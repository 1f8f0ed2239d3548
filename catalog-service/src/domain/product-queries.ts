import type { Caller } from '@shop/platform/http';
import { decodeCursor, toPage } from '@shop/platform/data';
import type { CatalogDb } from '../data-access/database';
import { findProductById, listProducts, listProductsAfterId } from '../data-access/product-repository';
import { toProductFields, type ProductFields } from '../events/product-events';
import { assertServiceCaller, isAdmin } from './product-access';
import { isVisibleTo, toViewFor, type ProductView } from './product';
import { ProductNotFound } from './product-errors';

/** A product (with its reserved units for admins); unknown, or inactive for anyone but an admin, is a 404. */
export async function getProduct(db: CatalogDb, caller: Caller | undefined, id: string): Promise<ProductView> {
  const viewer = { isAdmin: isAdmin(caller) };
  const product = await findProductById(db, id);
  if (!product || !isVisibleTo(product, viewer)) throw new ProductNotFound();
  return toViewFor(viewer)(product);
}

/** A page of products, newest first, optionally matching q in name or sku; admins see inactive ones and reserved units too. */
export async function browseProducts(db: CatalogDb, caller: Caller | undefined, query: { limit: number; cursor?: string | undefined; q?: string | undefined }) {
  const viewer = { isAdmin: isAdmin(caller) };
  const after = query.cursor ? decodeCursor(query.cursor) : undefined;
  const rows = await listProducts(db, { limit: query.limit + 1, after, search: query.q, includeInactive: viewer.isAdmin });
  const { items, nextCursor } = toPage(rows, query.limit);
  return { items: items.map(toViewFor(viewer)), nextCursor };
}

/** One page of the whole catalog for other services' copies: active and inactive, in id order. */
export async function readProductSnapshot(db: CatalogDb, caller: Caller, query: { after?: string | undefined; limit: number }): Promise<{ items: ProductFields[]; nextAfter: string | null }> {
  assertServiceCaller(caller);
  const rows = await listProductsAfterId(db, query.after, query.limit + 1);
  const items = rows.slice(0, query.limit);
  return { items: items.map(toProductFields), nextAfter: rows.length > query.limit ? (items.at(-1)?.id ?? null) : null };
}

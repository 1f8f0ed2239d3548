import { sqlRows } from '@shop/platform/data';
import type { CatalogProduct } from '../domain/catalog-product';
import { Prisma } from '../generated/prisma/client';
import type { Db } from './database';

const BACKFILL = 'catalog-snapshot';

/** The products of these ids that order-service knows, in one query. */
export async function findCatalogProducts(db: Db, ids: readonly string[]): Promise<CatalogProduct[]> {
  // Every order reads its lines' products: raw on the pool (sqlRows) costs a fraction of a model query.
  return sqlRows<CatalogProduct>(db, Prisma.sql`
    SELECT id, sku, name, price_cents AS "priceCents", currency, active, version, updated_at AS "updatedAt"
      FROM catalog_products WHERE id = ANY(${[...ids]}::uuid[])`);
}

/**
 * Stores a product's state unless a newer (or the same) version is stored already, in one
 * statement: events arrive more than once and out of order, and the snapshot overlaps them.
 * 'stale' when the stored version was newer or equal.
 */
export async function storeCatalogProduct(db: Db, product: CatalogProduct): Promise<'stored' | 'stale'> {
  const stored = await db.$executeRaw`
    INSERT INTO catalog_products (id, sku, name, price_cents, currency, active, version, updated_at)
    VALUES (${product.id}::uuid, ${product.sku}, ${product.name}, ${product.priceCents}, ${product.currency}, ${product.active},
            ${product.version}, ${product.updatedAt}::timestamptz)
    ON CONFLICT (id) DO UPDATE SET sku = EXCLUDED.sku, name = EXCLUDED.name, price_cents = EXCLUDED.price_cents, currency = EXCLUDED.currency,
           active = EXCLUDED.active, version = EXCLUDED.version, updated_at = EXCLUDED.updated_at
     WHERE catalog_products.version < EXCLUDED.version`;
  return stored === 1 ? 'stored' : 'stale';
}

/** True once the copy has been filled from catalog-service's snapshot. */
export async function isCatalogBackfilled(db: Db): Promise<boolean> {
  return (await db.catalogBackfill.count({ where: { name: BACKFILL } })) > 0;
}

/** Records that the copy was filled from catalog-service's snapshot. */
export async function markCatalogBackfilled(db: Db): Promise<void> {
  await db.$executeRaw`INSERT INTO catalog_backfills (name) VALUES (${BACKFILL}) ON CONFLICT DO NOTHING`;
}

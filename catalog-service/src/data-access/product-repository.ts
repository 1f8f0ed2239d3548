import { isUniqueViolation, keysetPage, type PageCursor } from '@shop/platform/data';
import type { EventEnvelope } from '@shop/platform/messaging';
import { outboxInsertSql } from '@shop/platform/outbox';
import type { Product, ProductPatch } from '../domain/product';
import type { Prisma } from '../generated/prisma/client';
import type { Db } from './database';

/** A product and the event that announces its creation, written together. */
export interface ProductWrite {
  product: Product;
  event: EventEnvelope;
}

/**
 * Inserts the product and its event in ONE statement of data-modifying CTEs: both commit or
 * neither does. A taken sku fails the whole statement (see isSkuTaken).
 */
export async function insertProduct(db: Db, { product: p, event }: ProductWrite): Promise<void> {
  await db.$queryRaw`
    WITH product AS (
      INSERT INTO products (id, sku, name, description, price_cents, currency, stock, active, version, created_at, updated_at)
      VALUES (${p.id}::uuid, ${p.sku}, ${p.name}, ${p.description}, ${p.priceCents}, ${p.currency}, ${p.stock}, ${p.active},
              ${p.version}, ${p.createdAt}::timestamptz, ${p.updatedAt}::timestamptz)
      RETURNING id
    ),
    outbox AS (${outboxInsertSql(event)})
    SELECT notified FROM product, outbox`;
}

/** True when insertProduct failed because another product has the sku in some letter case. */
export function isSkuTaken(error: unknown): boolean {
  return isUniqueViolation(error, 'products_sku_lower_key');
}

/** Records an event in the outbox, inside the caller's transaction (it commits with the change). */
export async function recordEvent(db: Db, event: EventEnvelope): Promise<void> {
  await db.$queryRaw(outboxInsertSql(event));
}

/** A product by id, inactive ones included (the caller decides who may see it). */
export async function findProductById(db: Db, id: string): Promise<Product | null> {
  return db.product.findUnique({ where: { id } });
}

/** What one page of GET /products asks for. */
export interface ProductListFilter {
  limit: number;
  after?: PageCursor | undefined;
  /** Case-insensitive part of the name or the sku. */
  search?: string | undefined;
  includeInactive: boolean;
}

/** One page of products, newest first, strictly after the cursor. */
export async function listProducts(db: Db, filter: ProductListFilter): Promise<Product[]> {
  const page = keysetPage(filter.limit, filter.after);
  const conditions: Prisma.ProductWhereInput[] = [page.where];
  if (!filter.includeInactive) conditions.push({ active: true });
  // A leading-wildcard ILIKE scans the table: fine for a shop's catalog; a pg_trgm GIN index
  // (or a search engine) is the answer once it is large.
  if (filter.search) {
    // Prisma passes `contains` to ILIKE unescaped: "%" and "_" would match anything.
    const search = { contains: filter.search.replace(/[\\%_]/g, '\\$&'), mode: 'insensitive' as const };
    conditions.push({ OR: [{ name: search }, { sku: search }] });
  }
  return db.product.findMany({ where: { AND: conditions }, orderBy: page.orderBy, take: page.take });
}

/** Up to limit products, active and inactive, with an id greater than after, in id order. */
export async function listProductsAfterId(db: Db, after: string | undefined, limit: number): Promise<Product[]> {
  return db.product.findMany({ where: after ? { id: { gt: after } } : {}, orderBy: { id: 'asc' }, take: limit });
}

/** Applies the patch, bumps the version and stamps updatedAt; null for an unknown product. */
export async function updateProduct(db: Db, id: string, patch: ProductPatch, now: Date): Promise<Product | null> {
  const { count } = await db.product.updateMany({ where: { id }, data: { ...patch, version: { increment: 1 }, updatedAt: now } });
  return count === 1 ? findProductById(db, id) : null;
}

interface ProductRow {
  id: string;
  sku: string;
  name: string;
  description: string | null;
  price_cents: number;
  currency: string;
  stock: number;
  reserved: number;
  active: boolean;
  version: number;
  created_at: Date;
  updated_at: Date;
}

/**
 * Adds delta to the stock, bumping the version, only if the result is not below zero: the
 * condition and the change are one statement, so two concurrent adjustments can never both pass
 * a check that only one of them should. Null when the product is unknown or the stock too low.
 */
export async function addToStock(db: Db, id: string, delta: number, now: Date): Promise<Product | null> {
  const [row] = await db.$queryRaw<ProductRow[]>`
    UPDATE products
       SET stock = stock + ${delta}::int, version = version + 1, updated_at = ${now}::timestamptz
     WHERE id = ${id}::uuid AND stock + ${delta}::int >= 0
    RETURNING id, sku, name, description, price_cents, currency, stock, reserved, active, version, created_at, updated_at`;
  return row ? toProduct(row) : null;
}

/**
 * Takes a lock that makes other writers of products wait until the caller's transaction ends
 * (readers go on), then tells whether the table is empty: two seeds at once insert one catalog.
 */
export async function lockProductsIfEmpty(db: Prisma.TransactionClient): Promise<boolean> {
  await db.$executeRaw`LOCK TABLE products IN SHARE ROW EXCLUSIVE MODE`;
  const [row] = await db.$queryRaw<Array<{ empty: boolean }>>`SELECT NOT EXISTS (SELECT 1 FROM products) AS empty`;
  return row?.empty ?? false;
}

function toProduct(row: ProductRow): Product {
  return {
    id: row.id,
    sku: row.sku,
    name: row.name,
    description: row.description,
    priceCents: row.price_cents,
    currency: row.currency,
    stock: row.stock,
    reserved: row.reserved,
    active: row.active,
    version: row.version,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}

import { randomUUID } from 'node:crypto';
import type { Caller } from '@shop/platform/http';
import { getLogger } from '@shop/platform/logging';
import type { CatalogDb } from '../data-access/database';
import { insertProduct, isSkuTaken } from '../data-access/product-repository';
import { productCreated } from '../events/product-events';
import { assertAdmin } from './product-access';
import { toPublic, type Product, type PublicProduct } from './product';
import { SkuTaken } from './product-errors';

const log = getLogger('create-product');

export interface CreateProductInput {
  sku: string;
  name: string;
  description?: string | undefined;
  priceCents: number;
  currency: string;
  stock?: number | undefined;
}

/** A new active product at version 1, as of now. */
export function newProduct(input: CreateProductInput, now: Date): Product {
  return {
    id: randomUUID(),
    sku: input.sku,
    name: input.name,
    description: input.description ?? null,
    priceCents: input.priceCents,
    currency: input.currency,
    stock: input.stock ?? 0,
    reserved: 0,
    active: true,
    version: 1,
    createdAt: now,
    updatedAt: now,
  };
}

/** Creates the product and records product.created with it; a sku taken in any case is a 409. */
export async function createProduct(db: CatalogDb, caller: Caller, input: CreateProductInput, now: Date): Promise<PublicProduct> {
  assertAdmin(caller);
  const product = newProduct(input, now);
  try {
    // The unique index decides, not a read before the insert: two requests cannot both win.
    await insertProduct(db, { product, event: productCreated(product) });
  } catch (error) {
    if (isSkuTaken(error)) throw new SkuTaken(input.sku);
    throw error;
  }
  log.info('Product created', { productId: product.id, sku: product.sku });
  return toPublic(product);
}

import { createEnvelope, type EventEnvelope } from '@shop/platform/messaging';
import { z } from 'zod';
import type { Product } from '../domain/product';

// The events catalog-service publishes (through its outbox). Every product.* payload and every
// item of GET /product-snapshot is the same shape, so a consumer reads both with one schema
// (order-service's copy: order-service/src/domain/catalog-product.ts). The shape is a contract:
// change it only with a new event version.

export const productFieldsV1 = z
  .object({
    productId: z.uuid(),
    sku: z.string().min(1).max(64),
    name: z.string().min(1).max(200),
    description: z.string().max(2000).nullable(),
    priceCents: z.number().int().positive(),
    currency: z.string().regex(/^[A-Z]{3}$/),
    stock: z.number().int().min(0),
    active: z.boolean(),
    version: z.number().int().positive(),
    updatedAt: z.iso.datetime({ offset: true }),
  })
  .strict();

export type ProductFields = z.infer<typeof productFieldsV1>;

/** The product as events and the snapshot carry it, checked against the contract. */
export function toProductFields(product: Product): ProductFields {
  return productFieldsV1.parse({
    productId: product.id,
    sku: product.sku,
    name: product.name,
    description: product.description,
    priceCents: product.priceCents,
    currency: product.currency,
    stock: product.stock,
    active: product.active,
    version: product.version,
    updatedAt: product.updatedAt.toISOString(),
  });
}

export type ProductEvent = EventEnvelope<ProductFields>;

/** `product.created`: a new product exists (version 1). */
export const productCreated = (product: Product): ProductEvent => createEnvelope('product.created', 1, toProductFields(product));

/** `product.updated`: name, description, price or active changed. */
export const productUpdated = (product: Product): ProductEvent => createEnvelope('product.updated', 1, toProductFields(product));

/** `product.stock_changed`: the stock was adjusted. */
export const productStockChanged = (product: Product): ProductEvent => createEnvelope('product.stock_changed', 1, toProductFields(product));

import { z } from 'zod';

/** A product as order-service knows it: its copy of catalog-service's, enough to price a line. */
export interface CatalogProduct {
  id: string;
  sku: string;
  name: string;
  priceCents: number;
  currency: string;
  active: boolean;
  /** catalog-service's version of the product: a change with a lower or equal one is old news. */
  version: number;
  updatedAt: Date;
}

/**
 * The fields order-service reads of a product as catalog-service sends it, in its product.*
 * events and in its snapshot: order-service's own copy of the contract, checked on arrival.
 */
export const catalogProductFields = z.object({
  productId: z.uuid(),
  sku: z.string().min(1).max(64),
  name: z.string().min(1).max(200),
  priceCents: z.number().int().positive(),
  currency: z.string().regex(/^[A-Z]{3}$/),
  active: z.boolean(),
  version: z.number().int().positive(),
  updatedAt: z.iso.datetime({ offset: true }),
});

/** The product the fields describe. */
export function toCatalogProduct(fields: z.infer<typeof catalogProductFields>): CatalogProduct {
  return {
    id: fields.productId,
    sku: fields.sku,
    name: fields.name,
    priceCents: fields.priceCents,
    currency: fields.currency,
    active: fields.active,
    version: fields.version,
    updatedAt: new Date(fields.updatedAt),
  };
}

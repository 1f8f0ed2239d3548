import { pageQuery, z } from '@shop/platform/openapi';

// Request and response shapes; the same schemas validate input and produce the OpenAPI document.
// Bodies are strict: an unknown field (a typo, or sku/stock in a PATCH) is a 400, not ignored.

const sku = z
  .string()
  .min(1)
  .max(64)
  .regex(/^[A-Za-z0-9][A-Za-z0-9._-]*$/, 'letters, digits, ".", "_" and "-", starting with a letter or digit')
  .openapi({ example: 'BOOK-TAOCP-1' });
const name = z.string().trim().min(1).max(200);
const description = z.string().trim().max(2000);
const priceCents = z.number().int().positive().max(100_000_000).openapi({ description: 'Price in minor units (cents)', example: 7499 });
const currency = z.string().regex(/^[A-Z]{3}$/, 'three upper-case letters (ISO 4217)').openapi({ example: 'EUR' });

export const createProductBody = z
  .object({ sku, name, description: description.optional(), priceCents, currency, stock: z.number().int().min(0).max(1_000_000_000).optional() })
  .strict()
  .openapi('CreateProduct');

export const updateProductBody = z
  .object({ name: name.optional(), description: description.nullable().optional(), priceCents: priceCents.optional(), active: z.boolean().optional() })
  .strict()
  .refine((patch) => Object.keys(patch).length > 0, 'name, description, priceCents or active is required')
  .openapi('UpdateProduct', { description: 'sku and stock cannot be changed here (stock: POST /products/{id}/stock-adjustments)' });

export const stockAdjustmentBody = z
  .object({
    delta: z
      .number()
      .int()
      .min(-1_000_000_000)
      .max(1_000_000_000)
      .refine((delta) => delta !== 0, 'must not be 0')
      .openapi({ description: 'Units added (positive) or removed (negative)', example: 10 }),
    reason: z.string().trim().min(1).max(200).openapi({ example: 'delivery' }),
  })
  .strict()
  .openapi('StockAdjustment');

export const productIdParams = z.object({ id: z.uuid() });

export const browseProductsQuery = pageQuery.extend({
  q: z.string().trim().min(1).max(100).optional().openapi({ description: 'Part of the name or sku, any letter case' }),
});

export const snapshotQuery = z.object({
  after: z.uuid().optional().openapi({ description: 'Id of the last product of the previous page' }),
  limit: z.coerce.number().int().min(1).max(1000).default(500),
});

/** What a product answer and a snapshot item (or product.* payload) have in common. */
const productFields = {
  sku: z.string(),
  name: z.string(),
  description: z.string().nullable(),
  priceCents: z.number().int(),
  currency: z.string(),
  stock: z.number().int(),
  active: z.boolean(),
};

export const productResponse = z
  .object({ id: z.uuid(), ...productFields, createdAt: z.iso.datetime(), updatedAt: z.iso.datetime() })
  .openapi('Product');

/** A product as GET returns it: admins also get `reserved`. */
export const productView = productResponse
  .extend({
    reserved: z
      .number()
      .int()
      .min(0)
      .optional()
      .openapi({ description: 'Admins only: units held for orders not paid yet (on hand = stock + reserved). stock is what customers can buy now.' }),
  })
  .openapi('ProductView');

export const productsPage = z.object({ items: z.array(productView), nextCursor: z.string().nullable() }).openapi('ProductsPage');

export const productSnapshotItem = z
  .object({ productId: z.uuid(), ...productFields, version: z.number().int(), updatedAt: z.iso.datetime({ offset: true }) })
  .openapi('ProductSnapshotItem', { description: 'Also the payload of product.created, product.updated and product.stock_changed' });

export const productSnapshotPage = z
  .object({ items: z.array(productSnapshotItem), nextAfter: z.uuid().nullable() })
  .openapi('ProductSnapshotPage');

/** A product as the domain sees it. Money in minor units plus a currency code. */
export interface Product {
  id: string;
  sku: string;
  name: string;
  description: string | null;
  priceCents: number;
  currency: string;
  /** Units customers can buy now; never below zero (a check constraint holds it too). */
  stock: number;
  /** Units held for orders not paid yet (on hand = stock + reserved); admins only. */
  reserved: number;
  /** Inactive products are hidden from customers and cannot be ordered. */
  active: boolean;
  /** 1 at creation, +1 on every change; published with each event so consumers can drop old news. */
  version: number;
  createdAt: Date;
  updatedAt: Date;
}

/** What an admin may change with PATCH; sku and stock are not among them (stock moves by adjustments). */
export interface ProductPatch {
  name?: string | undefined;
  description?: string | null | undefined;
  priceCents?: number | undefined;
  active?: boolean | undefined;
}

/** The product as clients get it (the version is for consumers of events, not for clients). */
export function toPublic(product: Product) {
  return {
    id: product.id,
    sku: product.sku,
    name: product.name,
    description: product.description,
    priceCents: product.priceCents,
    currency: product.currency,
    stock: product.stock,
    active: product.active,
    createdAt: product.createdAt.toISOString(),
    updatedAt: product.updatedAt.toISOString(),
  };
}

export type PublicProduct = ReturnType<typeof toPublic>;

/** The product as admins get it: the public fields plus the units held for unpaid orders. */
export const toAdminView = (product: Product) => ({ ...toPublic(product), reserved: product.reserved });

/** What a reader gets: admins the admin view, everyone else the public product. */
export type ProductView = PublicProduct & { reserved?: number };

/** Business rule: the reserved units are the shop's business, not the customers'. */
export const toViewFor = (viewer: { isAdmin: boolean }) => (product: Product): ProductView => (viewer.isAdmin ? toAdminView(product) : toPublic(product));

/** Business rule: customers and anonymous visitors see active products only; admins see all. */
export function isVisibleTo(product: Product, viewer: { isAdmin: boolean }): boolean {
  return product.active || viewer.isAdmin;
}

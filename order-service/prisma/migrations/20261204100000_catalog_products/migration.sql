-- order-service's own copy of catalog-service's products, fed by its product.* events and, in a
-- fresh database, filled once from its snapshot: orders are priced from here, so they are
-- accepted while catalog-service is down. `version` is the catalog's: newest version wins.
CREATE TABLE "catalog_products" (
    "id" UUID NOT NULL,
    "sku" VARCHAR(64) NOT NULL,
    "name" VARCHAR(200) NOT NULL,
    "price_cents" INTEGER NOT NULL,
    "currency" CHAR(3) NOT NULL,
    "active" BOOLEAN NOT NULL,
    "version" INTEGER NOT NULL,
    "updated_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "catalog_products_pkey" PRIMARY KEY ("id")
);

-- When the copy was first filled from the catalog's snapshot (one row, absent until then).
CREATE TABLE "catalog_backfills" (
    "name" TEXT NOT NULL,
    "completed_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "catalog_backfills_pkey" PRIMARY KEY ("name")
);

-- Which product a line bought (null for lines placed before orders bought products).
ALTER TABLE "order_lines" ADD COLUMN "product_id" UUID;

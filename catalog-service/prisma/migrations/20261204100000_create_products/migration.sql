-- CreateTable
CREATE TABLE "products" (
    "id" UUID NOT NULL,
    "sku" VARCHAR(64) NOT NULL,
    "name" VARCHAR(200) NOT NULL,
    "description" VARCHAR(2000),
    "price_cents" INTEGER NOT NULL,
    "currency" CHAR(3) NOT NULL,
    "stock" INTEGER NOT NULL,
    "active" BOOLEAN NOT NULL DEFAULT true,
    "version" INTEGER NOT NULL DEFAULT 1,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "products_pkey" PRIMARY KEY ("id"),
    -- Business rules the database keeps too, so no code path can break them (stock never below zero).
    CONSTRAINT "products_price_cents_positive" CHECK ("price_cents" > 0),
    CONSTRAINT "products_stock_not_negative" CHECK ("stock" >= 0),
    CONSTRAINT "products_version_positive" CHECK ("version" >= 1)
);

-- Newest-first keyset pages (GET /products).
CREATE INDEX "products_created_at_id_idx" ON "products"("created_at", "id");

-- One product per sku whatever its case: "book-1" is taken once "BOOK-1" exists
-- (an index on an expression: not expressible in schema.prisma).
CREATE UNIQUE INDEX "products_sku_lower_key" ON "products"(lower("sku"));

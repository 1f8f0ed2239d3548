import { AppError, NotFoundError } from '@shop/platform/errors';

/** 404 for an unknown product, and for an inactive one shown to someone who may not see it. */
export class ProductNotFound extends NotFoundError {
  constructor() {
    super('product');
  }
}

/** 409: another product has this sku, in any letter case. */
export class SkuTaken extends AppError {
  constructor(sku: string) {
    super({ code: 'sku-taken', message: 'Another product has this sku', httpStatus: 409, details: { sku } });
  }
}

/** 409: the adjustment would take the stock below zero; nothing was changed. */
export class InsufficientStock extends AppError {
  constructor(details: { stock: number; delta: number }) {
    super({ code: 'insufficient-stock', message: 'The adjustment would take the stock below zero', httpStatus: 409, details });
  }
}

import { AppError, NotFoundError } from '@shop/platform/errors';

/** 404 for a missing order and for someone else's: other users' ids are not revealed. */
export class OrderNotFound extends NotFoundError {
  constructor() {
    super('order');
  }
}

/** 422: the same Idempotency-Key was used with a different request body. */
export class IdempotencyKeyReused extends AppError {
  constructor() {
    super({
      code: 'idempotency-key-reused',
      message: 'This Idempotency-Key was already used with a different request',
      httpStatus: 422,
    });
  }
}

/** 422: the signed-in user no longer exists in user-service. */
export class UnknownCustomer extends AppError {
  constructor() {
    super({ code: 'unknown-customer', message: 'The signed-in user does not exist', httpStatus: 422 });
  }
}

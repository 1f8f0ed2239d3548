import { AppError } from '@shop/platform/errors';

/** 409: another account already uses this email. */
export class EmailTaken extends AppError {
  constructor() {
    super({ code: 'email-taken', message: 'An account with this email already exists', httpStatus: 409 });
  }
}

/** 401 with one message for an unknown email and a wrong password, so neither is revealed. */
export class InvalidCredentials extends AppError {
  constructor() {
    super({ code: 'invalid-credentials', message: 'Invalid email or password', httpStatus: 401 });
  }
}

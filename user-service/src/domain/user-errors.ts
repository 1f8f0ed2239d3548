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

/** 401: the refresh token is unknown, expired, revoked, or was already used (its family is then revoked). */
export class InvalidRefreshToken extends AppError {
  constructor() {
    super({ code: 'invalid-refresh-token', message: 'The refresh token is invalid or expired; sign in again', httpStatus: 401 });
  }
}

/** 401: the current password given to confirm a change is wrong. */
export class WrongPassword extends AppError {
  constructor() {
    super({ code: 'wrong-password', message: 'The current password is wrong', httpStatus: 401 });
  }
}

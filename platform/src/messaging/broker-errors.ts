import { AppError } from '../errors';

/** The broker cannot take a message now (disconnected, or no confirm in time); try again later. */
export class BrokerUnavailableError extends AppError {
  constructor(reason: string, cause?: unknown) {
    super({ code: 'message-broker-unavailable', message: `Message broker unavailable: ${reason}`, httpStatus: 503, cause });
  }
}

/** The broker refused this message (a nack): retrying it may fail the same way; others may pass. */
export class MessageRejectedError extends AppError {
  constructor(reason: string, cause?: unknown) {
    super({ code: 'message-rejected', message: `Message rejected: ${reason}`, httpStatus: 503, cause });
  }
}

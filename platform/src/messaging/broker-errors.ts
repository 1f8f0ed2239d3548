import { AppError } from '../errors';

/** The broker cannot take a message now (disconnected, or no confirm in time); try again later. */
export class BrokerUnavailableError extends AppError {
  constructor(reason: string, cause?: unknown) {
    super({ code: 'message-broker-unavailable', message: `Message broker unavailable: ${reason}`, httpStatus: 503, cause });
  }
}

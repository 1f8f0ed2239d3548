export {
  AppError,
  DependencyUnavailableError,
  ForbiddenError,
  NotFoundError,
  UnauthorizedError,
  ValidationError,
  type AppErrorOptions,
} from './app-error';
export { toAppError } from './to-app-error';
export { jitteredRetryAfterSeconds } from './retry-after';

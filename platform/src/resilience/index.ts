export { BREAKER_DEFAULTS, createBreaker, type Breaker, type BreakerOptions, type BreakerState } from './create-breaker';
export { isDependencyFailure, ServiceCallError, type ServiceCallFailure } from './service-call-error';
export { createServiceClient, ServiceClient, type ServiceClientOptions, type ServiceRequest, type ServiceResponse } from './service-client';

import { createBreaker, createServiceClient, type Breaker } from '@shop/platform/resilience';
import { UnknownCustomer } from './order-errors';

/** What order-service needs to know about a customer. */
export interface Customer {
  email: string;
  name: string;
}

export interface UserLookupOptions {
  baseUrl: string | readonly string[];
  serviceToken: string;
  timeoutMs: number;
  errorThresholdPercentage: number;
  resetTimeoutMs: number;
  volumeThreshold: number;
  windowMs: number;
}

/**
 * Looks customers up in user-service through a circuit breaker. A 404 is the caller's problem
 * (422 unknown-customer) and does not trip the breaker; a down, slow or failing user-service
 * becomes a 503 with Retry-After. There is deliberately no fallback: an order is never placed
 * for a user that could not be verified.
 */
export function createUserLookup(options: UserLookupOptions): Breaker<[string], Customer> {
  const client = createServiceClient({
    service: 'user-service',
    baseUrl: options.baseUrl,
    serviceToken: options.serviceToken,
    timeoutMs: options.timeoutMs,
  });
  const lookup = async (userId: string): Promise<Customer> => {
    const res = await client.get<{ email: string; name: string }>(`/users/${encodeURIComponent(userId)}`);
    if (res.status === 404) throw new UnknownCustomer();
    if (res.status !== 200) throw new Error(`user-service answered ${res.status} to a user lookup`);
    return { email: res.body.email, name: res.body.name };
  };
  return createBreaker('user-service', lookup, {
    timeoutMs: options.timeoutMs,
    errorThresholdPercentage: options.errorThresholdPercentage,
    resetTimeoutMs: options.resetTimeoutMs,
    volumeThreshold: options.volumeThreshold,
    rollingCountTimeoutMs: options.windowMs,
  });
}

import { Agent } from 'node:http';

/**
 * The one keep-alive agent every upstream call goes through (proxy, OpenAPI, health), so
 * connections to services are reused instead of opened per request. Its socket timeout also
 * bounds connecting, which the proxy's own timeout only starts counting after.
 */
export function createUpstreamAgent(options: { timeoutMs: number }): Agent {
  return new Agent({
    keepAlive: true,
    keepAliveMsecs: 1000,
    // Per upstream; past it requests queue in the gateway rather than swamping a service.
    maxSockets: 256,
    maxFreeSockets: 64,
    // Idle sockets close after this too: well below the services' 65 s keep-alive timeout,
    // so the agent never reuses a socket the service is about to close.
    timeout: options.timeoutMs,
    scheduling: 'lifo',
  });
}

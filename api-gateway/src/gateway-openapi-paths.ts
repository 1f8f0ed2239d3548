import type { OpenApiDocument } from '@shop/platform/openapi';

const json = (description: string, schema: Record<string, unknown> = { type: 'object' }) => ({
  description,
  content: { 'application/json': { schema } },
});

// What readinessHandler answers over upstreamReadinessChecks: each service's reachability.
const readiness = {
  type: 'object',
  required: ['status', 'checks'],
  properties: {
    status: { enum: ['ready', 'not-ready'] },
    checks: {
      type: 'object',
      additionalProperties: {
        type: 'object',
        required: ['ok'],
        properties: { ok: { type: 'boolean' }, reachable: { type: 'boolean' }, error: { type: 'string' } },
      },
    },
  },
};

/** The routes the gateway answers itself, documented beside the services' ones. */
export const GATEWAY_OPENAPI_PATHS: OpenApiDocument['paths'] = {
  '/health': {
    get: {
      summary: 'Liveness of the gateway',
      tags: ['gateway'],
      security: [],
      responses: { 200: json('The gateway runs', { type: 'object', required: ['status'], properties: { status: { const: 'ok' } } }) },
    },
  },
  '/ready': {
    get: {
      summary: 'Readiness of the gateway, with the reachability of each service',
      tags: ['gateway'],
      security: [],
      responses: {
        200: json('Ready; an unreachable service is reported, not fatal', readiness),
        503: json('A check did not finish in time: not-ready', readiness),
      },
    },
  },
  '/api/openapi.json': {
    get: {
      summary: 'This document: every service merged under /api',
      tags: ['gateway'],
      security: [],
      responses: { 200: json('OpenAPI 3.1 document; x-unavailable-services lists services it lacks') },
    },
  },
  '/api/docs': {
    get: {
      summary: 'Interactive documentation (Swagger UI)',
      tags: ['gateway'],
      security: [],
      responses: { 200: { description: 'HTML page', content: { 'text/html': { schema: { type: 'string' } } } } },
    },
  },
};

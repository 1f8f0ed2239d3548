import type { OpenApiDocument } from '@shop/platform/openapi';

const json = (description: string) => ({ description, content: { 'application/json': { schema: { type: 'object' } } } });

/** The routes the gateway answers itself, documented beside the services' ones. */
export const GATEWAY_OPENAPI_PATHS: OpenApiDocument['paths'] = {
  '/health': {
    get: { summary: 'Liveness of the gateway', tags: ['gateway'], security: [], responses: { 200: json('The gateway runs') } },
  },
  '/ready': {
    get: {
      summary: 'Readiness of the gateway, with the reachability of each service',
      tags: ['gateway'],
      security: [],
      responses: { 200: json('Ready; an unreachable service is reported, not fatal') },
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

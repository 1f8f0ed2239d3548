import { errorSchemaComponent, type OpenApiDocument } from '@shop/platform/openapi';
import { GATEWAY_RESPONSES, proxiedRouteResponses } from './gateway-openapi-responses';
import type { Authentication } from './routing-table';

/** One service's document, as fetched. */
export interface ServiceDocument {
  service: string;
  document: OpenApiDocument;
}

export interface MergeInput {
  title: string;
  /** The gateway's own routes, already at their public paths. */
  ownPaths: OpenApiDocument['paths'];
  documents: ServiceDocument[];
  /** Services whose document could not be fetched. */
  unavailable: string[];
  /** True when the gateway proxies a public path; other paths are left out. */
  isRouted: (publicPath: string) => boolean;
  /** What a public path's method needs of credentials (routing-table.ts authenticationFor). */
  authenticationFor: (method: string, publicPath: string) => Authentication;
}

const METHODS = new Set(['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace']);

/** The path item with responses added to each operation, where the operation does not document that status itself. */
function withResponses(pathItem: Record<string, unknown>, responsesFor: (method: string) => Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(
    Object.entries(pathItem).map(([method, operation]) => {
      if (!METHODS.has(method) || typeof operation !== 'object' || operation === null) return [method, operation];
      const own = (operation as { responses?: Record<string, unknown> }).responses ?? {};
      return [method, { ...operation, responses: { ...responsesFor(method), ...own } }];
    }),
  );
}

/**
 * The public document: every service path under /api, their components merged, gaps listed.
 * Each operation also documents what the gateway itself may answer (400, 408, 500 anywhere;
 * 401, 429, 502, 504 where it proxies), with the one Error schema, so the document lists every
 * status a client can get.
 */
export function mergeOpenApiDocuments(input: MergeInput): OpenApiDocument {
  const paths: OpenApiDocument['paths'] = { ...input.ownPaths };
  // The gateway's own Error first: its answers refer to it even when no service document came.
  const components: Record<string, Record<string, unknown>> = { schemas: { Error: errorSchemaComponent() } };
  const tags = new Map<string, unknown>();

  for (const { document } of input.documents) {
    for (const [path, operations] of Object.entries(document.paths)) {
      const publicPath = `/api${path}`;
      // A service route the routing table does not reach is not part of the public API.
      if (!input.isRouted(publicPath)) continue;
      const proxied = withResponses(operations, (method) => proxiedRouteResponses(input.authenticationFor(method, publicPath)));
      paths[publicPath] = { ...paths[publicPath], ...proxied };
    }
    for (const [section, entries] of Object.entries(document.components ?? {})) {
      // Same name in two services (bearerAuth, shared shapes): the first definition wins.
      components[section] = { ...entries, ...components[section] };
    }
    for (const tag of Array.isArray(document.tags) ? (document.tags as Array<{ name?: unknown }>) : []) {
      if (typeof tag?.name === 'string' && !tags.has(tag.name)) tags.set(tag.name, tag);
    }
  }

  for (const [path, pathItem] of Object.entries(paths)) paths[path] = withResponses(pathItem, () => GATEWAY_RESPONSES);

  return {
    openapi: '3.1.0',
    info: { title: input.title, version: '1.0.0' },
    paths,
    components,
    ...(tags.size > 0 ? { tags: [...tags.values()] } : {}),
    'x-unavailable-services': input.unavailable,
  };
}

/** True when a value fetched from a service looks like an OpenAPI document we can merge. */
export function isOpenApiDocument(value: unknown): value is OpenApiDocument {
  if (typeof value !== 'object' || value === null) return false;
  const { openapi, paths } = value as { openapi?: unknown; paths?: unknown };
  return typeof openapi === 'string' && typeof paths === 'object' && paths !== null && !Array.isArray(paths);
}

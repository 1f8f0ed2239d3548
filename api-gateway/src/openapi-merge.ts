import type { OpenApiDocument } from '@shop/platform/openapi';

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
}

/** The public document: every service path under /api, their components merged, gaps listed. */
export function mergeOpenApiDocuments(input: MergeInput): OpenApiDocument {
  const paths: OpenApiDocument['paths'] = { ...input.ownPaths };
  const components: Record<string, Record<string, unknown>> = {};
  const tags = new Map<string, unknown>();

  for (const { document } of input.documents) {
    for (const [path, operations] of Object.entries(document.paths)) {
      const publicPath = `/api${path}`;
      // A service route the routing table does not reach is not part of the public API.
      if (!input.isRouted(publicPath)) continue;
      paths[publicPath] = { ...paths[publicPath], ...operations };
    }
    for (const [section, entries] of Object.entries(document.components ?? {})) {
      // Same name in two services (bearerAuth, shared shapes): the first definition wins.
      components[section] = { ...entries, ...components[section] };
    }
    for (const tag of Array.isArray(document.tags) ? (document.tags as Array<{ name?: unknown }>) : []) {
      if (typeof tag?.name === 'string' && !tags.has(tag.name)) tags.set(tag.name, tag);
    }
  }

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

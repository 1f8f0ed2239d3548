import { extendZodWithOpenApi, OpenApiGeneratorV31, OpenAPIRegistry } from '@asteasolutions/zod-to-openapi';
import { z } from 'zod';

// Adds `.openapi()` to zod schemas (names, examples) once per process.
extendZodWithOpenApi(z);

/** A new registry with the bearer scheme every protected route refers to. */
export function createOpenApiRegistry(): OpenAPIRegistry {
  const registry = new OpenAPIRegistry();
  registry.registerComponent('securitySchemes', 'bearerAuth', { type: 'http', scheme: 'bearer', bearerFormat: 'JWT' });
  return registry;
}

/** An OpenAPI 3.1 document type loose enough to merge documents from several services. */
export interface OpenApiDocument {
  openapi: string;
  info: { title: string; version: string; description?: string };
  paths: Record<string, Record<string, unknown>>;
  components?: Record<string, Record<string, unknown>>;
  [key: string]: unknown;
}

/** Generates the OpenAPI 3.1 document of everything registered. */
export function generateOpenApiDocument(registry: OpenAPIRegistry, title: string): OpenApiDocument {
  const generator = new OpenApiGeneratorV31(registry.definitions);
  return generator.generateDocument({ openapi: '3.1.0', info: { title, version: '1.0.0' } }) as unknown as OpenApiDocument;
}

/** The query of every keyset-paged list: `limit` 1–100 (default 20) and the opaque `cursor` of the last page. */
export const pageQuery = z.object({
  limit: z.coerce.number().int().min(1).max(100).default(20),
  cursor: z.string().max(200).optional(),
});

export { OpenAPIRegistry, z };

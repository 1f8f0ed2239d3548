export { callerOf, IDENTITY_HEADERS, isRole, isUuid, tokensMatch, type Caller, type CallerCredentials, type Role } from './caller';
export { createApp, noStore, type AppOptions } from './create-app';
export { defineRoute, type Access, type RouteContext, type RouteDefinition, type RouteResult } from './define-route';
export { errorHandler, notFoundHandler } from './error-handler';
export { readinessHandler, type ReadinessChecks } from './readiness';
export { REQUEST_ID_HEADER, requestIdMiddleware } from './request-id';

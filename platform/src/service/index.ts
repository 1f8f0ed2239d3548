export { defineService, type BaseServiceConfig, type ServiceApp, type ServiceContext, type ServiceDefinition, type ServiceRoutes } from './define-service';
export { launchService } from './launch-service';
export { startService, type StartedService } from './start-service';

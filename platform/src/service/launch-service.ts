import { loadConfig } from '../config';
import { runMain } from '../lifecycle';
import type { BaseServiceConfig, ServiceDefinition } from './define-service';
import { startService } from './start-service';

/** Runs a service as its process: validates the environment, starts it, and owns the process's lifetime (runMain). */
export function launchService<C extends BaseServiceConfig, Db>(definition: ServiceDefinition<C, Db>): void {
  runMain(definition.name, () => startService(definition, loadConfig(definition.config as never) as C));
}

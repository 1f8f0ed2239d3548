import './instrument';
import { loadConfig } from '@shop/platform/config';
import { runMain } from '@shop/platform/lifecycle';
import { configureLogging } from '@shop/platform/logging';
import { gatewayConfigSchema, SERVICE_NAME } from './config';
import { startGateway } from './start';

runMain(SERVICE_NAME, async () => {
  const config = loadConfig(gatewayConfigSchema);
  configureLogging({ service: SERVICE_NAME, level: config.LOG_LEVEL });
  return startGateway(config);
});

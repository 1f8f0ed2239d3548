import { runService } from '@shop/platform/bootstrap';
import { SERVICE_NAME } from './config';
import { GATEWAY_TELEMETRY } from './telemetry-options';

runService(SERVICE_NAME, () => require('./service'), GATEWAY_TELEMETRY);

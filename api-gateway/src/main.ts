import { runService } from '@shop/platform/bootstrap';
import { SERVICE_NAME } from './config';

// Every proxied route is middleware, so Express spans would add nothing but per-request work
// (about 4 % of the gateway's CPU); the proxy names each span after its routing-table prefix.
runService(SERVICE_NAME, () => require('./service'), { expressSpans: false });

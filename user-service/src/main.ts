import { runService } from '@shop/platform/bootstrap';

runService('user-service', () => require('./service'));

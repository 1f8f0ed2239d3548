import { runService } from '@shop/platform/bootstrap';

runService('order-service', () => require('./service'));

import { runService } from '@shop/platform/bootstrap';

runService('payment-service', () => require('./service'));

import { runService } from '@shop/platform/bootstrap';

runService('notification-service', () => require('./service'));

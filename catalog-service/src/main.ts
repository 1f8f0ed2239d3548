import { runService } from '@shop/platform/bootstrap';

runService('catalog-service', () => require('./service'));

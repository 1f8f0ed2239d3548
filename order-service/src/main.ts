import './instrument';
import { runMain } from '@shop/platform/lifecycle';
import { readConfig } from './config';
import { startOrderService } from './start';

runMain('order-service', () => startOrderService(readConfig()));

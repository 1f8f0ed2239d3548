import './instrument';
import { runMain } from '@shop/platform/lifecycle';
import { readConfig } from './config';
import { startPaymentService } from './start';

runMain('payment-service', () => startPaymentService(readConfig()));

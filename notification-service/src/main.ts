import './instrument';
import { runMain } from '@shop/platform/lifecycle';
import { readConfig } from './config';
import { startNotificationService } from './start';

runMain('notification-service', () => startNotificationService(readConfig()));

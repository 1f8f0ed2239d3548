import './instrument';
import { runMain } from '@shop/platform/lifecycle';
import { readConfig } from './config';
import { startUserService } from './start';

runMain('user-service', () => startUserService(readConfig()));

export { closeServer, listen, portOf } from './http-server';
export { runMain, type RunningService } from './run-main';
export { Shutdown } from './shutdown';

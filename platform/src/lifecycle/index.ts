export { Drain } from './drain';
export { closeServer, listen, portOf, type ListenOptions } from './http-server';
export { runMain, type RunningService } from './run-main';
export { Shutdown } from './shutdown';

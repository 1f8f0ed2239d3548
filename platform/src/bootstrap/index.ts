export { runService } from './run-service';

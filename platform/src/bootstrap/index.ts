// First, before any other module is loaded: see compile-cache.ts.
import './compile-cache';

export { runService } from './run-service';

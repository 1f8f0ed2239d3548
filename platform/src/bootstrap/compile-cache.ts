import { enableCompileCache } from 'node:module';

// Loaded first by every service's main (bootstrap/index.ts imports it before anything else).
// Compiling the modules a service loads was about a third of its start-up CPU (bench --profile
// with --first 1500); V8's code cache on disk (Node >= 22.1) lets a restarted process skip most
// of it. The cache lives in NODE_COMPILE_CACHE, or the temp directory; where that cannot be
// written (a read-only root filesystem) Node reports it and the process starts as before.
// NODE_DISABLE_COMPILE_CACHE=1 turns it off.
enableCompileCache();

// Entry of a codec worker thread. A worker starts without its parent's TypeScript loader (tsx or
// vitest), so it registers tsx itself before loading the TypeScript entry named in workerData.
import { workerData } from 'node:worker_threads';
import { register } from 'tsx/esm/api';

register();
await import(workerData.entry);

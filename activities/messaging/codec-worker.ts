import { parentPort } from 'node:worker_threads';
import { type CodecOperation, codecOperations } from './codec';

/*
 * Worker-thread side of codec-pool.ts: runs one codec operation per request and posts the plain result
 * back. An exception is a programming error; only its name and message cross, never the input.
 */

interface Request {
  id: number;
  op: CodecOperation | 'ready';
  args: unknown[];
}

const port = parentPort;
if (!port) throw new Error('codec-worker.ts runs only as a worker thread (codec-pool.ts)');

port.on('message', ({ id, op, args }: Request) => {
  // The codec is loaded once this handler runs: the pool's warm() asks exactly that.
  if (op === 'ready') return port.postMessage({ id, ok: true, value: null });
  try {
    const run = codecOperations[op] as (...a: unknown[]) => unknown;
    port.postMessage({ id, ok: true, value: run(...args) });
  } catch (err) {
    const error = err instanceof Error ? `${err.name}: ${err.message}` : 'unknown error';
    port.postMessage({ id, ok: false, error });
  }
});

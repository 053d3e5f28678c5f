import { Worker } from 'node:worker_threads';
import type { CodecOperation, MessageCodec } from './codec';

/*
 * A small pool of worker threads for the codec: a 24 MB 323 takes seconds to decode, and the thread
 * that serves HTTP requests and activities must stay free meanwhile. Workers start on first use (or all
 * at once with warm(), which the service awaits before it says it is ready), each
 * runs one operation at a time, further operations wait in a FIFO queue. A worker that dies fails only
 * the operation it was running; the next operation starts a fresh one.
 */

export interface CodecPoolOptions {
  /** Worker threads; default 2, so a small message is not stuck behind one large decode. */
  size?: number;
}

export interface CodecPool extends MessageCodec {
  /** Operations running or waiting; for tests and metrics. */
  pending(): number;
  /** Threads started and alive; for tests and metrics. */
  threads(): number;
  /**
   * Starts every thread and waits until each has loaded the codec (about a second of CPU per thread),
   * so the first messages after a start do not queue behind thread start-up.
   */
  warm(): Promise<void>;
}

/** 'ready' answers once the thread has loaded the codec: warm()'s probe. */
type PoolOperation = CodecOperation | 'ready';

interface Task {
  id: number;
  op: PoolOperation;
  args: unknown[];
  resolve(value: unknown): void;
  reject(error: Error): void;
}

interface Slot {
  worker: Worker;
  task?: Task;
}

type Reply = { id: number; ok: true; value: unknown } | { id: number; ok: false; error: string };

const bootUrl = new URL('./codec-worker-boot.mjs', import.meta.url);
const entryUrl = new URL('./codec-worker.ts', import.meta.url);

export function createCodecPool(options: CodecPoolOptions = {}): CodecPool {
  const size = Math.max(1, options.size ?? 2);
  const slots: Slot[] = [];
  const queue: Task[] = [];
  let nextId = 1;
  let closed = false;

  function finish(slot: Slot): Task | undefined {
    const task = slot.task;
    slot.task = undefined;
    slot.worker.unref(); // an idle worker must not keep the process alive
    return task;
  }

  function drop(slot: Slot, error: Error): void {
    const index = slots.indexOf(slot);
    if (index < 0) return;
    slots.splice(index, 1);
    finish(slot)?.reject(error);
    pump();
  }

  function spawn(): Slot {
    const worker = new Worker(bootUrl, { workerData: { entry: entryUrl.href } });
    const slot: Slot = { worker };
    worker.on('message', (reply: Reply) => {
      const task = finish(slot);
      if (task && task.id === reply.id) {
        if (reply.ok) task.resolve(reply.value);
        else task.reject(new Error(`codec worker: ${reply.error}`));
      }
      pump();
    });
    worker.on('error', (err) => drop(slot, new Error(`codec worker failed: ${err.name}: ${err.message}`)));
    worker.on('exit', (code) => drop(slot, new Error(`codec worker exited with code ${code}`)));
    slots.push(slot);
    return slot;
  }

  function pump(): void {
    while (!closed && queue.length) {
      const slot = slots.find((s) => !s.task) ?? (slots.length < size ? spawn() : undefined);
      if (!slot) return;
      const task = queue.shift() as Task;
      slot.task = task;
      slot.worker.ref();
      slot.worker.postMessage({ id: task.id, op: task.op, args: task.args });
    }
  }

  function run<T>(op: PoolOperation, args: unknown[]): Promise<T> {
    if (closed) return Promise.reject(new Error('codec pool is closed'));
    return new Promise<T>((resolve, reject) => {
      queue.push({ id: nextId++, op, args, resolve: resolve as (v: unknown) => void, reject });
      pump();
    });
  }

  return {
    inspect: (xml, today) => run('inspect', [xml, today]),
    retour: (xml, findings, meta) => run('retour', [xml, findings, meta]),
    startStop: (xml, message, meta) => run('startStop', [xml, message, meta]),
    pending: () => queue.length + slots.filter((s) => s.task).length,
    threads: () => slots.length,
    // Each probe holds its thread until answered, so `size` probes start `size` threads.
    warm: async () => void (await Promise.all(Array.from({ length: size }, () => run('ready', [])))),
    async close() {
      closed = true;
      for (const task of queue.splice(0)) task.reject(new Error('codec pool is closed'));
      const running = slots.splice(0);
      for (const slot of running) finish(slot)?.reject(new Error('codec pool is closed'));
      await Promise.all(running.map((s) => s.worker.terminate()));
    },
  };
}

import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Readable, Writable } from 'node:stream';

/*
 * A real browser for UI tests: Debian's chromium, headless, driven over the DevTools protocol on a pipe
 * (--remote-debugging-pipe: JSON messages separated by NUL on fds 3 and 4), so no WebSocket client and
 * no playwright is needed. `--dump-dom` does not do for the Temporal UI: a running workflow's page keeps a
 * long poll open, so a virtual-time budget never runs out, and a plain timeout dumps before the app ran.
 */

/** The chromium binary: CHROMIUM, else Debian's on PATH; undefined when none is installed. */
export function chromiumPath(): string | undefined {
  const candidates = [process.env.CHROMIUM, 'chromium', 'chromium-browser'].filter(Boolean) as string[];
  return candidates.find((bin) => spawnSync(bin, ['--version'], { encoding: 'utf8' }).status === 0);
}

interface CdpMessage {
  id?: number;
  sessionId?: string;
  result?: Record<string, unknown>;
  error?: { message: string };
}

/**
 * Opens `url` and returns the page's visible text once it matches `until` (checked every 500 ms), or
 * throws after `timeoutMs` with the text it had. `marker` goes into the browser's environment, so a
 * test's process scan finds it.
 */
export async function pageTextWhen(
  bin: string,
  url: string,
  until: RegExp,
  { timeoutMs = 60_000, marker = '' }: { timeoutMs?: number; marker?: string } = {},
): Promise<string> {
  const profile = mkdtempSync(join(tmpdir(), 'iwmo-chromium-'));
  const child = spawn(
    bin,
    [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      `--user-data-dir=${profile}`,
      '--remote-debugging-pipe',
      'about:blank',
    ],
    {
      stdio: ['ignore', 'ignore', 'pipe', 'pipe', 'pipe'],
      env: { ...process.env, IWMO_TEST_MARKER: marker },
      // Its own process group: the browser's helpers (renderer, zygote) are stopped with it.
      detached: true,
    },
  );
  const exited = new Promise((r) => child.once('exit', r));
  let cdp: ReturnType<typeof connect> | undefined;
  child.stderr?.resume();
  try {
    cdp = connect(child);
    const { targetId } = (await cdp.send('Target.createTarget', { url })) as { targetId: string };
    const { sessionId } = (await cdp.send('Target.attachToTarget', { targetId, flatten: true })) as {
      sessionId: string;
    };
    const deadline = Date.now() + timeoutMs;
    let text = '';
    while (Date.now() < deadline) {
      const evaluated = (await cdp.send(
        'Runtime.evaluate',
        { expression: 'document.body ? document.body.innerText : ""', returnByValue: true },
        sessionId,
      )) as { result?: { value?: string } };
      text = evaluated.result?.value ?? '';
      if (until.test(text)) return text;
      await new Promise((r) => setTimeout(r, 500));
    }
    throw new Error(
      `page ${url} did not show ${until} within ${timeoutMs} ms; its text:\n${text.slice(0, 4000)}`,
    );
  } finally {
    await cdp?.send('Browser.close', {}).catch(() => undefined);
    const gone = await Promise.race([
      exited.then(() => true),
      new Promise((r) => setTimeout(r, 5_000, false)),
    ]);
    if (!gone && child.pid) process.kill(-child.pid, 'SIGKILL');
    await exited;
    rmSync(profile, { recursive: true, force: true, maxRetries: 10, retryDelay: 200 });
  }
}

function connect(child: ChildProcess) {
  const toBrowser = child.stdio[3] as Writable;
  const fromBrowser = child.stdio[4] as Readable;
  const waiting = new Map<number, { resolve: (v: unknown) => void; reject: (e: Error) => void }>();
  let buffered = '';
  let next = 1;
  fromBrowser.on('data', (chunk: Buffer) => {
    buffered += chunk.toString('utf8');
    let end = buffered.indexOf('\0');
    while (end >= 0) {
      const message = JSON.parse(buffered.slice(0, end)) as CdpMessage;
      buffered = buffered.slice(end + 1);
      end = buffered.indexOf('\0');
      const call = message.id === undefined ? undefined : waiting.get(message.id);
      if (!call || message.id === undefined) continue;
      waiting.delete(message.id);
      if (message.error) call.reject(new Error(`DevTools: ${message.error.message}`));
      else call.resolve(message.result);
    }
  });
  child.once('exit', (code, signal) => {
    for (const call of waiting.values()) call.reject(new Error(`chromium exited (${code ?? signal})`));
    waiting.clear();
  });
  return {
    send(method: string, params: Record<string, unknown>, sessionId?: string): Promise<unknown> {
      const id = next++;
      return new Promise((resolve, reject) => {
        waiting.set(id, { resolve, reject });
        toBrowser.write(`${JSON.stringify({ id, method, params, ...(sessionId ? { sessionId } : {}) })}\0`);
      });
    },
  };
}

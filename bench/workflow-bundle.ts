import { gzipSync } from 'node:zlib';
import { bundleWorkflowCode } from '@temporalio/worker';
import { workflowsPath } from '../app/worker';

/*
 * The size of the workflow bundle the service's worker loads (app/worker.ts workflowsPath), and what
 * it is made of: the webpack output lists each module under its path, so the code between two module
 * headers is that module's share. The SDK appends an inline source map; it is counted apart.
 */

export interface BundleSize {
  /** The bundle as the worker loads it, source map included. */
  total: number;
  sourceMap: number;
  /** Without the source map; the part V8 parses and compiles. */
  code: number;
  codeGzip: number;
  /** Bytes of code per package (or per folder of ours), largest first. */
  parts: { name: string; bytes: number }[];
}

const quiet = { log() {}, trace() {}, debug() {}, info() {}, warn() {}, error() {} };

export async function measureBundle(): Promise<BundleSize> {
  const { code: full } = await bundleWorkflowCode({ workflowsPath, logger: quiet });
  const mapAt = full.lastIndexOf('\n//# sourceMappingURL=data:');
  const code = mapAt >= 0 ? full.slice(0, mapAt) : full;
  const bytes = (s: string) => Buffer.byteLength(s);
  const parts = new Map<string, number>();
  const chunks = code.split(/\n\/\*\*\*\/ "([^"]*)"\n/);
  for (let i = 1; i < chunks.length; i += 2) {
    const name = partOf(chunks[i] as string);
    parts.set(name, (parts.get(name) ?? 0) + bytes(chunks[i + 1] ?? ''));
  }
  return {
    total: bytes(full),
    sourceMap: bytes(full) - bytes(code),
    code: bytes(code),
    codeGzip: gzipSync(code).length,
    parts: [...parts].map(([name, size]) => ({ name, bytes: size })).sort((a, b) => b.bytes - a.bytes),
  };
}

/** 'node_modules/zod/v4/…' → 'zod'; '../workflows/assignment/state.ts' → 'workflows/'. */
function partOf(path: string): string {
  const pkg = path.match(/node_modules\/((?:@[^/]+\/)?[^/]+)/);
  if (pkg) return pkg[1] as string;
  const ours = path.match(/(?:^|\/)(workflows|calendar|iwmo|activities|config)\//);
  return ours ? `${ours[1]}/ (ours)` : path;
}

import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { repoRoot } from '../../../app/temporal-binaries';
import { decode, type IwmoMessage } from '../../../iwmo';

export const heenNumbers = ['301', '305', '307', '315', '317', '319', '323'] as const;

export const sample = (nr: string) =>
  readFileSync(join(repoRoot, 'test', 'fixtures', 'iwmo-3.2', 'messages', `WMO${nr}.xml`), 'utf8');

export const xsdOf = (nr: string) => join(repoRoot, 'test', 'fixtures', 'iwmo-3.2', 'xsd', `WMO${nr}.xsd`);

/** A decoded sample; throws (failing the test) when it does not decode. */
export function decodedSample<T extends IwmoMessage['type']>(type: T): Extract<IwmoMessage, { type: T }> {
  const res = decode(sample(type.slice(3)));
  if (!res.ok) throw new Error(`${type} sample does not decode: ${res.error.message} at ${res.error.path}`);
  return res.value.message as Extract<IwmoMessage, { type: T }>;
}

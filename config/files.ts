import { readdirSync, readFileSync } from 'node:fs';
import { basename, isAbsolute, join, relative } from 'node:path';

/*
 * File reading shared by the start-up loaders (profiles.ts, contracts.ts). Each loader passes its own
 * error class, so a bad file stops start-up with that loader's error naming the file (and the field).
 */

/** The error a loader throws: ProfileError, ContractError. */
export type LoadError = new (message: string) => Error;

/** A path as people see it: relative to the working directory when inside it. */
export function displayPath(file: string): string {
  const rel = relative(process.cwd(), file);
  return rel && !rel.startsWith('..') && !isAbsolute(rel) ? rel : file;
}

export function readJson(file: string, Fail: LoadError): unknown {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    throw new Fail(`${displayPath(file)}: cannot read: ${(err as Error).message}`);
  }
  try {
    return JSON.parse(text) as unknown;
  } catch (err) {
    throw new Fail(`${displayPath(file)}: invalid JSON: ${(err as Error).message}`);
  }
}

/**
 * The *.json files in `folder`, sorted, as paths. `what` names them in the error ('profiles'); with
 * `missingIsEmpty`, a folder that does not exist holds none.
 */
export function jsonFiles(
  folder: string,
  what: string,
  Fail: LoadError,
  options: { missingIsEmpty?: boolean } = {},
): string[] {
  let names: string[];
  try {
    names = readdirSync(folder);
  } catch (err) {
    if (!(options.missingIsEmpty && (err as NodeJS.ErrnoException).code === 'ENOENT'))
      throw new Fail(`${displayPath(folder)}: cannot read ${what}: ${(err as Error).message}`);
    names = [];
  }
  return names
    .filter((n) => n.endsWith('.json'))
    .sort()
    .map((n) => join(folder, n));
}

/** An entry's id must be its file's name, so the file a log line or error names is the one to open. */
export function checkIdIsFileName(id: string, file: string, Fail: LoadError): void {
  const expected = basename(file, '.json');
  if (id !== expected)
    throw new Fail(`${displayPath(file)}: id: '${id}' must match the file name ('${expected}')`);
}

import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';

/*
 * The layer rule of docs/architecture.md, checked over the real import graph: every import of a
 * project file points down (to a folder its layer may import), and no files import each other in a
 * circle. The table is read from the doc, so the doc and the code cannot drift apart. Imports are read
 * with the TypeScript compiler's own pre-processor, so `import type`, re-exports and `import()` count
 * too: a type import is still a dependency a reader has to follow.
 */

const root = resolve(import.meta.dirname, '../../..');

/** Top-level folders that hold no product code: they may import anything and nothing imports them. */
const outsideTheLayers = new Set([
  'node_modules',
  'test',
  'bench',
  'scripts',
  'docs',
  'tools',
  'coverage',
  'dist',
]);

interface Layer {
  mayImport: string[];
}

/**
 * The layer table of docs/architecture.md ("## Layers"): folder → the project folders it may import,
 * from the backticked `folder/` names in the "May import" column (anything else there is a comment).
 * Throws when the section or the column is not there, so a reworded doc cannot switch the check off.
 */
function layerTable(): Record<string, Layer> {
  const doc = readFileSync(join(root, 'docs/architecture.md'), 'utf8');
  const start = doc.indexOf('\n## Layers');
  if (start < 0) throw new Error('docs/architecture.md has no "## Layers" section');
  const end = doc.indexOf('\n## ', start + 1);
  const rows = doc
    .slice(start, end < 0 ? undefined : end)
    .split('\n')
    .filter((line) => line.trimStart().startsWith('|'))
    .map((line) =>
      line
        .split('|')
        .slice(1, -1)
        .map((cell) => cell.trim()),
    );
  const header = rows[0] ?? [];
  const folderColumn = header.indexOf('Folder');
  const importColumn = header.indexOf('May import');
  if (folderColumn < 0 || importColumn < 0)
    throw new Error('the layer table needs the columns "Folder" and "May import"');
  const table: Record<string, Layer> = {};
  for (const cells of rows.slice(1)) {
    const folder = /^`([a-z][a-z0-9-]*)\/`$/.exec(cells[folderColumn] ?? '')?.[1];
    if (!folder) continue; // the |---| line
    if (table[folder]) throw new Error(`the layer table lists ${folder}/ twice`);
    const mayImport = [...(cells[importColumn] ?? '').matchAll(/`([a-z][a-z0-9-]*)\/`/g)].map(
      (m) => m[1] as string,
    );
    table[folder] = { mayImport };
  }
  return table;
}
const layers = layerTable();

const sourceFile = /\.(ts|mts|mjs|js)$/;

function sourceFiles(dir: string): string[] {
  if (!existsSync(dir)) return []; // a listed folder that is missing fails its own test below
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return name === 'node_modules' ? [] : sourceFiles(path);
    return sourceFile.test(name) && !name.endsWith('.d.ts') ? [path] : [];
  });
}

const topFolder = (file: string) => relative(root, file).split(sep)[0] as string;
const isFile = (path: string) => existsSync(path) && statSync(path).isFile();

/** The file a relative specifier names, as the bundler resolution of tsconfig.json finds it. */
function resolveImport(from: string, spec: string): string | undefined {
  const base = resolve(dirname(from), spec);
  const stem = base.replace(/\.(m?js)$/, '');
  const candidates = [base, `${stem}.ts`, `${stem}.mts`, `${stem}.mjs`, join(base, 'index.ts')];
  return candidates.find(isFile);
}

const files = Object.keys(layers).flatMap((folder) => sourceFiles(join(root, folder)));
const unresolved: string[] = [];
const edges = new Map<string, string[]>(
  files.map((file) => {
    const { importedFiles } = ts.preProcessFile(readFileSync(file, 'utf8'), true, true);
    const targets: string[] = [];
    for (const { fileName } of importedFiles) {
      if (!fileName.startsWith('.')) continue; // a package
      const target = resolveImport(file, fileName);
      if (target) targets.push(target);
      else unresolved.push(`${relative(root, file)} → ${fileName}`);
    }
    return [file, targets];
  }),
);

/** Tarjan's strongly connected components of `graph`; every component of more than one node is a circle. */
function circlesOf(graph: Map<string, string[]>): string[][] {
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const circles: string[][] = [];
  let next = 0;
  const visit = (v: string) => {
    index.set(v, next);
    low.set(v, next);
    next++;
    stack.push(v);
    onStack.add(v);
    for (const w of graph.get(v) ?? []) {
      if (!graph.has(w)) continue;
      if (!index.has(w)) {
        visit(w);
        low.set(v, Math.min(low.get(v) as number, low.get(w) as number));
      } else if (onStack.has(w)) low.set(v, Math.min(low.get(v) as number, index.get(w) as number));
    }
    if (low.get(v) === index.get(v)) {
      const component: string[] = [];
      let w: string;
      do {
        w = stack.pop() as string;
        onStack.delete(w);
        component.push(w);
      } while (w !== v);
      if (component.length > 1) circles.push(component.sort());
    }
  };
  for (const v of graph.keys()) if (!index.has(v)) visit(v);
  return circles;
}

describe('layers: imports only point down', () => {
  it('the layer table is read from docs/architecture.md and is itself a set of layers', () => {
    expect(Object.keys(layers).length).toBeGreaterThanOrEqual(10);
    const unknown = Object.entries(layers).flatMap(([folder, { mayImport }]) =>
      mayImport.filter((to) => !layers[to] || to === folder).map((to) => `${folder}/ → ${to}/`),
    );
    expect(unknown, 'a "May import" names a folder not in the table, or its own').toEqual([]);
    const graph = new Map(Object.entries(layers).map(([folder, { mayImport }]) => [folder, mayImport]));
    expect(circlesOf(graph), 'two layers may import each other').toEqual([]);
  });

  it('the layer table names every top-level source folder, and every folder it names exists', () => {
    const folders = readdirSync(root).filter(
      (name) =>
        !name.startsWith('.') &&
        !outsideTheLayers.has(name) &&
        statSync(join(root, name)).isDirectory() &&
        sourceFiles(join(root, name)).length > 0,
    );
    expect(folders.sort()).toEqual(Object.keys(layers).sort());
  });

  it('every relative import names a file that exists', () => {
    expect(unresolved).toEqual([]);
  });

  it('every import of a project file goes to a folder its layer may import', () => {
    const upward: string[] = [];
    for (const [file, targets] of edges) {
      const from = topFolder(file);
      for (const target of targets) {
        const to = topFolder(target);
        if (to !== from && !layers[from]?.mayImport.includes(to))
          upward.push(`${relative(root, file)} → ${relative(root, target)}`);
      }
    }
    expect(upward).toEqual([]);
  });

  it('no files import each other in a circle', () => {
    const circles = circlesOf(edges).map((circle) => circle.map((file) => relative(root, file)));
    expect(circles).toEqual([]);
  });
});

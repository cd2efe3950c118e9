import { readdirSync, readFileSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import ts from 'typescript';

/**
 * The import graph of the product's own modules and the circles in it, read with the TypeScript compiler that
 * checks the code: `preProcessFile` lists every import and re-export (type-only ones too — a type import is a
 * dependency of the design even when it vanishes at run time), `resolveModuleName` resolves them with the
 * project's tsconfig, exactly as `tsc` does. madge would do the same through a second resolver (filing-cabinet)
 * and has not been released since 2024; this is the compiler already in the project.
 *
 * `npx tsx scripts/import-cycles.ts` prints the circles; the unit test `import-cycles.test.ts` fails on any.
 */
export const ROOTS = ['shared', 'functions', 'infra'];

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return entry.name === 'node_modules' ? [] : sourceFiles(path);
    return /\.tsx?$/.test(entry.name) && !entry.name.endsWith('.d.ts') ? [path] : [];
  });
}

/** Module → the project modules it imports, paths relative to `root`. */
export function importGraph(root: string, roots: string[] = ROOTS): Map<string, string[]> {
  const configPath = ts.findConfigFile(root, ts.sys.fileExists, 'tsconfig.json');
  const options = configPath ? ts.parseJsonConfigFileContent(ts.readConfigFile(configPath, ts.sys.readFile).config, ts.sys, root).options : {};
  const files = roots.flatMap((dir) => sourceFiles(resolve(root, dir)));
  const inScope = new Set(files);
  const graph = new Map<string, string[]>();
  for (const file of files) {
    const { importedFiles } = ts.preProcessFile(readFileSync(file, 'utf8'), true, true);
    const targets = new Set<string>();
    for (const { fileName } of importedFiles) {
      const resolved = ts.resolveModuleName(fileName, file, options, ts.sys).resolvedModule?.resolvedFileName;
      if (resolved && inScope.has(resolve(resolved))) targets.add(relative(root, resolve(resolved)));
    }
    graph.set(relative(root, file), [...targets].sort());
  }
  return graph;
}

/**
 * Every circle as one strongly connected component (Tarjan), each given as one concrete loop through it
 * (`a → b → c → a`), so a failure names a path to cut rather than a bag of files.
 */
export function importCycles(graph: Map<string, string[]>): string[][] {
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const components: string[][] = [];
  let counter = 0;
  const visit = (node: string) => {
    index.set(node, counter);
    low.set(node, counter++);
    stack.push(node);
    onStack.add(node);
    for (const next of graph.get(node) ?? []) {
      if (!index.has(next)) {
        visit(next);
        low.set(node, Math.min(low.get(node)!, low.get(next)!));
      } else if (onStack.has(next)) low.set(node, Math.min(low.get(node)!, index.get(next)!));
    }
    if (low.get(node) !== index.get(node)) return;
    const component: string[] = [];
    let member: string;
    do {
      member = stack.pop()!;
      onStack.delete(member);
      component.push(member);
    } while (member !== node);
    if (component.length > 1 || (graph.get(node) ?? []).includes(node)) components.push(component);
  };
  for (const node of [...graph.keys()].sort()) if (!index.has(node)) visit(node);
  return components.map((component) => loopThrough(graph, new Set(component)));
}

/** The shortest loop from the component's first module (alphabetically) back to itself, inside the component. */
function loopThrough(graph: Map<string, string[]>, members: Set<string>): string[] {
  const start = [...members].sort()[0]!;
  const previous = new Map<string, string>();
  const queue = [start];
  while (queue.length > 0) {
    const node = queue.shift()!;
    for (const next of graph.get(node) ?? []) {
      if (!members.has(next)) continue;
      if (next === start) {
        const path = [node];
        while (path[0] !== start) path.unshift(previous.get(path[0]!)!);
        return [...path, start];
      }
      if (!previous.has(next)) {
        previous.set(next, node);
        queue.push(next);
      }
    }
  }
  return [start, start];
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const cycles = importCycles(importGraph(process.cwd()));
  for (const cycle of cycles) console.log(cycle.join(' → '));
  console.log(cycles.length === 0 ? 'No import circles in shared/, functions/, infra/.' : `${cycles.length} import circle(s).`);
  process.exitCode = cycles.length === 0 ? 0 : 1;
}

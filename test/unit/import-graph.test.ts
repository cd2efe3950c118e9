import { describe, expect, it } from 'vitest';
import { importCycles, importGraph } from '../../scripts/import-cycles';

// The repository's own sources, read the way tsc resolves them (scripts/import-cycles.ts).
const graph = importGraph(process.cwd());

describe('import graph of shared/, functions/, infra/', () => {
  it('reads the modules and their imports', () => {
    expect(graph.size).toBeGreaterThan(100);
    expect(graph.get('shared/config/load.ts')).toContain('shared/config/schema.ts');
    // Type-only imports count: they are dependencies of the design even when they vanish at run time.
    expect(graph.get('shared/config/inboxes.ts')).toContain('shared/config/schema.ts');
  });

  it('has no circle', () => {
    expect(importCycles(graph).map((cycle) => cycle.join(' → '))).toEqual([]);
  });

  it('keeps the domain the ground floor: shared/domain imports nothing but shared/domain', () => {
    const outward = [...graph].flatMap(([from, targets]) => (from.startsWith('shared/domain/') ? targets.filter((to) => !to.startsWith('shared/domain/')).map((to) => `${from} → ${to}`) : []));
    expect(outward).toEqual([]);
  });
});

describe('the circle finder', () => {
  it('names one loop per circle and ignores what merely shares a dependency', () => {
    const sample = new Map([
      ['a.ts', ['b.ts']],
      ['b.ts', ['c.ts', 'd.ts']],
      ['c.ts', ['a.ts']],
      ['d.ts', []],
      ['e.ts', ['d.ts', 'e.ts']],
      ['f.ts', ['d.ts']],
    ]);
    expect(importCycles(sample)).toEqual([['a.ts', 'b.ts', 'c.ts', 'a.ts'], ['e.ts', 'e.ts']]);
  });
});

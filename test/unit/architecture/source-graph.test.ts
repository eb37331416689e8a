// The architecture tests pass only if their parser and loop finder see what is there, so both are checked here on
// small inputs: a parser that missed `require` or `typeof import` would let a loop through unnoticed.
import { moduleReferences, type ImportEdge } from './source-graph';
import { cyclicComponents, describeCycles } from './cycles';

const edge = (from: string, to: string, typeOnly = false): ImportEdge => ({ from, to, typeOnly });

describe('moduleReferences', () => {
  it('finds every form of import, marking those erased at compile time', () => {
    const text = [
      "import { a } from './value';",
      "import type { B } from './type-clause';",
      "import { type C, type D } from './type-specifiers';",
      "import './side-effect';",
      "export { e } from './re-export';",
      "export type { F } from './type-re-export';",
      "export * from './star';",
      "import g = require('./import-equals');",
      "const h = require('./require') as typeof import('./typeof-import');",
      "const i = () => import('./dynamic');",
      "let j: import('./import-type').J;",
      "const notAnImport = \"require('./in-a-string')\"; // import x from './in-a-comment'",
    ].join('\n');
    const references = moduleReferences('sample.ts', text);
    const specifiers = (typeOnly: boolean): string[] => references.filter((r) => r.typeOnly === typeOnly).map((r) => r.specifier);
    expect(references).toHaveLength(12);
    expect(specifiers(false)).toEqual(['./value', './side-effect', './re-export', './star', './import-equals', './require', './dynamic']);
    expect(specifiers(true)).toEqual(['./type-clause', './type-specifiers', './type-re-export', './typeof-import', './import-type']);
  });
});

describe('cyclicComponents', () => {
  it('finds loops of any length, self-imports included, and nothing in an acyclic graph', () => {
    const nodes = ['a', 'b', 'c', 'd', 'e', 'f'];
    const edges = [edge('a', 'b'), edge('b', 'c'), edge('c', 'a', true), edge('c', 'd'), edge('e', 'e'), edge('f', 'd')];
    expect(cyclicComponents(nodes, edges)).toEqual([['a', 'b', 'c'], ['e']]);
    expect(cyclicComponents(['x', 'y'], [edge('x', 'y')])).toEqual([]);
  });

  it('describes each loop as chains through its files, marking type-only steps', () => {
    const edges = [edge('a', 'b'), edge('b', 'a', true), edge('b', 'c'), edge('c', 'a')];
    const message = describeCycles(cyclicComponents(['a', 'b', 'c'], edges), edges);
    expect(message).toContain('Loop 1: 3 files (a, b, c)');
    expect(message).toContain('  a -> b -(type)-> a');
    expect(message).toContain('  c -> a -> b -> c');
  });
});

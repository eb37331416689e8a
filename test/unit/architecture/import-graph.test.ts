// The layers of the tree, checked on the sources: codecs/ (wire format) <- storage/ (the log on disk) <- src/ (the
// broker). A lower layer never imports a higher one, shipped code never imports tests, benchmarks or build tools,
// and no file is part of an import loop, type-only imports included: a loop of types is still a loop to untangle.
import { buildSourceGraph, findRepoRoot, type ImportEdge } from './source-graph';
import { cyclicComponents, describeCycles } from './cycles';

const root = findRepoRoot(__dirname);
const layeredFolders = ['codecs', 'storage', 'src'] as const;
const graph = buildSourceGraph(root, layeredFolders);

/** What each folder may not import: everything above it, and the folders that never ship. */
const forbiddenImports: Record<(typeof layeredFolders)[number], readonly string[]> = {
  codecs: ['storage', 'src', 'test', 'bench', 'build'],
  storage: ['src', 'test', 'bench', 'build'],
  src: ['test', 'bench', 'build'],
};

const topFolder = (file: string): string => file.split('/')[0];

function describeEdge(edge: ImportEdge): string {
  return `${edge.from} imports ${edge.to}${edge.typeOnly ? ' (type only)' : ''}`;
}

describe('import graph of codecs/, storage/ and src/', () => {
  it('finds the sources and resolves every relative import to a file', () => {
    expect(graph.files.length).toBeGreaterThan(100);
    expect([...new Set(graph.files.map(topFolder))].sort()).toEqual([...layeredFolders].sort());
    expect(graph.unresolved).toEqual([]);
  });

  it('has no import loops', () => {
    const loops = cyclicComponents(graph.files, graph.edges);
    if (loops.length > 0) throw new Error(describeCycles(loops, graph.edges));
  });

  it('keeps the layers: codecs/ <- storage/ <- src/, and nothing shipped imports test/, bench/ or build/', () => {
    const crossings = graph.edges.filter((edge) => {
      const forbidden = forbiddenImports[topFolder(edge.from) as keyof typeof forbiddenImports];
      return forbidden.includes(topFolder(edge.to));
    });
    if (crossings.length > 0) {
      throw new Error(
        `${crossings.length} import(s) reach a higher layer or unshipped code:\n` + crossings.map((edge) => `  ${describeEdge(edge)}`).join('\n'),
      );
    }
  });
});

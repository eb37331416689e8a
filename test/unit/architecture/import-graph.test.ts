// The layers of the tree, checked on the sources: codecs/ (wire format) <- storage/ (the log on disk) <- src/ (the
// broker), and inside src/ the order ARCHITECTURE.md draws. A lower layer never imports a higher one, shipped code
// never imports tests, benchmarks or build tools, and no file is part of an import loop, type-only imports
// included: a loop of types is still a loop to untangle.
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

/**
 * The layers inside src/, top first, as ARCHITECTURE.md draws them: a file imports only from its own folder or a
 * lower level. A new folder or top-level file of src/ has to be placed here, which is the point.
 */
const srcLevels: readonly (readonly string[])[] = [
  ['src/cli.ts', 'src/index.ts'],
  ['src/cli-args.ts'],
  ['src/tools'],
  ['src/client'],
  ['src/http'],
  ['src/broker'],
  ['src/network'],
  ['src/api'],
  ['src/security'],
  ['src/transactions'],
  ['src/groups'],
  ['src/topics'],
  ['src/config'],
  ['src/metrics'],
  ['src/logger.ts'],
];

/** The folder directly under src/ that holds a file, or the file itself when it sits in src/. */
const srcUnit = (file: string): string => file.split('/').slice(0, 2).join('/');
const srcLevel = (unit: string): number => srcLevels.findIndex((level) => level.includes(unit));

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

  it(`keeps the order inside src/: ${srcLevels.map((level) => level.map((unit) => unit.slice(4)).join(' ')).join(' > ')}`, () => {
    const units = [...new Set(graph.files.filter((file) => topFolder(file) === 'src').map(srcUnit))];
    expect(units.filter((unit) => srcLevel(unit) < 0)).toEqual([]);
    const upward = graph.edges.filter((edge) => {
      if (topFolder(edge.from) !== 'src' || topFolder(edge.to) !== 'src') return false;
      const from = srcUnit(edge.from);
      const to = srcUnit(edge.to);
      return from !== to && srcLevel(to) <= srcLevel(from);
    });
    if (upward.length > 0) {
      throw new Error(`${upward.length} import(s) inside src/ go up or sideways:\n` + upward.map((edge) => `  ${describeEdge(edge)}`).join('\n'));
    }
  });
});

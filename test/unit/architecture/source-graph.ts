// Reads the project's TypeScript sources (not dist/) and builds the graph of which file imports which, so the
// architecture tests can check for import loops and for a lower layer reaching into a higher one. The tests run
// from dist/ like every other test, so the sources are found by walking up to the repository root.
import * as fs from 'fs';
import * as path from 'path';
import * as ts from 'typescript';

/** One import of one module by another, as written in the importing file. */
export interface ImportEdge {
  from: string;
  to: string;
  /** True when every import between the two files is erased at compile time (`import type`, `typeof import`). */
  typeOnly: boolean;
}

export interface SourceGraph {
  /** Repository-relative paths with forward slashes, sorted. */
  files: string[];
  /** Resolved imports between files of the graph, one per (from, to) pair. */
  edges: ImportEdge[];
  /** Relative specifiers that name no file (`file: specifier`): a parse gap or a broken import. */
  unresolved: string[];
}

/** The folder holding package.json and tsconfig.json above `start` (dist/ has neither). */
export function findRepoRoot(start: string): string {
  let dir = start;
  while (!(fs.existsSync(path.join(dir, 'package.json')) && fs.existsSync(path.join(dir, 'tsconfig.json')))) {
    const parent = path.dirname(dir);
    if (parent === dir) throw new Error(`no package.json with tsconfig.json above ${start}`);
    dir = parent;
  }
  return dir;
}

/** Every .ts file under the given repository-relative folders, skipping declaration files. */
export function listTsFiles(root: string, folders: readonly string[]): string[] {
  const found: string[] = [];
  const walk = (relDir: string): void => {
    for (const entry of fs.readdirSync(path.join(root, relDir), { withFileTypes: true })) {
      const rel = `${relDir}/${entry.name}`;
      if (entry.isDirectory()) {
        if (entry.name !== 'node_modules') walk(rel);
      } else if (entry.name.endsWith('.ts') && !entry.name.endsWith('.d.ts')) {
        found.push(rel);
      }
    }
  };
  for (const folder of folders) {
    if (fs.existsSync(path.join(root, folder))) walk(folder);
  }
  return found.sort();
}

interface ModuleReference {
  specifier: string;
  typeOnly: boolean;
}

function isTypeOnlyImport(node: ts.ImportDeclaration): boolean {
  const clause = node.importClause;
  if (!clause) return false; // `import './x'` runs the module
  if (clause.isTypeOnly) return true;
  if (clause.name) return false;
  const bindings = clause.namedBindings;
  if (!bindings || !ts.isNamedImports(bindings) || bindings.elements.length === 0) return false;
  return bindings.elements.every((element) => element.isTypeOnly);
}

function isTypeOnlyExport(node: ts.ExportDeclaration): boolean {
  if (node.isTypeOnly) return true;
  const clause = node.exportClause;
  if (!clause || !ts.isNamedExports(clause) || clause.elements.length === 0) return false;
  return clause.elements.every((element) => element.isTypeOnly);
}

function stringArgument(call: ts.CallExpression): string | undefined {
  const first = call.arguments[0];
  return first && ts.isStringLiteralLike(first) ? first.text : undefined;
}

/**
 * Every module a source file names: static imports and re-exports, `import x = require()`, `require('...')`,
 * `import('...')` and `import('...')` types. A type-only import still counts: a loop of types is a loop for a reader.
 */
export function moduleReferences(fileName: string, text: string): ModuleReference[] {
  const source = ts.createSourceFile(fileName, text, ts.ScriptTarget.Latest, false, ts.ScriptKind.TS);
  const references: ModuleReference[] = [];
  const visit = (node: ts.Node): void => {
    if (ts.isImportDeclaration(node) && ts.isStringLiteralLike(node.moduleSpecifier)) {
      references.push({ specifier: node.moduleSpecifier.text, typeOnly: isTypeOnlyImport(node) });
    } else if (ts.isExportDeclaration(node) && node.moduleSpecifier && ts.isStringLiteralLike(node.moduleSpecifier)) {
      references.push({ specifier: node.moduleSpecifier.text, typeOnly: isTypeOnlyExport(node) });
    } else if (ts.isImportEqualsDeclaration(node) && ts.isExternalModuleReference(node.moduleReference)) {
      const expression = node.moduleReference.expression;
      if (ts.isStringLiteralLike(expression)) {
        references.push({ specifier: expression.text, typeOnly: node.isTypeOnly });
      }
    } else if (ts.isCallExpression(node)) {
      const isRequire = ts.isIdentifier(node.expression) && node.expression.text === 'require';
      const isDynamicImport = node.expression.kind === ts.SyntaxKind.ImportKeyword;
      const specifier = isRequire || isDynamicImport ? stringArgument(node) : undefined;
      if (specifier !== undefined) references.push({ specifier, typeOnly: false });
    } else if (ts.isImportTypeNode(node)) {
      const argument = node.argument;
      if (ts.isLiteralTypeNode(argument) && ts.isStringLiteralLike(argument.literal)) {
        references.push({ specifier: argument.literal.text, typeOnly: true });
      }
    }
    ts.forEachChild(node, visit);
  };
  visit(source);
  return references;
}

/**
 * The file a relative specifier names, as Node's resolution of a compiled .ts file would find it. A specifier
 * written for the compiled file's place in dist/ (`require('../../package.json')` from src/cli.ts) resolves from
 * there when it names nothing from the source's place.
 */
function resolveRelative(root: string, fromFile: string, specifier: string): string | undefined {
  const fromSource = path.posix.normalize(path.posix.join(path.posix.dirname(fromFile), specifier));
  const fromCompiled = path.posix.normalize(path.posix.join('dist', path.posix.dirname(fromFile), specifier));
  const bases = fromCompiled.startsWith('dist/') ? [fromSource] : [fromSource, fromCompiled];
  const candidates = bases.flatMap((base) => [`${base}.ts`, `${base}/index.ts`, base, `${base}.js`, `${base}.json`]);
  return candidates.find((candidate) => {
    const absolute = path.join(root, candidate);
    return !candidate.startsWith('../') && fs.existsSync(absolute) && fs.statSync(absolute).isFile();
  });
}

/** The import graph of every .ts file under `folders`; imports of packages and Node built-ins are left out. */
export function buildSourceGraph(root: string, folders: readonly string[]): SourceGraph {
  const files = listTsFiles(root, folders);
  const edgesByPair = new Map<string, ImportEdge>();
  const unresolved: string[] = [];
  for (const file of files) {
    const text = fs.readFileSync(path.join(root, file), 'utf8');
    for (const reference of moduleReferences(file, text)) {
      if (!reference.specifier.startsWith('.')) continue;
      const target = resolveRelative(root, file, reference.specifier);
      if (target === undefined) {
        unresolved.push(`${file}: '${reference.specifier}'`);
        continue;
      }
      const key = `${file}\0${target}`;
      const known = edgesByPair.get(key);
      if (known) known.typeOnly = known.typeOnly && reference.typeOnly;
      else edgesByPair.set(key, { from: file, to: target, typeOnly: reference.typeOnly });
    }
  }
  return { files, edges: [...edgesByPair.values()], unresolved };
}

// Runs, in the start bundle, a module that build/start-bundle.ts left out of it: Eddy's modules that a start does
// not run (the codecs and handlers of every API but ApiVersions, the group and transaction code, the HTTP routes...)
// are ~2/3 of the code, and a start would read and hold their text for nothing. Each stays in the bundle as a stub
// that, on its first require, runs the compiled file (dist/...) with a require() that answers the file's literal
// requires from the bundle: one instance of every module, so the classes a bundled module checks with instanceof
// (ProtocolDecodeError in src/network/connection.ts, say) are the ones a module left out throws.
import * as fs from 'fs';
import * as path from 'path';
import * as vm from 'vm';
import Module = require('module');

/** The file's literal requires, each resolved by esbuild into the bundle (a bundled module or another stub). */
export type BundledRequires = Readonly<Record<string, () => unknown>>;

/** The stub's module: the file runs with the stub's module and exports objects, so a circular require sees its exports. */
interface StubModule {
  exports: unknown;
}

const PARAMETERS = ['exports', 'require', 'module', '__filename', '__dirname'];

/**
 * Runs `file` (relative to the bundle's directory, `bundleDir`) as the module of its stub. A require the bundle
 * does not answer (a computed one: the optional compression packages) is Node's, from the file's own place, as
 * when the compiled files run without the bundle.
 */
export function runOutOfBundle(module: StubModule, bundleDir: string, file: string, requires: BundledRequires): void {
  const filename = path.join(bundleDir, file);
  const body = vm.compileFunction(fs.readFileSync(filename, 'utf8'), PARAMETERS, {
    filename,
    importModuleDynamically: vm.constants?.USE_MAIN_CONTEXT_DEFAULT_LOADER,
  });
  const nodeRequire = Module.createRequire(filename);
  const fileRequire = Object.assign((id: string): unknown => (Object.hasOwn(requires, id) ? requires[id]() : nodeRequire(id)), {
    resolve: nodeRequire.resolve,
    cache: nodeRequire.cache,
    main: nodeRequire.main,
    extensions: nodeRequire.extensions,
  });
  body.call(module.exports, module.exports, fileRequire, module, filename, path.dirname(filename));
}

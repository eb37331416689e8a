// Writes the web console into dist/console/: index.html, app.js and app.css, bundled by esbuild from the TSX
// sources in src/http/ui/ (preact components, uPlot charts). Everything the browser loads comes from the broker's
// own HTTP port, so the console works offline and behind firewalls, with no CDN. The sources are type-checked
// separately (`tsc -p src/http/ui`, in `npm run build`): esbuild only strips types.
// Run after tsc: `node dist/build/console-bundle.js` (part of `npm run build` and of the Dockerfile).
import * as fs from 'fs';
import * as path from 'path';
import * as esbuild from 'esbuild';

export const CONSOLE_DIR = path.join('dist', 'console');
export const CONSOLE_ENTRY = path.join('src', 'http', 'ui', 'main.tsx');

/** The page that loads the bundle; the console routes itself by the URL's hash, so this one page serves them all. */
export const INDEX_HTML = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Eddy console</title>
<link rel="stylesheet" href="app.css">
</head>
<body>
<div id="app"></div>
<script src="app.js"></script>
</body>
</html>
`;

/** Minified for the browser; CSS imported by the sources (uPlot's own included) lands in app.css beside app.js. */
export function consoleBundleOptions(root: string): esbuild.BuildOptions & { metafile: true } {
  return {
    absWorkingDir: root,
    entryPoints: [path.join(root, CONSOLE_ENTRY)],
    outfile: path.join(root, CONSOLE_DIR, 'app.js'),
    bundle: true,
    platform: 'browser',
    format: 'iife',
    target: ['chrome110', 'firefox110', 'safari16'],
    jsx: 'automatic',
    jsxImportSource: 'preact',
    minify: true,
    charset: 'utf8',
    tsconfig: path.join(root, 'src', 'http', 'ui', 'tsconfig.json'),
    metafile: true,
    logLevel: 'warning',
  };
}

/** Builds the console; returns the files written with their sizes. */
export function buildConsole(root: string): { file: string; bytes: number }[] {
  const dir = path.join(root, CONSOLE_DIR);
  fs.rmSync(dir, { recursive: true, force: true });
  fs.mkdirSync(dir, { recursive: true });
  esbuild.buildSync(consoleBundleOptions(root));
  fs.writeFileSync(path.join(dir, 'index.html'), INDEX_HTML);
  return fs
    .readdirSync(dir)
    .sort()
    .map((name) => ({ file: path.join(CONSOLE_DIR, name), bytes: fs.statSync(path.join(dir, name)).size }));
}

function main(): void {
  const root = path.resolve(__dirname, '..', '..');
  const files = buildConsole(root);
  process.stdout.write(`${CONSOLE_DIR}: ${files.map(({ file, bytes }) => `${path.basename(file)} ${bytes} bytes`).join(', ')}\n`);
}

if (require.main === module) main();

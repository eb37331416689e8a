// A file past 600 lines holds more than one idea and is hard to review; the project keeps hand-written files under
// 500 where it can and fails the build at 600. Generated codecs are exempt: their length follows the Kafka specs.
import * as fs from 'fs';
import * as path from 'path';
import { findRepoRoot, listTsFiles } from './source-graph';

const maxLines = 600;
const root = findRepoRoot(__dirname);
const handWrittenFolders = ['src', 'storage', 'codecs', 'build', 'bench', 'test'];
const generatedFolder = 'codecs/generated/';

function lineCount(text: string): number {
  if (text.length === 0) return 0;
  const breaks = text.split('\n').length - 1;
  return text.endsWith('\n') ? breaks : breaks + 1;
}

describe('file length', () => {
  it(`keeps every hand-written .ts file at ${maxLines} lines or fewer`, () => {
    const files = listTsFiles(root, handWrittenFolders).filter((file) => !file.startsWith(generatedFolder));
    expect(files.length).toBeGreaterThan(100);
    const tooLong = files
      .map((file) => ({ file, lines: lineCount(fs.readFileSync(path.join(root, file), 'utf8')) }))
      .filter(({ lines }) => lines > maxLines)
      .sort((a, b) => b.lines - a.lines);
    if (tooLong.length > 0) {
      throw new Error(`${tooLong.length} file(s) over ${maxLines} lines:\n` + tooLong.map(({ file, lines }) => `  ${file}: ${lines} lines`).join('\n'));
    }
  });
});

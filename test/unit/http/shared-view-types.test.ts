// The console's answer shapes are defined once, in files the server and the browser UI both type-check against
// (src/http/console/*-view-types.ts). The UI is bundled for the browser, so those files must stay free of imports:
// one would pull server code (or Node's modules) into the UI's type-check and bundle.
import * as fs from 'fs';
import * as path from 'path';

const CONSOLE_DIR = path.resolve(__dirname, '..', '..', '..', '..', 'src', 'http', 'console');
const SHARED = ['console-view-types.ts', 'record-view-types.ts'];

describe('shapes shared by the server and the web UI', () => {
  test.each(SHARED)('%s imports nothing', (name) => {
    const source = fs.readFileSync(path.join(CONSOLE_DIR, name), 'utf8');
    expect(source).not.toMatch(/^\s*import\b|\brequire\(|^\s*export .* from /m);
  });

  test('the UI takes the overview, topic, group and live shapes from the shared file', () => {
    const api = fs.readFileSync(path.resolve(CONSOLE_DIR, '..', 'ui', 'api.tsx'), 'utf8');
    for (const name of ['OverviewView', 'TopicStatsView', 'ConsumerGroupView', 'ConsumerView', 'LagView', 'LagSummaryView', 'LiveStatsEvent']) {
      expect(api).toContain(name);
    }
    expect(api).not.toMatch(/export interface (Overview|TopicStats|ConsumerGroup|Consumer|Lag|LagSummary|LiveSample) \{/);
  });
});

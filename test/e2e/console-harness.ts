// What the console's browser tests share: a broker with its HTTP server on a free port, the console built into
// dist/console (built here when the tree was compiled with tsc alone), and Debian's chromium driven by
// playwright-core, one browser per test file. Without chromium the tests are skipped with the reason, except in CI
// (CI=true), where .ci/run installs it and its absence is a failure.
import * as fs from 'fs';
import * as path from 'path';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { buildConsole } from '../../build/console-bundle';
import type { Broker } from '../../src/broker/broker';
import { startHttpServer, type RunningHttpServer } from '../../src/http/http-server';
import { CONSOLE_ASSETS_DIR } from '../../src/http/routes/ui';
import { silentLogger } from '../../src/logger';
import { removeDir, startInProcess } from '../helpers/broker';

export const CHROMIUM_PATH = process.env.EDDY_CHROMIUM ?? '/usr/bin/chromium';

/** Why the browser tests cannot run here, or null when they can (in CI they always must). */
export function browserSkipReason(): string | null {
  if (fs.existsSync(CHROMIUM_PATH) || process.env.CI === 'true') return null;
  return `no chromium at ${CHROMIUM_PATH} (apt-get install -y chromium, or set EDDY_CHROMIUM): console browser tests skipped`;
}

/** dist/console, built from src/http/ui when missing. */
export function ensureConsoleBuilt(): void {
  if (fs.existsSync(path.join(CONSOLE_ASSETS_DIR, 'index.html'))) return;
  buildConsole(path.resolve(CONSOLE_ASSETS_DIR, '..', '..'));
}

export interface ConsoleSession {
  readonly broker: Broker;
  readonly bootstrap: string;
  /** The console's base URL, e.g. http://127.0.0.1:41234 */
  readonly url: string;
  readonly browser: Browser;
  readonly context: BrowserContext;
  readonly page: Page;
  close(): Promise<void>;
}

/** Starts a broker, its HTTP server and a browser page; the page's clock zone is UTC so typed times are UTC. */
export async function openConsole(overrides: Record<string, string> = {}): Promise<ConsoleSession> {
  ensureConsoleBuilt();
  const { broker, dataDir, bootstrap } = await startInProcess(undefined, overrides);
  let http: RunningHttpServer | null = null;
  let browser: Browser | undefined;
  try {
    http = await startHttpServer(broker, { host: '127.0.0.1', port: 0 }, silentLogger());
    if (http === null) throw new Error('the HTTP server did not start');
    browser = await chromium.launch({ executablePath: CHROMIUM_PATH, args: ['--no-sandbox'] });
    const context = await browser.newContext({ timezoneId: 'UTC', acceptDownloads: true, viewport: { width: 1280, height: 900 } });
    context.setDefaultTimeout(15_000);
    const page = await context.newPage();
    const running = http;
    const opened = browser;
    return {
      broker,
      bootstrap,
      url: http.url,
      browser,
      context,
      page,
      close: async () => {
        await opened.close();
        await running.close();
        await broker.stop();
        removeDir(dataDir);
      },
    };
  } catch (err) {
    await browser?.close();
    await http?.close();
    await broker.stop();
    removeDir(dataDir);
    throw err;
  }
}

/** A UTC time as a datetime-local input takes it (the page runs in UTC). */
export function dateTimeLocal(ms: number): string {
  return new Date(ms).toISOString().slice(0, 23);
}

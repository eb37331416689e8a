// The C latency probe (native/latency-probe.c): librdkafka producer and consumer in one process without an
// interpreter in between, compiled at bench time like the mock cluster.
import * as fs from 'fs';
import * as path from 'path';
import { execFileSync } from 'child_process';
import { REPO_ROOT } from './targets';
import { spawnTracked } from './processes';

const BUILD_DIR = path.join(REPO_ROOT, 'bench', '.build');
const SOURCE = path.join(REPO_ROOT, 'bench', 'native', 'latency-probe.c');
const BINARY = path.join(BUILD_DIR, 'latency-probe');

/** Compiles the probe when missing or older than its source; null (with the reason) when it cannot be built. */
export function buildLatencyProbe(): { binary: string } | { error: string } {
  fs.mkdirSync(BUILD_DIR, { recursive: true });
  const fresh = fs.existsSync(BINARY) && fs.statSync(BINARY).mtimeMs >= fs.statSync(SOURCE).mtimeMs;
  if (fresh) return { binary: BINARY };
  try {
    execFileSync('cc', ['-O2', '-o', BINARY, SOURCE, '-lrdkafka', '-lpthread'], { stdio: 'pipe' });
    return { binary: BINARY };
  } catch (err) {
    const stderr = (err as { stderr?: Buffer }).stderr?.toString() ?? String(err);
    return { error: `building the C latency probe failed (needs cc and librdkafka-dev): ${stderr.trim()}` };
  }
}

export interface ProbeJob {
  readonly bootstrap: string;
  readonly topic: string;
  readonly rate: number;
  readonly seconds: number;
  readonly warmupSeconds: number;
  readonly size: number;
  readonly fetchWaitMs: number;
}

export interface ProbeResult {
  readonly p50: number;
  readonly p99: number;
  readonly p999: number;
  readonly max: number;
  readonly rate: number;
  readonly samples: number;
}

/** Runs the probe once; rejects when it fails or prints no result. */
export function runLatencyProbe(binary: string, job: ProbeJob): Promise<ProbeResult> {
  const args = [job.bootstrap, job.topic, job.rate, job.seconds, job.warmupSeconds, job.size, job.fetchWaitMs].map(String);
  const child = spawnTracked(binary, args);
  let out = '';
  let err = '';
  child.stdout?.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr?.on('data', (d: Buffer) => (err += d.toString()));
  return new Promise((resolve, reject) => {
    child.once('error', reject);
    child.once('exit', (code) => {
      const line = out.trim().split('\n').pop() ?? '';
      if (code !== 0 || line === '') {
        reject(new Error(`latency probe exited with ${code}: ${err.trim().slice(-500)}`));
        return;
      }
      resolve(JSON.parse(line) as ProbeResult);
    });
  });
}

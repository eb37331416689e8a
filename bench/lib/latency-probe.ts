// The C latency probe (native/latency-probe.c): librdkafka producer and consumer in one process without an
// interpreter in between, compiled at bench time like the mock cluster.
import { buildNative } from './native-build';
import { spawnTracked } from './processes';

/** Compiles the probe when missing or older than its source; the reason when it cannot be built. */
export function buildLatencyProbe(): { binary: string } | { error: string } {
  const built = buildNative('latency-probe', { libs: ['-lrdkafka', '-lpthread'] });
  return 'error' in built ? { error: `building the C latency probe failed (needs cc and librdkafka-dev): ${built.error}` } : built;
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

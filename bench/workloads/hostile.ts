// Memory under hostile load: Eddy's RSS while clients send malformed frames and invalid requests (each makes the
// broker drop the connection), sampled over time on 127.0.0.1. Figures: idle RSS; a burst of 20,000 such
// requests, its peak and what remains once it settled; then a soak of continuous hostile load for a fixed time
// budget, its peak and its drift (the last quarter's median minus the first quarter's), which a leak would make
// grow with the budget. Every loop is bounded in count and in time and stops by itself.
import * as net from 'net';
import type { BenchContext } from '../lib/context';
import { hostileFrame, kindAt, summariseRss } from '../lib/hostile-frames';
import { rssBytes } from '../lib/proc-stats';
import { record, section, Section } from '../lib/results';
import { startEddy } from '../lib/targets';

const MB = 1024 * 1024;
const SAMPLE_EVERY_MS = 200;
/** Clients sending at once: each sends one hostile frame per connection, then reconnects. */
const CLIENTS = 8;
/** A connection the broker has not closed this long after its frame is dropped by the client. */
const CLOSE_WAIT_MS = 2000;
/** The plateau this section showed on Node 20 (peak RSS above idle, about 51 MB), with room for machine noise. */
const BOUND_ABOVE_IDLE_MB = 64;

export interface HostilePlan {
  readonly burstRequests: number;
  readonly burstMaxMs: number;
  readonly settleMs: number;
  readonly soakMs: number;
}

export function hostilePlan(quick: boolean): HostilePlan {
  return quick
    ? { burstRequests: 5000, burstMaxMs: 30_000, settleMs: 5000, soakMs: 15_000 }
    : { burstRequests: 20_000, burstMaxMs: 120_000, settleMs: 15_000, soakMs: 120_000 };
}

export function hostileSection(): Section {
  return section('hostile', 'Memory under hostile load (malformed and invalid requests, each closing its connection)', [{ key: 'eddy', label: 'Eddy' }]);
}

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** RSS of `pid` every SAMPLE_EVERY_MS until stopped. */
function sampler(pid: number): { samples: number[]; stop: () => number[] } {
  const samples: number[] = [];
  const take = (): void => {
    const rss = rssBytes(pid);
    if (rss !== undefined) samples.push(rss);
  };
  take();
  const timer = setInterval(take, SAMPLE_EVERY_MS);
  return {
    samples,
    stop: () => {
      clearInterval(timer);
      take();
      return samples;
    },
  };
}

/** Connects, sends one frame and waits for the broker to close the connection (or gives up after CLOSE_WAIT_MS). */
function sendOne(port: number, frame: Buffer): Promise<void> {
  return new Promise((resolve) => {
    const socket = net.connect(port, '127.0.0.1');
    const timer = setTimeout(() => socket.destroy(), CLOSE_WAIT_MS);
    socket.on('connect', () => socket.write(frame));
    socket.on('data', () => undefined);
    socket.on('error', () => undefined);
    socket.on('close', () => {
      clearTimeout(timer);
      resolve();
    });
  });
}

/** Sends up to `count` hostile frames from CLIENTS clients, for at most `maxMs`; returns how many were sent. */
async function hostileLoad(port: number, count: number, maxMs: number): Promise<number> {
  const deadline = Date.now() + maxMs;
  let next = 0;
  const client = async (): Promise<void> => {
    while (next < count && Date.now() < deadline) {
      const n = next++;
      await sendOne(port, hostileFrame(kindAt(n), n));
    }
  };
  await Promise.all(Array.from({ length: CLIENTS }, client));
  return next;
}

const toMb = (bytes: number): number => bytes / MB;

export async function runHostile(ctx: BenchContext, out: Section): Promise<void> {
  const plan = hostilePlan(ctx.quick);
  const runs = ctx.quick ? 1 : Math.max(1, Math.min(ctx.runs, 3));
  for (let r = 0; r < runs; r++) {
    ctx.progress(`hostile run ${r + 1}/${runs}`);
    const eddy = await startEddy({ workDir: ctx.workDir, label: `hostile-${r}`, admin: ctx.kafkajs });
    const port = Number(eddy.bootstrap.split(':')[1]);
    try {
      await sleep(2000);
      const idle = sampler(eddy.pid);
      await sleep(2000);
      const idleRss = summariseRss(idle.stop()).last;
      record(out, 'idle RSS', 'MB', 'eddy', toMb(idleRss));

      const burst = sampler(eddy.pid);
      const burstStart = Date.now();
      const sent = await hostileLoad(port, plan.burstRequests, plan.burstMaxMs);
      const burstMs = Date.now() - burstStart;
      record(out, `burst of ${plan.burstRequests} malformed requests: requests sent`, 'count', 'eddy', sent);
      record(out, 'burst: requests/s', 'req/s', 'eddy', (sent * 1000) / burstMs);
      record(out, 'burst: peak RSS', 'MB', 'eddy', toMb(summariseRss(burst.stop()).peak));
      const settle = sampler(eddy.pid);
      await sleep(plan.settleMs);
      record(out, `burst: RSS ${plan.settleMs / 1000} s after it`, 'MB', 'eddy', toMb(summariseRss(settle.stop()).last));

      const soak = sampler(eddy.pid);
      const soakSent = await hostileLoad(port, Number.MAX_SAFE_INTEGER, plan.soakMs);
      const soakRss = summariseRss(soak.stop());
      record(out, `soak, ${plan.soakMs / 1000} s of malformed requests: requests sent`, 'count', 'eddy', soakSent);
      record(out, 'soak: peak RSS', 'MB', 'eddy', toMb(soakRss.peak));
      record(out, 'soak: peak RSS above idle', 'MB', 'eddy', toMb(soakRss.peak - idleRss));
      record(out, 'soak: drift (last quarter - first quarter, median RSS)', 'MB', 'eddy', toMb(soakRss.drift));
      const after = sampler(eddy.pid);
      await sleep(plan.settleMs);
      record(out, `soak: RSS ${plan.settleMs / 1000} s after it`, 'MB', 'eddy', toMb(summariseRss(after.stop()).last));
    } finally {
      await eddy.stop();
    }
  }
  out.notes.push(
    `Bound: the live JS heap after a full GC stays at its idle size (about 7 MB) however long the load runs; RSS grows while V8 enlarges its young generation (up to two 16 MB semi-spaces on Node 20) and old-space pages under the allocation rate, so it plateaus about ${BOUND_ABOVE_IDLE_MB} MB above idle at most and does not grow with the soak's length; V8 returns part of it only after it has been idle a while.`,
    `Hostile load: ${CLIENTS} clients on 127.0.0.1, each connecting, sending one malformed frame (garbage body, unknown API, unsupported version, short header, oversized or negative size prefix, in turn) and waiting for the broker to close; RSS sampled every ${SAMPLE_EVERY_MS} ms.`,
  );
}

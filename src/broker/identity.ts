// The broker's stable identity, kept in `<dataDir>/meta.properties` as Kafka's KRaft brokers do: the cluster id
// is generated once (a base64url UUID, 22 characters) and the node id must match on later starts.
import * as fs from 'fs';
import { promises as fsp } from 'fs';
import * as path from 'path';
import type * as Crypto from 'crypto';

export interface ClusterIdentity {
  readonly clusterId: string;
  readonly nodeId: number;
}

export class IdentityMismatchError extends Error {}

function parseProperties(text: string): Map<string, string> {
  const out = new Map<string, string>();
  for (const line of text.split(/\r?\n/)) {
    const trimmed = line.trim();
    if (trimmed === '' || trimmed.startsWith('#')) continue;
    const eq = trimmed.indexOf('=');
    if (eq > 0) out.set(trimmed.slice(0, eq).trim(), trimmed.slice(eq + 1).trim());
  }
  return out;
}

function newClusterId(): string {
  return randomBytes16().toString('base64url');
}

/**
 * 16 random bytes from the kernel's source where there is one (three system calls), else from crypto, whose ~36
 * built-in modules a start otherwise does without: a first start makes a cluster id before its first answer.
 */
function randomBytes16(): Buffer {
  const bytes = Buffer.alloc(16);
  try {
    const fd = fs.openSync('/dev/urandom', 'r');
    try {
      if (fs.readSync(fd, bytes, 0, bytes.length, null) === bytes.length) return bytes;
    } finally {
      fs.closeSync(fd);
    }
  } catch {
    // No /dev/urandom (Windows): crypto below.
  }
  return (require('crypto') as typeof Crypto).randomBytes(bytes.length);
}

/**
 * Reads meta.properties, or creates it (atomically) on the first start of a data directory. The identity is known
 * at once; `persisted` resolves once a new file is durably in place: its write, fsync and rename run in the thread
 * pool while the broker opens its logs, instead of holding the start for an fsync (a journal commit, milliseconds).
 */
export function loadOrCreateIdentity(dataDir: string, nodeId: number): { identity: ClusterIdentity; persisted: Promise<void> } {
  const file = path.join(dataDir, 'meta.properties');
  if (fs.existsSync(file)) {
    const props = parseProperties(fs.readFileSync(file, 'utf8'));
    const clusterId = props.get('cluster.id');
    const storedNode = Number(props.get('node.id'));
    if (!clusterId || !Number.isInteger(storedNode)) {
      throw new IdentityMismatchError(`${file} is missing cluster.id or node.id`);
    }
    if (storedNode !== nodeId) {
      throw new IdentityMismatchError(`${file} belongs to node ${storedNode}, but node.id is ${nodeId}`);
    }
    return { identity: { clusterId, nodeId }, persisted: Promise.resolve() };
  }
  // Made here, synchronously: the rest of the start (dynamic configs, the logs) writes into it while the identity's
  // own write goes on in the thread pool.
  fs.mkdirSync(dataDir, { recursive: true });
  const identity = { clusterId: newClusterId(), nodeId };
  const text = `#Written by Eddy at first start\nversion=1\ncluster.id=${identity.clusterId}\nnode.id=${nodeId}\n`;
  return { identity, persisted: writeDurably(file, text) };
}

async function writeDurably(file: string, text: string): Promise<void> {
  const tmp = `${file}.tmp`;
  const handle = await fsp.open(tmp, 'w');
  try {
    await handle.writeFile(text);
    await handle.sync();
  } finally {
    await handle.close();
  }
  await fsp.rename(tmp, file);
}

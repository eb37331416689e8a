// The broker's stable identity, kept in `<dataDir>/meta.properties` as Kafka's KRaft brokers do: the cluster id
// is generated once (a base64url UUID, 22 characters) and the node id must match on later starts.
import * as fs from 'fs';
import * as path from 'path';
import { randomBytes } from 'crypto';

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
  return randomBytes(16).toString('base64url');
}

/** Reads meta.properties, or creates it (atomically) on the first start of a data directory. */
export function loadOrCreateIdentity(dataDir: string, nodeId: number): ClusterIdentity {
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
    return { clusterId, nodeId };
  }
  fs.mkdirSync(dataDir, { recursive: true });
  const identity = { clusterId: newClusterId(), nodeId };
  const text = `#Written by Eddy at first start\nversion=1\ncluster.id=${identity.clusterId}\nnode.id=${nodeId}\n`;
  const tmp = `${file}.tmp`;
  fs.writeFileSync(tmp, text);
  const fd = fs.openSync(tmp, 'r');
  fs.fsyncSync(fd);
  fs.closeSync(fd);
  fs.renameSync(tmp, file);
  return identity;
}

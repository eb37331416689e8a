// The tools' view of a cluster: a bootstrap connection, one connection per broker node learnt from Metadata (for
// requests that must reach a partition's leader or a group's coordinator), and for each connection the version of
// every API chosen by ApiVersions: the highest that both the broker and Eddy's codecs support.
import type { MetadataResponse } from '../../codecs/generated/MetadataResponse';
import { ErrorCode } from '../../codecs/protocol/errors';
import { Apis, type ToolApi } from './apis';
import { BrokerConnection, formatAddress, type BrokerAddress } from './connection';
import { BrokerUnreachableError, checkErrorCode, ClientProtocolError, KafkaResponseError } from './errors';

export interface VersionRange {
  readonly min: number;
  readonly max: number;
}

/** A connection and the API versions its broker announced. */
export interface BrokerSession {
  readonly connection: BrokerConnection;
  readonly versions: ReadonlyMap<number, VersionRange>;
}

export interface ClientOptions {
  readonly clientId?: string;
  /** Bound on connecting and on waiting for each answer. */
  readonly timeoutMs?: number;
}

const CLIENT_SOFTWARE = { clientSoftwareName: 'eddy-tools', clientSoftwareVersion: '1' };
/** ApiVersions v3 carries the client's name and the flexible header; brokers since Kafka 2.4 answer it. */
const API_VERSIONS_VERSION = 3;
const BOOTSTRAP = -1;

/** Errors a broker answers while it is getting ready (a coordinator loading, a leader being elected): worth a retry. */
const RETRIABLE: ReadonlySet<number> = new Set([
  ErrorCode.LEADER_NOT_AVAILABLE,
  ErrorCode.COORDINATOR_LOAD_IN_PROGRESS,
  ErrorCode.COORDINATOR_NOT_AVAILABLE,
  ErrorCode.NOT_COORDINATOR,
  ErrorCode.UNSTABLE_OFFSET_COMMIT,
]);

/** The highest version both sides speak, or null when their ranges do not meet. */
export function pickVersion<Res, Init>(api: ToolApi<Res, Init>, broker: VersionRange | undefined): number | null {
  if (broker === undefined) return null;
  const high = Math.min(api.newestVersion ?? api.request.maxVersion, broker.max);
  const low = Math.max(api.oldestVersion, api.request.minVersion, broker.min);
  return high >= low ? high : null;
}

/** Asks the broker which versions it serves; falls back to v0, which every broker answers, when v3 is refused. */
export async function negotiateVersions(connection: BrokerConnection): Promise<Map<number, VersionRange>> {
  const { request, response } = Apis.ApiVersions;
  let answer;
  try {
    answer = await connection.request(request, response, API_VERSIONS_VERSION, CLIENT_SOFTWARE);
  } catch (err) {
    if (err instanceof BrokerUnreachableError) throw err;
    answer = null;
  }
  if (answer === null || answer.errorCode === ErrorCode.UNSUPPORTED_VERSION) answer = await connection.request(request, response, 0, {});
  checkErrorCode(answer.errorCode, `ApiVersions from ${formatAddress(connection.address)}`);
  return new Map(answer.apiKeys.map((k) => [k.apiKey, { min: k.minVersion, max: k.maxVersion }]));
}

export class KafkaClient {
  private readonly sessions = new Map<number, Promise<BrokerSession>>();
  private readonly nodes = new Map<number, BrokerAddress>();
  private bootstrapAddress: BrokerAddress | null = null;

  private constructor(
    private readonly clientId: string,
    private readonly timeoutMs: number,
  ) {}

  /** Connects to the first bootstrap address that answers. */
  static async connect(bootstrap: readonly BrokerAddress[], options: ClientOptions = {}): Promise<KafkaClient> {
    const client = new KafkaClient(options.clientId ?? 'eddy-tools', options.timeoutMs ?? 10_000);
    let lastError: Error = new Error('no bootstrap address given');
    for (const address of bootstrap) {
      const session = client.openSession(address);
      try {
        await session;
        client.sessions.set(BOOTSTRAP, session);
        client.bootstrapAddress = address;
        return client;
      } catch (err) {
        lastError = err instanceof Error ? err : new Error(String(err));
      }
    }
    throw lastError;
  }

  /** The API versions of the bootstrap broker. */
  async bootstrapVersions(): Promise<ReadonlyMap<number, VersionRange>> {
    return (await this.session(BOOTSTRAP)).versions;
  }

  /** The version `api` would be sent at to `nodeId` (the bootstrap broker by default). */
  async versionFor<Res, Init>(api: ToolApi<Res, Init>, nodeId: number = BOOTSTRAP): Promise<number> {
    const session = await this.session(nodeId);
    const version = pickVersion(api, session.versions.get(api.request.apiKey));
    if (version === null) {
      const broker = session.versions.get(api.request.apiKey);
      const range = broker === undefined ? 'does not serve it' : `serves ${broker.min}-${broker.max}`;
      throw new ClientProtocolError(
        `UNSUPPORTED_VERSION: ${api.request.name.replace(/Request$/, '')}: the broker at ${formatAddress(session.connection.address)} ${range}, ` +
          `eddy speaks ${Math.max(api.oldestVersion, api.request.minVersion)}-${api.newestVersion ?? api.request.maxVersion}`,
      );
    }
    return version;
  }

  /**
   * Sends `api` to `nodeId` (the bootstrap broker by default) at the negotiated version, with a body for it;
   * `timeoutMs` for a request the broker may hold longer than the client's timeout (JoinGroup).
   */
  async send<Res, Init>(api: ToolApi<Res, Init>, body: (version: number) => Init, nodeId: number = BOOTSTRAP, timeoutMs?: number): Promise<Res> {
    const version = await this.versionFor(api, nodeId);
    const { connection } = await this.session(nodeId);
    try {
      return await connection.request(api.request, api.response, version, body(version), timeoutMs);
    } catch (err) {
      // A connection that failed is not used again: the next request to that broker opens a new one.
      if (err instanceof BrokerUnreachableError) this.forget(nodeId);
      throw err;
    }
  }

  /** How long the client waits for a connection or an answer, and so how long a command retries for. */
  get timeout(): number {
    return this.timeoutMs;
  }

  private forget(nodeId: number): void {
    const session = this.sessions.get(nodeId);
    this.sessions.delete(nodeId);
    session?.then(
      (s) => s.connection.close(),
      () => undefined,
    );
  }

  /** As send, for a request the broker does not answer (Produce with acks=0). */
  async sendOneWay<Res, Init>(api: ToolApi<Res, Init>, body: (version: number) => Init, nodeId: number): Promise<void> {
    const version = await this.versionFor(api, nodeId);
    const { connection } = await this.session(nodeId);
    await connection.sendOneWay(api.request, version, body(version));
  }

  /** Metadata for these topics (every topic when null); learns the brokers' addresses for routing. */
  async metadata(topics: readonly string[] | null): Promise<MetadataResponse> {
    const answer = await this.send(Apis.Metadata, () => ({
      topics: topics === null ? null : topics.map((name) => ({ name })),
      allowAutoTopicCreation: false,
    }));
    for (const broker of answer.brokers) this.nodes.set(broker.nodeId, { host: broker.host, port: broker.port });
    return answer;
  }

  /**
   * Runs `attempt` again while it fails with an error a broker gives while getting ready (Kafka creates
   * __consumer_offsets on the first FindCoordinator and answers COORDINATOR_NOT_AVAILABLE until it is), up to the
   * client's timeout, as Kafka's clients do.
   */
  async withRetries<T>(attempt: () => Promise<T>): Promise<T> {
    const deadline = Date.now() + this.timeoutMs;
    for (let pause = 50; ; pause = Math.min(pause * 2, 1000)) {
      try {
        return await attempt();
      } catch (err) {
        if (!(err instanceof KafkaResponseError) || !RETRIABLE.has(err.code) || Date.now() + pause > deadline) throw err;
        await new Promise((resolve) => setTimeout(resolve, pause));
      }
    }
  }

  /** The node that coordinates `group` (FindCoordinator, key type 0), once one is available. */
  groupCoordinator(group: string): Promise<number> {
    return this.withRetries(() => this.findCoordinator(group));
  }

  private async findCoordinator(group: string): Promise<number> {
    const answer = await this.send(Apis.FindCoordinator, (version) => (version >= 4 ? { keyType: 0, coordinatorKeys: [group] } : { key: group, keyType: 0 }));
    const found = answer.coordinators.length > 0 ? answer.coordinators[0] : answer;
    checkErrorCode(found.errorCode, `coordinator of group '${group}'`, found.errorMessage);
    this.nodes.set(found.nodeId, { host: found.host, port: found.port });
    return found.nodeId;
  }

  /** Node ids of every broker the last Metadata answer named. */
  knownNodes(): number[] {
    return [...this.nodes.keys()].sort((a, b) => a - b);
  }

  close(): void {
    for (const session of this.sessions.values()) {
      session.then(
        (s) => s.connection.close(),
        () => undefined,
      );
    }
    this.sessions.clear();
  }

  private session(nodeId: number): Promise<BrokerSession> {
    let session = this.sessions.get(nodeId);
    if (session === undefined) {
      const address = nodeId === BOOTSTRAP ? this.bootstrapAddress : this.nodes.get(nodeId);
      if (address === undefined || address === null) return Promise.reject(new ClientProtocolError(`no address known for broker ${nodeId}`));
      session = this.openSession(address);
      this.sessions.set(nodeId, session);
    }
    return session;
  }

  private async openSession(address: BrokerAddress): Promise<BrokerSession> {
    const connection = await BrokerConnection.open(address, this.clientId, this.timeoutMs);
    try {
      return { connection, versions: await negotiateVersions(connection) };
    } catch (err) {
      connection.close();
      throw err;
    }
  }
}

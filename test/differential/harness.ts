// The differential harness (issue 16): plays one scenario's requests against Eddy and the reference Kafka over raw
// sockets with Eddy's own codecs, normalises both answers and lists every field where they part, so a behaviour
// Eddy gets wrong shows up as a path and two values rather than as a client failing somewhere downstream.
import type { MessageCodec } from '../../codecs/primitives/message-codec';
import { Reader } from '../../codecs/primitives/reader';
import { Writer } from '../../codecs/primitives/writer';
import { requestHeaderVersion, responseHeaderVersion } from '../../codecs/protocol/headers';
import { CreateTopicsRequestCodec } from '../../codecs/generated/CreateTopicsRequest';
import { CreateTopicsResponseCodec } from '../../codecs/generated/CreateTopicsResponse';
import { DescribeGroupsRequestCodec } from '../../codecs/generated/DescribeGroupsRequest';
import { DescribeGroupsResponseCodec } from '../../codecs/generated/DescribeGroupsResponse';
import { FindCoordinatorRequestCodec } from '../../codecs/generated/FindCoordinatorRequest';
import { FindCoordinatorResponseCodec } from '../../codecs/generated/FindCoordinatorResponse';
import { ListOffsetsRequestCodec } from '../../codecs/generated/ListOffsetsRequest';
import { ListOffsetsResponseCodec } from '../../codecs/generated/ListOffsetsResponse';
import { MetadataRequestCodec } from '../../codecs/generated/MetadataRequest';
import { MetadataResponseCodec } from '../../codecs/generated/MetadataResponse';
import type { RawClient } from '../helpers/raw-client';
import { waitFor } from '../helpers/wait';
import { normalise, type NormaliseOptions } from './normalise';

/** One request of a scenario, its types erased so a scenario can mix APIs; built with `step`. */
export interface Step {
  readonly label: string;
  /** `history` holds this broker's decoded answers to the scenario's earlier steps, oldest first. */
  send(client: RawClient, history: readonly unknown[]): Promise<unknown>;
}

/**
 * A request body, or how to build it from this broker's earlier answers: a sequence such as JoinGroup then
 * SyncGroup must echo the member id each broker minted, which no fixed body can.
 */
export type StepBody<Init> = Init | ((history: readonly unknown[]) => Init);

export interface ScenarioTopic {
  readonly name: string;
  readonly partitions: number;
  /** Topic configs given at creation, e.g. a lower max.message.bytes or LogAppendTime timestamps. */
  readonly configs?: ReadonlyArray<{ readonly name: string; readonly value: string }>;
}

export interface Scenario {
  readonly name: string;
  /** Topics created on both brokers (and waited for until they have leaders) before the steps; not compared. */
  readonly topics?: ReadonlyArray<ScenarioTopic>;
  readonly steps: readonly Step[];
  /** Error messages are free text here: their presence is compared, not their wording. */
  readonly freeTextMessages?: boolean;
}

export interface Difference {
  readonly path: string;
  readonly eddy: unknown;
  readonly kafka: unknown;
}

/** How a step's request goes on the wire when it is not simply "this body at this version". */
export interface StepWireOptions {
  /** The version the response is decoded at: a broker answers an ApiVersions request it cannot parse in v0. */
  readonly responseVersion?: number;
  /** The version the body is encoded at, when the header claims one no codec can write (a future version). */
  readonly bodyVersion?: number;
}

/** Header and body as a client writes them; the header's version may be one the body's codec does not know. */
function sendRequest<Init>(client: RawClient, codec: MessageCodec<unknown, Init>, version: number, bodyVersion: number, body: Init): number {
  const correlationId = nextCorrelationId++;
  const writer = new Writer();
  writer.writeInt16(codec.apiKey);
  writer.writeInt16(version);
  writer.writeInt32(correlationId);
  writer.writeNullableString('eddy-differential');
  if (requestHeaderVersion(codec.apiKey, version) >= 2) writer.writeUnsignedVarint(0);
  codec.encode(body, writer, bodyVersion);
  client.sendRaw(writer.toBuffer());
  return correlationId;
}

let nextCorrelationId = 1;

/** A request of `version` whose answer both brokers give is decoded with Eddy's codec and compared. */
export function step<Req, Init, Res>(
  requestCodec: MessageCodec<Req, Init>,
  responseCodec: MessageCodec<Res, unknown>,
  version: number,
  body: StepBody<Init>,
  wire: StepWireOptions = {},
): Step {
  const label = `${requestCodec.name.replace(/Request$/, '')} v${version}`;
  const responseVersion = wire.responseVersion ?? version;
  return {
    label,
    send: async (client, history) => {
      const init = typeof body === 'function' ? (body as (history: readonly unknown[]) => Init)(history) : body;
      const correlationId = sendRequest(client, requestCodec, version, wire.bodyVersion ?? version, init);
      const frame = await client.nextFrame();
      if (frame === null) return { connectionClosed: true };
      const reader = new Reader(frame);
      const got = reader.readInt32();
      if (got !== correlationId) throw new Error(`${label}: correlation id ${got}, expected ${correlationId}`);
      if (responseHeaderVersion(requestCodec.apiKey, responseVersion) >= 1) reader.readTaggedFields();
      return responseCodec.decode(reader, responseVersion);
    },
  };
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Buffer.isBuffer(value) && !Array.isArray(value);
}

function same(a: unknown, b: unknown): boolean {
  if (Buffer.isBuffer(a) && Buffer.isBuffer(b)) return a.equals(b);
  return a === b;
}

/** Every leaf where two normalised responses differ, with its path as `topics[0].partitions[1].errorCode`. */
export function compare(eddy: unknown, kafka: unknown, path = ''): Difference[] {
  if (Array.isArray(eddy) && Array.isArray(kafka)) {
    const out: Difference[] = [];
    if (eddy.length !== kafka.length) out.push({ path: `${path}.length`, eddy: eddy.length, kafka: kafka.length });
    for (let i = 0; i < Math.min(eddy.length, kafka.length); i++) out.push(...compare(eddy[i], kafka[i], `${path}[${i}]`));
    return out;
  }
  if (isRecord(eddy) && isRecord(kafka)) {
    const keys = new Set([...Object.keys(eddy), ...Object.keys(kafka)]);
    return [...keys].flatMap((key) => compare(eddy[key], kafka[key], path === '' ? key : `${path}.${key}`));
  }
  return same(eddy, kafka) ? [] : [{ path, eddy, kafka }];
}

export function formatValue(value: unknown): string {
  if (typeof value === 'bigint') return `${value}n`;
  if (Buffer.isBuffer(value)) return `<${value.length} bytes>`;
  // A whole answer (e.g. one broker's, when the other closed the connection) holds bigints and Buffers too.
  const json = JSON.stringify(value, (_key, v: unknown) => (typeof v === 'bigint' ? `${v}n` : v));
  return json ?? String(value);
}

/** Whether the broker answers ListOffsets for every partition: Kafka's metadata names a leader before its log is ready. */
async function leadsAll(
  client: RawClient,
  topics: ReadonlyArray<{ name: string | null; partitions: ReadonlyArray<{ partitionIndex: number }> }>,
): Promise<boolean> {
  const res = await client.request(ListOffsetsRequestCodec, ListOffsetsResponseCodec, 7, {
    replicaId: -1,
    topics: topics.map((t) => ({ name: t.name ?? '', partitions: t.partitions.map((p) => ({ partitionIndex: p.partitionIndex, timestamp: -1n })) })),
  });
  return res.topics.every((t) => t.partitions.every((p) => p.errorCode === 0));
}

/** Polls Metadata until every partition of `topics` has a leader: Kafka elects them a moment after CreateTopics. */
export async function awaitLeaders(client: RawClient, topics: readonly string[]): Promise<void> {
  const led = async (): Promise<boolean> => {
    const res = await client.request(MetadataRequestCodec, MetadataResponseCodec, 12, {
      topics: topics.map((name) => ({ topicId: '00000000-0000-0000-0000-000000000000', name })),
      allowAutoTopicCreation: false,
    });
    const ready = res.topics.every((t) => t.errorCode === 0 && t.partitions.length > 0 && t.partitions.every((p) => p.leaderId >= 0));
    return ready && (await leadsAll(client, res.topics));
  };
  await waitFor(`leaders for ${topics.join(', ')}`, led, 10_000);
}

/** Asks for a group's coordinator, then describes that group, until neither answers a retriable error. */
export async function awaitGroupCoordinator(client: RawClient): Promise<void> {
  const available = async (): Promise<boolean> => {
    const found = await client.request(FindCoordinatorRequestCodec, FindCoordinatorResponseCodec, 4, { keyType: 0, coordinatorKeys: ['diff-warm-up'] });
    if (found.coordinators[0]?.errorCode !== 0) return false;
    const described = await client.request(DescribeGroupsRequestCodec, DescribeGroupsResponseCodec, 5, { groups: ['diff-warm-up'] });
    return described.groups[0]?.errorCode === 0;
  };
  await waitFor('the group coordinator', available, 20_000);
}

async function createTopics(client: RawClient, topics: NonNullable<Scenario['topics']>): Promise<void> {
  if (topics.length === 0) return;
  const res = await client.request(CreateTopicsRequestCodec, CreateTopicsResponseCodec, 7, {
    topics: topics.map((t) => ({ name: t.name, numPartitions: t.partitions, replicationFactor: 1, assignments: [], configs: t.configs ?? [] })),
    timeoutMs: 10_000,
    validateOnly: false,
  });
  const failed = res.topics.filter((t) => t.errorCode !== 0);
  if (failed.length > 0) throw new Error(`setup CreateTopics failed: ${failed.map((t) => `${t.name} ${t.errorCode}`).join(', ')}`);
  await awaitLeaders(
    client,
    topics.map((t) => t.name),
  );
}

export interface BrokerClients {
  readonly eddy: RawClient;
  readonly kafka: RawClient;
}

/** Runs a scenario on both brokers, step by step, and returns the differences prefixed by the step they came from. */
export async function runScenario(scenario: Scenario, clients: BrokerClients): Promise<Difference[]> {
  await Promise.all([createTopics(clients.eddy, scenario.topics ?? []), createTopics(clients.kafka, scenario.topics ?? [])]);
  const options: NormaliseOptions = { freeTextMessages: scenario.freeTextMessages ?? false };
  // Placeholders are numbered per broker across the whole scenario, so an id seen in two steps maps to one name.
  const eddyIds = new Map<string, string>();
  const kafkaIds = new Map<string, string>();
  const differences: Difference[] = [];
  const eddyHistory: unknown[] = [];
  const kafkaHistory: unknown[] = [];
  for (const [index, s] of scenario.steps.entries()) {
    const [eddyResponse, kafkaResponse] = await Promise.all([s.send(clients.eddy, eddyHistory), s.send(clients.kafka, kafkaHistory)]);
    eddyHistory.push(eddyResponse);
    kafkaHistory.push(kafkaResponse);
    const found = compare(normalise(eddyResponse, eddyIds, options), normalise(kafkaResponse, kafkaIds, options));
    differences.push(...found.map((d) => ({ ...d, path: `step ${index} (${s.label}) ${d.path}` })));
  }
  return differences;
}

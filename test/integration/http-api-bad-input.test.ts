// Bad input against every endpoint of the console API, from the OpenAPI document (so a route added later is swept
// too): unknown cluster, topic, group, consumer or config names, non-numeric partitions and offsets, malformed and
// mistyped JSON bodies. Each must be answered 4xx with a message, never 5xx, and the server must stay up.
import { apiSuite } from './http-api-harness';

jest.setTimeout(120000);

const api = apiSuite();

interface OpenApiParameter {
  readonly name: string;
  readonly in: string;
  readonly schema?: { readonly type?: string | string[]; readonly enum?: unknown[] };
}
interface OpenApiOperation {
  readonly parameters?: OpenApiParameter[];
  readonly requestBody?: unknown;
}
type OpenApiPaths = Record<string, Record<string, OpenApiOperation>>;

interface Endpoint {
  readonly method: string;
  readonly path: string;
  readonly operation: OpenApiOperation;
}

/** A value no resource has, for each path parameter the API uses. */
const UNKNOWN: Readonly<Record<string, string>> = {
  topic_name: 'no-such-topic',
  consumer_group_id: 'no-such-group',
  consumer_id: 'no-such-consumer',
  name: 'no.such.config',
  broker_id: '7777',
  partition_id: '7777',
  transactional_id: 'no-such-transaction',
};

function pathWith(path: string, values: (name: string) => string): string {
  return path.replace(/\{([^}]+)\}/g, (_match, name: string) => encodeURIComponent(values(name)));
}

const isNumeric = (p: OpenApiParameter): boolean => {
  const type = p.schema?.type;
  return type === 'integer' || type === 'number' || (Array.isArray(type) && (type.includes('integer') || type.includes('number')));
};

async function endpoints(): Promise<Endpoint[]> {
  const doc = await api.get<{ paths: OpenApiPaths }>('/openapi.json');
  expect(doc.status).toBe(200);
  const out: Endpoint[] = [];
  for (const [path, methods] of Object.entries(doc.body.paths)) {
    if (!path.startsWith('/v3') && !path.startsWith('/api')) continue;
    for (const [method, operation] of Object.entries(methods)) out.push({ method: method.toUpperCase(), path, operation });
  }
  return out;
}

/** A 4xx answer with an error message; what was asked is in the failure message. */
function expectRefused(what: string, answer: { status: number; body: Record<string, unknown> }): void {
  const summary = `${what} -> ${answer.status} ${JSON.stringify(answer.body).slice(0, 200)}`;
  expect({ summary, clientError: answer.status >= 400 && answer.status < 500 }).toEqual({ summary, clientError: true });
  expect({ summary, message: typeof answer.body.message === 'string' && answer.body.message.length > 0 }).toEqual({ summary, message: true });
}

const clusterId = (): string => api.suite.broker.identity.clusterId;
const withBody = (method: string): boolean => method === 'POST' || method === 'PUT' || method === 'PATCH';

describe('bad input to every endpoint of the OpenAPI document', () => {
  let all: Endpoint[] = [];
  beforeAll(async () => {
    all = await endpoints();
  });

  test('the document lists the REST v3 and console endpoints', () => {
    expect(all.length).toBeGreaterThan(25);
  });

  test('an unknown cluster id is refused everywhere under /v3/clusters/{cluster_id}', async () => {
    const swept = all.filter((e) => e.path.includes('{cluster_id}'));
    expect(swept.length).toBeGreaterThanOrEqual(30);
    for (const { method, path, operation } of swept) {
      const url = pathWith(path, (name) => (name === 'cluster_id' ? 'no-such-cluster' : (UNKNOWN[name] ?? 'x')));
      const answer = await api.call(method, url, withBody(method) && operation.requestBody !== undefined ? {} : undefined);
      expectRefused(`${method} ${url}`, answer);
    }
  });

  test('unknown topics, groups, consumers, configs and partitions are refused', async () => {
    const swept = all.filter((e) => Object.keys(UNKNOWN).some((name) => e.path.includes(`{${name}}`)));
    expect(swept.length).toBeGreaterThanOrEqual(25);
    for (const { method, path } of swept) {
      const url = pathWith(path, (name) => (name === 'cluster_id' ? clusterId() : (UNKNOWN[name] ?? 'x')));
      // A body valid enough to reach the lookup is not needed: a refusal of the body is also a 4xx with a message.
      const answer = await api.call(method, url, withBody(method) ? {} : undefined);
      expectRefused(`${method} ${url}`, answer);
    }
  });

  test('non-numeric path and query numbers are 400', async () => {
    let swept = 0;
    for (const { method, path, operation } of all) {
      const numeric = (operation.parameters ?? []).filter(isNumeric);
      for (const parameter of numeric) {
        swept++;
        const value = (name: string): string => (name === parameter.name ? 'not-a-number' : name === 'cluster_id' ? clusterId() : (UNKNOWN[name] ?? 'x'));
        const url = parameter.in === 'path' ? pathWith(path, value) : `${pathWith(path, value)}?${parameter.name}=not-a-number`;
        const answer = await api.call(method, url, withBody(method) ? {} : undefined);
        expect({ url, method, status: answer.status }).toEqual({ url, method, status: 400 });
        expectRefused(`${method} ${url}`, answer);
      }
    }
    expect(swept).toBeGreaterThanOrEqual(15);
  });

  test('malformed and mistyped JSON bodies are 400', async () => {
    const swept = all.filter((e) => withBody(e.method) && e.operation.requestBody !== undefined);
    expect(swept.length).toBeGreaterThanOrEqual(8);
    for (const { method, path } of swept) {
      const url = pathWith(path, (name) => (name === 'cluster_id' ? clusterId() : (UNKNOWN[name] ?? 'x')));
      const malformed = await api.call(method, url, '{"unterminated": ');
      expect({ url, method, status: malformed.status }).toEqual({ url, method, status: 400 });
      expectRefused(`${method} ${url} (malformed)`, malformed);
      const mistyped = await api.call(method, url, [1, 2, 3]);
      expectRefused(`${method} ${url} (an array)`, mistyped);
    }
    // The server is still there.
    expect((await api.get('/v3/clusters')).status).toBe(200);
  });
});

// What the console API suites share: one in-process broker per file with its HTTP server on a free port, and a
// small JSON client over real sockets (fetch) that returns the status and the parsed body.
import { brokerPerSuite, type SuiteBroker } from '../helpers/broker';
import { startHttpServer, type RunningHttpServer } from '../../src/http/http-server';
import { silentLogger } from '../../src/logger';

export interface ApiAnswer<T = Record<string, unknown>> {
  readonly status: number;
  readonly body: T;
  readonly headers: Headers;
}

export interface ApiSuite {
  readonly suite: SuiteBroker;
  readonly url: string;
  /** The cluster's /v3/clusters/{id} prefix. */
  readonly cluster: string;
  /** A request with a JSON body (a string is sent as it is, for malformed JSON). */
  call<T = Record<string, unknown>>(method: string, path: string, body?: unknown): Promise<ApiAnswer<T>>;
  get<T = Record<string, unknown>>(path: string): Promise<ApiAnswer<T>>;
}

export function apiSuite(overrides: Record<string, string> = {}): ApiSuite {
  const suite = brokerPerSuite({ overrides, dataDirPrefix: 'eddy-http-api-' });
  let server: RunningHttpServer | null = null;
  beforeAll(async () => {
    server = await startHttpServer(suite.broker, { host: '127.0.0.1', port: 0 }, silentLogger());
  });
  afterAll(async () => {
    await server?.close();
  });
  const url = (): string => {
    if (!server) throw new Error('the HTTP server is not started');
    return server.url;
  };
  const call = async <T>(method: string, path: string, body?: unknown): Promise<ApiAnswer<T>> => {
    const init: RequestInit = { method };
    if (body !== undefined) {
      init.headers = { 'content-type': 'application/json' };
      init.body = typeof body === 'string' ? body : JSON.stringify(body);
    }
    const res = await fetch(`${url()}${path}`, init);
    const text = await res.text();
    const parsed = text === '' ? {} : (JSON.parse(text) as T);
    return { status: res.status, body: parsed as T, headers: res.headers };
  };
  return {
    suite,
    get url() {
      return url();
    },
    get cluster() {
      return `/v3/clusters/${suite.broker.identity.clusterId}`;
    },
    call,
    get: (path) => call('GET', path),
  };
}

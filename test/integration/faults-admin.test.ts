// The ways into fault injection besides `broker.faults`: the HTTP admin endpoint (a bad rule is a 400 naming the
// field), `eddy start --faults rules.json` (a bad file refuses the start with its message) and `eddy faults`.
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { EDDY_BIN, startChild, startInProcess, removeDir, tempDataDir, type ChildBroker } from '../helpers/broker';
import { startHttpServer } from '../../src/http/http-server';
import { silentLogger } from '../../src/logger';
import { waitFor } from '../helpers/wait';

jest.setTimeout(30000);

test('POST, GET and DELETE /admin/faults; bad rules are refused with 400 and the field at fault', async () => {
  const { broker, dataDir } = await startInProcess();
  const http = await startHttpServer(broker, { host: '127.0.0.1', port: 0 }, silentLogger());
  if (http === null) throw new Error('no HTTP server');
  // Real requests (fastify's inject does not load under jest here).
  const call = async ({ method, url, payload }: { method: string; url: string; payload?: unknown }) => {
    const res = await fetch(`${http.url}${url}`, {
      method,
      headers: payload === undefined ? {} : { 'content-type': 'application/json' },
      body: payload === undefined ? undefined : JSON.stringify(payload),
    });
    const body: unknown = await res.json();
    return { statusCode: res.status, json: () => body };
  };
  const app = { inject: call };
  try {
    const bad = await app.inject({ method: 'POST', url: '/admin/faults', payload: { match: { api: 'Prodce' }, action: 'hold' } });
    expect(bad.statusCode).toBe(400);
    expect(bad.json()).toEqual({ error: 'rule.match.api: unknown API "Prodce" (an API name such as Produce, or its key)' });
    const badCode = await app.inject({ method: 'POST', url: '/admin/faults', payload: [{ action: 'hold' }, { action: { type: 'error', error: 4242 } }] });
    expect(badCode.statusCode).toBe(400);
    expect(badCode.json()).toEqual({ error: 'rules[1].action.error: unknown Kafka error code 4242' });
    expect(broker.faults.list()).toEqual([]);

    const added = await app.inject({
      method: 'POST',
      url: '/admin/faults',
      payload: { track: true, rules: [{ id: 'nl', match: { api: 'Produce' }, action: { type: 'error', error: 'NOT_LEADER_OR_FOLLOWER' }, times: 2 }] },
    });
    expect(added.statusCode).toBe(201);
    expect(added.json()).toEqual({
      rules: [
        expect.objectContaining({ id: 'nl', match: { api: ['Produce'] }, action: { type: 'error', error: 'NOT_LEADER_OR_FOLLOWER' }, times: 2, fired: 0 }),
      ],
    });
    const listed = await app.inject({ method: 'GET', url: '/admin/faults' });
    expect(listed.json()).toEqual({ tracking: true, rules: [expect.objectContaining({ id: 'nl' })] });
    expect((await app.inject({ method: 'GET', url: '/admin/faults/requests' })).json()).toEqual({ tracking: true, requests: [] });
    expect((await app.inject({ method: 'POST', url: '/admin/faults/release', payload: {} })).json()).toEqual({ released: 0 });
    expect((await app.inject({ method: 'DELETE', url: '/admin/faults/rules/missing' })).statusCode).toBe(404);
    expect((await app.inject({ method: 'DELETE', url: '/admin/faults/rules/nl' })).json()).toEqual({ cleared: 1 });
    expect((await app.inject({ method: 'POST', url: '/admin/faults/requests/stop' })).json()).toEqual({ tracking: false });
    expect(broker.faults.list()).toEqual([]);
  } finally {
    await http.close();
    await broker.stop();
    removeDir(dataDir);
  }
});

test('eddy start --faults: a bad file refuses the start with the message; a good one is in force from the start', async () => {
  const dir = tempDataDir();
  const badFile = path.join(dir, 'bad.json');
  fs.writeFileSync(badFile, JSON.stringify({ rules: [{ match: { api: 'Produce' }, action: { type: 'error', error: 'NOPE' } }] }));
  const refused = spawnSync(process.execPath, [EDDY_BIN, 'start', '--port', '0', '--no-http', '--data-dir', path.join(dir, 'data'), '--faults', badFile], {
    encoding: 'utf8',
    timeout: 20000,
  });
  expect(refused.status).toBe(1);
  expect(refused.stderr).toContain(`eddy: --faults ${badFile}: rules[0].action.error: unknown Kafka error name "NOPE"`);
  const notJson = path.join(dir, 'not.json');
  fs.writeFileSync(notJson, '{ rules: ');
  const refusedJson = spawnSync(process.execPath, [EDDY_BIN, 'start', '--port', '0', '--no-http', '--data-dir', path.join(dir, 'data'), '--faults', notJson], {
    encoding: 'utf8',
    timeout: 20000,
  });
  expect(refusedJson.status).toBe(1);
  expect(refusedJson.stderr).toContain(`eddy: --faults ${notJson}: not JSON`);

  const goodFile = path.join(dir, 'good.json');
  fs.writeFileSync(goodFile, JSON.stringify([{ id: 'slow', match: { api: 'Metadata' }, action: { type: 'delay', ms: 10 } }]));
  let child: ChildBroker | undefined;
  try {
    child = await startChild(path.join(dir, 'data2'), ['--http-port', '0', '--faults', goodFile]);
    const started = child;
    await waitFor('the HTTP server', () => started.logLines.some((l) => l.includes('HTTP console listening')));
    const url = (JSON.parse(started.logLines.find((l) => l.includes('HTTP console listening')) as string) as { url: string }).url;
    const admin = url.replace('http://', '');
    const tool = (...args: string[]) => spawnSync(process.execPath, [EDDY_BIN, 'faults', ...args, '--broker', admin], { encoding: 'utf8', timeout: 20000 });
    const listed = tool('list', '--json');
    expect(listed.status).toBe(0);
    expect(JSON.parse(listed.stdout)).toEqual({ tracking: false, rules: [expect.objectContaining({ id: 'slow', action: { type: 'delay', ms: 10 } })] });
    const added = tool('add', JSON.stringify({ id: 'down', action: { type: 'broker-down', ms: 1 } }));
    expect(added.status).toBe(0);
    expect(added.stdout).toContain('down');
    const bad = tool('add', '{"action": {"type": "explode"}}');
    expect(bad.status).toBe(1);
    expect(bad.stderr).toMatch(/^eddy faults add: rule\.action\.type: must be one of error, delay/);
    expect(tool('clear').stdout).toBe('cleared 2 rule(s)\n');
    expect(tool('requests', '--tracking', 'start').status).toBe(0);
    const unreachable = spawnSync(process.execPath, [EDDY_BIN, 'faults', 'list', '--broker', '127.0.0.1:1'], { encoding: 'utf8', timeout: 20000 });
    expect(unreachable.status).toBe(3);
    expect(unreachable.stderr).toMatch(/^eddy faults list: BROKER_UNREACHABLE: cannot reach broker http:\/\/127\.0\.0\.1:1/);
  } finally {
    await child?.stop();
    removeDir(dir);
  }
});

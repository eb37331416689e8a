// `eddy faults add|list|clear|release|requests`: fault rules on a running Eddy, through its HTTP admin endpoint
// (--broker host:httpPort, default 127.0.0.1:8082, or EDDY_FAULTS_BROKER). The rules are the JSON the README's
// "Fault injection" section describes; the broker checks them and its message is printed as it gave it.
import { readFileSync } from 'fs';
import { BrokerUnreachableError } from '../client/errors';
import type { ToolArgs } from './args';
import { renderTable, toJson, UsageError, writeOut } from './tool-io';

const DEFAULT_ADMIN = '127.0.0.1:8082';

/** The broker refused what was asked (a bad rule, an unknown id); its message is the tool's. */
class AdminRefusal extends Error {}

function adminBase(args: ToolArgs): string {
  const address = args.string('broker') ?? (args.variable('EDDY_FAULTS_BROKER') || DEFAULT_ADMIN);
  return /^https?:\/\//.test(address) ? address.replace(/\/$/, '') : `http://${address}`;
}

async function call(args: ToolArgs, method: string, path: string, body?: unknown): Promise<Record<string, unknown>> {
  const url = `${adminBase(args)}${path}`;
  let res: Response;
  try {
    res = await fetch(url, {
      method,
      headers: body === undefined ? {} : { 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
      signal: AbortSignal.timeout(args.integer('timeout', 1) ?? 10000),
    });
  } catch (err) {
    const cause = (err as { cause?: { message?: string } }).cause?.message ?? (err as Error).message;
    throw new BrokerUnreachableError(adminBase(args), cause);
  }
  const answer = (await res.json().catch(() => ({}))) as Record<string, unknown>;
  if (!res.ok) throw new AdminRefusal(typeof answer.error === 'string' ? answer.error : `${method} ${path}: HTTP ${res.status}`);
  return answer;
}

function rulesFrom(args: ToolArgs): unknown {
  const file = args.string('file');
  const text = file !== undefined ? readFileSync(file, 'utf8') : args.string('rules');
  if (text === undefined) throw new UsageError('give the rules as JSON, or --file rules.json');
  try {
    return JSON.parse(text);
  } catch (err) {
    throw new UsageError(`${file ?? 'the rules'} are not JSON: ${(err as Error).message}`);
  }
}

function ruleRows(rules: readonly Record<string, unknown>[]): string {
  const cell = (v: unknown): string => (v === undefined ? '-' : typeof v === 'string' ? v : JSON.stringify(v));
  return renderTable(
    ['id', 'match', 'action', 'times', 'fired', 'held'],
    rules.map((r) => [cell(r.id), cell(r.match), cell(r.action), cell(r.times), cell(r.fired), cell(r.held)]),
  );
}

export async function addFaults(args: ToolArgs): Promise<void> {
  const answer = await call(args, 'POST', '/admin/faults', rulesFrom(args));
  const rules = answer.rules as Record<string, unknown>[];
  await writeOut(args.json ? toJson(answer) + '\n' : ruleRows(rules));
}

export async function listFaults(args: ToolArgs): Promise<void> {
  const answer = await call(args, 'GET', '/admin/faults');
  await writeOut(args.json ? toJson(answer) + '\n' : ruleRows(answer.rules as Record<string, unknown>[]));
}

export async function clearFaults(args: ToolArgs): Promise<void> {
  const id = args.string('id');
  const answer = await call(args, 'DELETE', id === undefined ? '/admin/faults' : `/admin/faults/rules/${encodeURIComponent(id)}`);
  await writeOut(args.json ? toJson(answer) + '\n' : `cleared ${String(answer.cleared)} rule(s)\n`);
}

export async function releaseFaults(args: ToolArgs): Promise<void> {
  const id = args.string('id');
  const answer = await call(args, 'POST', '/admin/faults/release', id === undefined ? {} : { id });
  await writeOut(args.json ? toJson(answer) + '\n' : `released ${String(answer.released)} request(s)\n`);
}

export async function faultRequests(args: ToolArgs): Promise<void> {
  const action = args.string('tracking');
  if (action !== undefined && action !== 'start' && action !== 'stop') throw new UsageError(`--tracking must be start or stop, got "${action}"`);
  if (action !== undefined) await call(args, 'POST', `/admin/faults/requests/${action}`);
  const query = new URLSearchParams();
  if (args.string('client-id') !== undefined) query.set('clientId', args.string('client-id') as string);
  if (args.string('api') !== undefined) query.set('api', args.string('api') as string);
  const answer = await call(args, 'GET', `/admin/faults/requests${query.size > 0 ? `?${query.toString()}` : ''}`);
  if (args.json) return writeOut(toJson(answer) + '\n');
  const requests = answer.requests as {
    seq: number;
    clientId: string | null;
    api: string;
    apiVersion: number;
    topics: { topic: string }[];
    fault: { rule: string; action: string } | null;
  }[];
  await writeOut(
    renderTable(
      ['seq', 'client', 'api', 'topics', 'fault'],
      requests.map((r) => [
        r.seq,
        r.clientId,
        `${r.api} v${r.apiVersion}`,
        r.topics.map((t) => t.topic).join(','),
        r.fault === null ? null : `${r.fault.rule}: ${r.fault.action}`,
      ]),
    ) + (answer.tracking === true ? '' : '(request tracking is off: --tracking start turns it on)\n'),
  );
}

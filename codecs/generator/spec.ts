// Parsing Kafka's JSON message specs into a typed model. Only wire-relevant keys are kept; descriptive text is
// deliberately dropped so it can never leak into generated code.

import { VersionSet } from './versions';

export type PrimitiveName = 'bool' | 'int8' | 'int16' | 'uint16' | 'int32' | 'uint32' | 'int64' | 'float64' | 'string' | 'bytes' | 'uuid' | 'records';

const PRIMITIVES: ReadonlySet<string> = new Set([
  'bool',
  'int8',
  'int16',
  'uint16',
  'int32',
  'uint32',
  'int64',
  'float64',
  'string',
  'bytes',
  'uuid',
  'records',
]);

export interface StructDef {
  /** Struct type name as written in the spec (e.g. `TopicProduceData`); the message itself uses its own name. */
  readonly typeName: string;
  fields: FieldDef[];
}

export type FieldType =
  | { readonly kind: 'primitive'; readonly name: PrimitiveName }
  | { readonly kind: 'struct'; readonly struct: StructDef }
  | { readonly kind: 'array'; readonly element: FieldType };

export interface FieldDef {
  readonly name: string;
  readonly type: FieldType;
  versions: VersionSet;
  nullableVersions: VersionSet;
  taggedVersions: VersionSet;
  readonly tag: number | null;
  /** Raw `default` as a string, or undefined when the spec gives none. */
  readonly defaultValue: string | undefined;
  readonly ignorable: boolean;
  /** Per-field override of the message's flexible versions (RequestHeader.ClientId). */
  flexibleOverride: VersionSet | null;
}

export type SpecKind = 'request' | 'response' | 'header' | 'data' | 'coordinator-key' | 'coordinator-value';

export interface MessageDef {
  readonly name: string;
  readonly kind: SpecKind;
  readonly apiKey: number | null;
  validVersions: VersionSet;
  flexibleVersions: VersionSet;
  readonly listeners: readonly string[];
  readonly latestVersionUnstable: boolean;
  root: StructDef;
  /** Spec files this definition came from, relative to the spec root (for the generated header). */
  sources: string[];
}

export function stripComments(text: string): string {
  return text
    .split('\n')
    .filter((line) => !/^\s*\/\//.test(line))
    .join('\n');
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function optString(obj: Record<string, unknown>, key: string, ctx: string): string | undefined {
  const v = obj[key];
  if (v === undefined) return undefined;
  if (typeof v !== 'string') throw new Error(`${ctx}: "${key}" must be a string`);
  return v;
}

function reqString(obj: Record<string, unknown>, key: string, ctx: string): string {
  const v = optString(obj, key, ctx);
  if (v === undefined) throw new Error(`${ctx}: missing "${key}"`);
  return v;
}

const SPEC_KINDS: readonly SpecKind[] = ['request', 'response', 'header', 'data', 'coordinator-key', 'coordinator-value'];

/** Returns null for spec kinds we do not generate (e.g. KRaft `metadata` records). */
export function parseMessage(text: string, source: string): MessageDef | null {
  const json: unknown = JSON.parse(stripComments(text));
  if (!isRecord(json)) throw new Error(`${source}: top level is not an object`);
  const kindText = reqString(json, 'type', source);
  const kind = SPEC_KINDS.find((k) => k === kindText);
  if (kind === undefined) return null;
  const name = reqString(json, 'name', source);
  const apiKeyRaw = json['apiKey'];
  const apiKey = typeof apiKeyRaw === 'number' ? apiKeyRaw : null;
  const listenersRaw = json['listeners'];
  const listeners = Array.isArray(listenersRaw) ? listenersRaw.filter((l): l is string => typeof l === 'string') : [];

  const common = new Map<string, StructDef>();
  const commonRaw = json['commonStructs'];
  const pendingCommon: Array<{ def: StructDef; fields: unknown }> = [];
  if (Array.isArray(commonRaw)) {
    for (const c of commonRaw) {
      if (!isRecord(c)) throw new Error(`${source}: commonStructs entry is not an object`);
      const def: StructDef = { typeName: reqString(c, 'name', source), fields: [] };
      common.set(def.typeName, def);
      pendingCommon.push({ def, fields: c['fields'] });
    }
  }
  const ctx: ParseContext = { source, common, inline: new Map() };
  for (const p of pendingCommon) p.def.fields = parseFields(p.fields, ctx, p.def.typeName);

  return {
    name,
    kind,
    apiKey,
    validVersions: VersionSet.parse(reqString(json, 'validVersions', source), source),
    flexibleVersions: VersionSet.parse(optString(json, 'flexibleVersions', source) ?? 'none', source),
    listeners,
    latestVersionUnstable: json['latestVersionUnstable'] === true,
    root: { typeName: name, fields: parseFields(json['fields'], ctx, name) },
    sources: [source],
  };
}

interface ParseContext {
  readonly source: string;
  readonly common: ReadonlyMap<string, StructDef>;
  readonly inline: Map<string, StructDef>;
}

function parseFields(raw: unknown, ctx: ParseContext, owner: string): FieldDef[] {
  if (raw === undefined) return [];
  if (!Array.isArray(raw)) throw new Error(`${ctx.source}: fields of ${owner} is not an array`);
  return raw.map((f) => parseField(f, ctx, owner));
}

function parseField(raw: unknown, ctx: ParseContext, owner: string): FieldDef {
  if (!isRecord(raw)) throw new Error(`${ctx.source}: field of ${owner} is not an object`);
  const name = reqString(raw, 'name', ctx.source);
  const where = `${ctx.source} ${owner}.${name}`;
  const typeText = reqString(raw, 'type', where);
  const taggedText = optString(raw, 'taggedVersions', where);
  // A tagged field may omit `versions`; it then exists exactly where it is tagged.
  const versionsText = optString(raw, 'versions', where) ?? taggedText;
  if (versionsText === undefined) throw new Error(`${where}: missing "versions"`);
  const tagRaw = raw['tag'];
  const defaultRaw = raw['default'];
  const flexText = optString(raw, 'flexibleVersions', where);
  return {
    name,
    type: parseType(typeText, raw['fields'], ctx, where),
    versions: VersionSet.parse(versionsText, where),
    nullableVersions: VersionSet.parse(optString(raw, 'nullableVersions', where), where),
    taggedVersions: VersionSet.parse(taggedText, where),
    tag: typeof tagRaw === 'number' ? tagRaw : null,
    defaultValue: defaultText(defaultRaw, where),
    ignorable: raw['ignorable'] === true,
    flexibleOverride: flexText === undefined ? null : VersionSet.parse(flexText, where),
  };
}

function parseType(text: string, inlineFields: unknown, ctx: ParseContext, where: string): FieldType {
  if (text.startsWith('[]')) {
    return { kind: 'array', element: parseType(text.slice(2), inlineFields, ctx, where) };
  }
  if (PRIMITIVES.has(text)) {
    if (inlineFields !== undefined) throw new Error(`${where}: primitive type ${text} with nested fields`);
    return { kind: 'primitive', name: text as PrimitiveName };
  }
  if (!/^[A-Z][A-Za-z0-9]*$/.test(text)) throw new Error(`${where}: unknown type ${text}`);
  if (inlineFields !== undefined) {
    if (ctx.inline.has(text) || ctx.common.has(text)) throw new Error(`${where}: struct ${text} defined twice`);
    const def: StructDef = { typeName: text, fields: [] };
    ctx.inline.set(text, def);
    def.fields = parseFields(inlineFields, ctx, text);
    return { kind: 'struct', struct: def };
  }
  const common = ctx.common.get(text);
  if (common === undefined) throw new Error(`${where}: struct ${text} has no definition`);
  return { kind: 'struct', struct: common };
}

/** All struct definitions reachable from the root (root excluded), each once, in first-use order. */
export function collectStructs(root: StructDef): StructDef[] {
  const seen = new Set<StructDef>();
  const out: StructDef[] = [];
  const visitType = (t: FieldType): void => {
    if (t.kind === 'array') visitType(t.element);
    else if (t.kind === 'struct' && !seen.has(t.struct)) {
      seen.add(t.struct);
      out.push(t.struct);
      for (const f of t.struct.fields) visitType(f.type);
    }
  };
  for (const f of root.fields) visitType(f.type);
  return out;
}

/** A field's default as the spec writes it: a string, number or boolean (null spelled 'null'); absent is undefined. */
function defaultText(raw: unknown, where: string): string | undefined {
  if (raw === undefined) return undefined;
  if (raw === null) return 'null';
  if (typeof raw === 'string' || typeof raw === 'number' || typeof raw === 'boolean') return String(raw);
  throw new Error(`${where}: default must be a string, number or boolean`);
}

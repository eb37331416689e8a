// Test helpers: locate the spec folders and build sample values for any message at any version from the
// generator's own model, so every field (tagged, nullable, nested) gets a non-default value.

import * as fs from 'fs';
import * as path from 'path';
import { camelName } from '../../../codecs/generator/emit';
import { loadMessages } from '../../../codecs/generator/generate';
import { FieldDef, FieldType, MessageDef, StructDef } from '../../../codecs/generator/spec';
import { MessageCodec } from '../../../codecs/primitives/message-codec';
import * as generated from '../../../codecs/generated';

export const REPO_ROOT = path.resolve(__dirname, '../../../..');
/** The project's structure-only copy of the specs: the generator's input, present in every clone. */
export const SPEC_ROOT = path.join(REPO_ROOT, 'codecs/specs');
export const GENERATED_DIR = path.join(REPO_ROOT, 'codecs/generated');
/** Apache Kafka's own spec files, when a checkout of ../shared is beside the project (or named by the variable). */
export const KAFKA_SPEC_ROOT = path.resolve(REPO_ROOT, process.env.EDDY_KAFKA_SPECS ?? '../shared/kafka-protocol');
export const KAFKA_SPECS_PRESENT = fs.existsSync(path.join(KAFKA_SPEC_ROOT, 'messages'));

/** Every message the codecs are generated from, top-level and internal-topic records alike. */
export function allMessageDefs(): MessageDef[] {
  const { messages, internal } = loadMessages(SPEC_ROOT);
  return [...messages, ...internal];
}

export type AnyCodec = MessageCodec<unknown, never>;

function isCodec(value: unknown): value is AnyCodec {
  return typeof value === 'object' && value !== null && 'decode' in value && 'encode' in value && 'minVersion' in value && 'kind' in value;
}

/** Every generated codec, found through the generated index. */
export function allCodecs(): AnyCodec[] {
  return Object.entries(generated)
    .filter(([name]) => name.endsWith('Codec'))
    .map(([, value]): unknown => value)
    .filter(isCodec);
}

export function codecByName(name: string): AnyCodec {
  const found = allCodecs().find((c) => c.name === name);
  if (found === undefined) throw new Error(`no codec named ${name}`);
  return found;
}

export type Variant = 'values' | 'nulls' | 'chunks';

const SAMPLE_UUID = '5f3c1a2b-9d8e-4f70-a1b2-c3d4e5f60718';

function primitiveSample(name: string, seed: number, variant: Variant): unknown {
  switch (name) {
    case 'bool':
      return true;
    case 'int8':
      return -5 + (seed % 3);
    case 'int16':
      return 300 + seed;
    case 'uint16':
      return 65000 + seed;
    case 'int32':
      return 70000 + seed;
    case 'uint32':
      return 4000000000 + seed;
    case 'int64':
      return 1234567890123n + BigInt(seed);
    case 'float64':
      return 1.5 + seed;
    case 'string':
      return `s${seed}-é`;
    case 'uuid':
      return SAMPLE_UUID;
    case 'bytes':
      return Buffer.from([1, 2, 3, seed & 0xff]);
    case 'records':
      return variant === 'chunks' ? [Buffer.alloc(1500, seed & 0xff), Buffer.from([9, 8, 7])] : Buffer.from([4, 5, 6, 7]);
  }
  throw new Error(`unknown primitive ${name}`);
}

function typeSample(t: FieldType, v: number, variant: Variant, seed: number, depth: number): unknown {
  if (t.kind === 'primitive') return primitiveSample(t.name, seed, variant);
  if (t.kind === 'struct') return structSample(t.struct, v, variant, seed + 1, depth + 1);
  const count = depth > 3 ? 1 : 2;
  return Array.from({ length: count }, (_, i) => typeSample(t.element, v, variant, seed + i * 7, depth));
}

export function structSample(s: StructDef, v: number, variant: Variant, seed = 1, depth = 0): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  s.fields.forEach((f: FieldDef, i: number) => {
    if (!f.versions.contains(v)) return;
    if (variant === 'nulls' && f.nullableVersions.contains(v)) {
      out[camelName(f.name)] = null;
      return;
    }
    out[camelName(f.name)] = typeSample(f.type, v, variant, seed + i, depth);
  });
  return out;
}

export function messageSample(m: MessageDef, v: number, variant: Variant): Record<string, unknown> {
  return structSample(m.root, v, variant);
}

/** Asserts that every value in `expected` is present in `actual` (Buffers by content, record chunks joined). */
export function expectContains(actual: unknown, expected: unknown, where = '$'): void {
  if (Buffer.isBuffer(expected)) {
    if (!Buffer.isBuffer(actual) || !actual.equals(expected)) throw new Error(`${where}: buffer mismatch`);
    return;
  }
  if (Array.isArray(expected)) {
    if (expected.length > 0 && expected.every((e) => Buffer.isBuffer(e))) {
      const joined = Buffer.concat(expected);
      if (!Buffer.isBuffer(actual) || !actual.equals(joined)) throw new Error(`${where}: record chunks mismatch`);
      return;
    }
    if (!Array.isArray(actual) || actual.length !== expected.length) throw new Error(`${where}: array length mismatch`);
    expected.forEach((e, i) => expectContains(actual[i], e, `${where}[${i}]`));
    return;
  }
  if (typeof expected === 'object' && expected !== null) {
    if (typeof actual !== 'object' || actual === null) throw new Error(`${where}: expected an object`);
    for (const [k, e] of Object.entries(expected)) {
      expectContains((actual as Record<string, unknown>)[k], e, `${where}.${k}`);
    }
    return;
  }
  if (actual !== expected) throw new Error(`${where}: ${String(actual)} !== ${String(expected)}`);
}

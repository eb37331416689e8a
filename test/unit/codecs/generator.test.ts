// The generator on small synthetic specs: version sets, widening checks, and the behaviour of emitted code for
// spec features the real messages use only rarely (hex/int64/uuid defaults, per-field flexibleVersions, tagged
// fields with non-null defaults, nullable tagged values).

import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import * as ts from 'typescript';
import { MessageEmitter } from '../../../codecs/generator/emit';
import { MessageDef, parseMessage } from '../../../codecs/generator/spec';
import { versionCondition, VersionSet } from '../../../codecs/generator/versions';
import { messageLayout, widen } from '../../../codecs/generator/widen';
import { MessageCodec, UnsupportedVersionError } from '../../../codecs/primitives/message-codec';
import { Reader } from '../../../codecs/primitives/reader';
import { Writer } from '../../../codecs/primitives/writer';

function spec(json: object, source = 'test.json'): MessageDef {
  const text = `// licence header line\n${JSON.stringify(json, null, 2)}\n  // trailing note\n`;
  const def = parseMessage(text, source);
  if (def === null) throw new Error('not a message');
  return def;
}

type LooseCodec = MessageCodec<Record<string, unknown>, Record<string, unknown>>;

/** Emits, transpiles and loads a codec for a synthetic spec, bound to the compiled primitives. */
function load(def: MessageDef): LooseCodec {
  const primitives = path.resolve(__dirname, '../../../codecs/primitives').split(path.sep).join('/');
  const source = new MessageEmitter(def).emit('test spec', primitives);
  const js = ts.transpileModule(source, { compilerOptions: { module: ts.ModuleKind.CommonJS, target: ts.ScriptTarget.ES2022 } });
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'eddy-codegen-'));
  const file = path.join(dir, `${def.name}.js`);
  fs.writeFileSync(file, js.outputText);
  try {
    const mod = require(file) as Record<string, LooseCodec>;
    return mod[`${def.name}Codec`];
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

function hexOf(codec: LooseCodec, value: Record<string, unknown>, v: number): string {
  const w = new Writer();
  codec.encode(value, w, v);
  return w.toBuffer().toString('hex');
}

describe('VersionSet', () => {
  test('parses every spec form', () => {
    expect(VersionSet.parse('0+', 'x').toString()).toBe('0+');
    expect(VersionSet.parse('3-5', 'x').toString()).toBe('3-5');
    expect(VersionSet.parse('2', 'x').toString()).toBe('2');
    expect(VersionSet.parse('none', 'x').isEmpty).toBe(true);
    expect(() => VersionSet.parse('1-', 'x')).toThrow();
  });
  test('conditions are simplified against the known range', () => {
    const within = VersionSet.range(0, 9);
    expect(versionCondition(VersionSet.parse('0+', 'x'), within)).toBe(true);
    expect(versionCondition(VersionSet.parse('10+', 'x'), within)).toBe(false);
    expect(versionCondition(VersionSet.parse('3+', 'x'), within)).toBe('v >= 3');
    expect(versionCondition(VersionSet.parse('0-4', 'x'), within)).toBe('v <= 4');
    expect(versionCondition(VersionSet.parse('3-4', 'x'), within)).toBe('(v >= 3 && v <= 4)');
    expect(versionCondition(VersionSet.parse('4', 'x'), within)).toBe('v === 4');
  });
  test('set algebra', () => {
    const a = VersionSet.parse('0-3', 'x').union(VersionSet.parse('5+', 'x'));
    expect(a.toString()).toBe('0-3,5+');
    expect(a.contains(4)).toBe(false);
    expect(VersionSet.parse('2+', 'x').complementWithin(VersionSet.range(0, 6)).toString()).toBe('0-1');
    expect(a.intersect(VersionSet.range(2, 6)).toString()).toBe('2-3,5-6');
  });
});

const THING = {
  apiKey: 999,
  type: 'request',
  name: 'ThingRequest',
  validVersions: '0-3',
  flexibleVersions: '2+',
  fields: [
    { name: 'Hex', type: 'int32', versions: '0+', default: '0x7fffffff' },
    { name: 'Big', type: 'int64', versions: '0+', default: '9223372036854775807' },
    { name: 'Flag', type: 'bool', versions: '1+', default: 'true' },
    { name: 'Id', type: 'uuid', versions: '0+', default: 'ABCDEF01-0000-0000-0000-000000000001' },
    { name: 'Classic', type: 'string', versions: '0+', nullableVersions: '0+', flexibleVersions: 'none', default: 'null' },
    { name: 'Name', type: 'string', versions: '0+' },
    { name: 'Note', type: 'string', versions: '2+', taggedVersions: '2+', tag: 5, nullableVersions: '2+', default: 'hi' },
    { name: 'Extra', type: '[]int16', versions: '3+', taggedVersions: '3+', tag: 1 },
  ],
};

describe('emitted code for spec features', () => {
  const codec = load(spec(THING));

  test('defaults: hex, int64, bool, uuid, null', () => {
    const decoded = codec.decode(new Reader(Buffer.from(hexOf(codec, {}, 0), 'hex')), 0);
    expect(decoded).toEqual({
      hex: 0x7fffffff,
      big: 9223372036854775807n,
      flag: true,
      id: 'abcdef01-0000-0000-0000-000000000001',
      classic: null,
      name: '',
      note: 'hi',
      extra: [],
    });
  });

  test('a per-field flexibleVersions override keeps the classic string in flexible versions', () => {
    const h = hexOf(codec, { hex: 1, big: 2n, flag: false, id: '00000000-0000-0000-0000-000000000000', classic: 'c', name: 'n' }, 2);
    expect(h).toBe('00000001' + '0000000000000002' + '00' + '0'.repeat(32) + '0001' + '63' + '02' + '6e' + '00');
  });

  test('tagged fields: omitted at default, null written as a compact null, tag order kept', () => {
    const prefix = hexOf(codec, {}, 3).slice(0, -2);
    expect(hexOf(codec, {}, 3)).toBe(prefix + '00');
    expect(hexOf(codec, { note: null }, 3)).toBe(prefix + '01' + '05' + '01' + '00');
    expect(hexOf(codec, { note: 'x', extra: [1, 2] }, 3)).toBe(prefix + '02' + '01' + '05' + '03' + '00010002' + '05' + '02' + '0278');
    const decoded = codec.decode(new Reader(Buffer.from(prefix + '01' + '05' + '01' + '00', 'hex')), 3);
    expect(decoded['note']).toBeNull();
  });

  test('tagged-only fields in non-flexible versions follow the absent-field rules', () => {
    expect(() => hexOf(codec, { note: 'x' }, 1)).toThrow(UnsupportedVersionError);
    expect(() => hexOf(codec, { note: 'hi' }, 1)).not.toThrow();
    expect(() => hexOf(codec, { flag: false }, 0)).toThrow(UnsupportedVersionError);
  });
});

describe('widening', () => {
  // Fields both releases define identically; each side adds one of its own.
  const a = { name: 'A', type: 'int32', versions: '0+' };
  const c = { name: 'C', type: 'string', versions: '2+' };
  const modern = {
    apiKey: 998,
    type: 'request',
    name: 'WideRequest',
    validVersions: '2-4',
    flexibleVersions: '4+',
    fields: [a, c, { name: 'D', type: 'int8', versions: '4+' }],
  };
  const legacy = {
    ...modern,
    validVersions: '0-3',
    flexibleVersions: 'none',
    fields: [a, { name: 'Old', type: 'int64', versions: '0-1' }, c],
  };

  test('legacy-only fields keep their wire position and the union range is covered', () => {
    const merged = widen(spec(modern, 'messages/W.json'), spec(legacy, 'legacy-3.9/W.json'), true);
    expect(merged.validVersions.toString()).toBe('0-4');
    expect(merged.root.fields.map((f) => f.name)).toEqual(['A', 'Old', 'C', 'D']);
    expect(messageLayout(merged, 1)).toBe('int32,int64');
    expect(messageLayout(merged, 4)).toBe('int32,stringc,int8|tags()');
    const codec = load(merged);
    const v1 = hexOf(codec, { a: 1, old: 2n }, 1);
    expect(v1).toBe('00000001' + '0000000000000002');
    expect(codec.decode(new Reader(Buffer.from(v1, 'hex')), 1)).toMatchObject({ a: 1, old: 2n, c: '', d: 0 });
  });

  test('versions below the modern minimum are not taken when widening is disabled', () => {
    const merged = widen(spec(modern), spec(legacy), false);
    expect(merged.validVersions.toString()).toBe('2-4');
  });

  test('a layout disagreement on a shared version fails loudly', () => {
    const broken = { ...legacy, fields: [...legacy.fields, { name: 'E', type: 'int8', versions: '3+' }] };
    expect(() => widen(spec(modern), spec(broken), true)).toThrow(/v3 differs/);
  });
});

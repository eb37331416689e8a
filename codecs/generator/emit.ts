// Turns one (possibly widened) message definition into a TypeScript module: interfaces, Init types and
// straight-line decode/encode functions with version checks resolved to plain comparisons.

import { collectStructs, FieldDef, FieldType, MessageDef, StructDef } from './spec';
import { versionCondition, VersionSet } from './versions';

type Cond = string | boolean;

const KEEP_UNKNOWN = 'unknownTaggedFields = keepRawTaggedField(unknownTaggedFields, r, tag, end);';

const ZERO_UUID = '00000000-0000-0000-0000-000000000000';
/** Spec types with one Reader/Writer method each (`read<Suffix>`/`write<Suffix>`), whatever the version. */
const FIXED_SIZE_ACCESSOR: ReadonlyMap<string, string> = new Map([
  ['bool', 'Bool'],
  ['int8', 'Int8'],
  ['int16', 'Int16'],
  ['uint16', 'UInt16'],
  ['int32', 'Int32'],
  ['uint32', 'UInt32'],
  ['int64', 'Int64'],
  ['float64', 'Float64'],
  ['uuid', 'Uuid'],
]);

export function camelName(name: string): string {
  return name.charAt(0).toLowerCase() + name.slice(1);
}

function paren(c: string): string {
  return /^[\w.]+( (===|>=|<=) -?\d+)?$/.test(c) ? c : `(${c})`;
}

function choose(cond: Cond, whenTrue: string, whenFalse: string): string {
  if (cond === true) return whenTrue;
  if (cond === false) return whenFalse;
  return `${paren(cond)} ? ${whenTrue} : ${whenFalse}`;
}

function andCond(a: Cond, b: string): Cond {
  if (a === false) return false;
  if (a === true) return b;
  return `${paren(a)} && ${b}`;
}

class Lines {
  readonly out: string[] = [];
  private depth = 0;
  line(text: string): void {
    this.out.push(text === '' ? '' : '  '.repeat(this.depth) + text);
  }
  open(text: string): void {
    this.line(text);
    this.depth++;
  }
  indent(): void {
    this.depth++;
  }
  dedent(): void {
    this.depth--;
  }
  close(text = '}'): void {
    this.depth--;
    this.line(text);
  }
  /** Like guarded, but always gives `body` its own block scope (for local declarations). */
  scoped(cond: Cond, body: () => void): void {
    if (cond === false) return;
    this.open(cond === true ? '{' : `if (${cond}) {`);
    body();
    this.close();
  }
  /** Emits `body` inside `if (cond)`, directly when always true, not at all when never true. */
  guarded(cond: Cond, body: () => void): void {
    if (cond === false) return;
    if (cond === true) {
      body();
      return;
    }
    this.open(`if (${cond}) {`);
    body();
    this.close();
  }
}

export class MessageEmitter {
  private readonly within: VersionSet;
  private readonly flex: VersionSet;
  private readonly structs: StructDef[];
  private readonly names = new Map<StructDef, string>();
  private loopDepth = 0;

  constructor(private readonly m: MessageDef) {
    this.within = m.validVersions;
    this.flex = m.flexibleVersions;
    this.structs = [m.root, ...collectStructs(m.root)];
    const used = new Set<string>();
    for (const s of this.structs) {
      const name = s === m.root ? m.name : `${m.name}${s.typeName}`;
      if (used.has(name)) throw new Error(`${m.name}: two different structs would both be named ${name}`);
      used.add(name);
      this.names.set(s, name);
    }
  }

  private iface(s: StructDef): string {
    const n = this.names.get(s);
    if (n === undefined) throw new Error(`${this.m.name}: struct ${s.typeName} not collected`);
    return n;
  }

  // ---- types -------------------------------------------------------------------------------------------------

  private isNullable(f: FieldDef): boolean {
    return !f.nullableVersions.intersect(this.within).isEmpty;
  }

  private tsType(t: FieldType, decoded: boolean): string {
    switch (t.kind) {
      case 'primitive':
        switch (t.name) {
          case 'int64':
            return 'bigint';
          case 'bool':
            return 'boolean';
          case 'string':
          case 'uuid':
            return 'string';
          case 'bytes':
            return 'Buffer';
          case 'records':
            return decoded ? 'Buffer' : 'Buffer | readonly Buffer[]';
          default:
            return 'number';
        }
      case 'array':
        return decoded ? `${this.tsType(t.element, true)}[]` : `readonly ${this.tsType(t.element, false)}[]`;
      case 'struct':
        return decoded ? this.iface(t.struct) : `${this.iface(t.struct)}Init`;
    }
  }

  private fieldType(f: FieldDef, decoded: boolean): string {
    const base = this.tsType(f.type, decoded);
    const isRecords = f.type.kind === 'primitive' && f.type.name === 'records';
    return this.isNullable(f) || isRecords ? `${base} | null` : base;
  }

  // ---- defaults ----------------------------------------------------------------------------------------------

  private where(f: FieldDef): string {
    return `${this.m.name}.${f.name}`;
  }

  private defaultExpr(f: FieldDef): string {
    const d = f.defaultValue;
    if (d === 'null') {
      if (!this.isNullable(f)) throw new Error(`${this.where(f)}: default null on a non-nullable field`);
      return 'null';
    }
    const t = f.type;
    if (t.kind === 'array') {
      if (d !== undefined) throw new Error(`${this.where(f)}: unsupported array default ${d}`);
      return '[]';
    }
    if (t.kind === 'struct') {
      if (d !== undefined) throw new Error(`${this.where(f)}: unsupported struct default ${d}`);
      return `default${this.iface(t.struct)}()`;
    }
    switch (t.name) {
      case 'bool':
        if (d === undefined) return 'false';
        if (d !== 'true' && d !== 'false') throw new Error(`${this.where(f)}: bad bool default ${d}`);
        return d;
      case 'int8':
      case 'int16':
      case 'uint16':
      case 'int32':
      case 'uint32':
      case 'float64': {
        if (d === undefined) return '0';
        const n = Number(d);
        if (!Number.isFinite(n)) throw new Error(`${this.where(f)}: bad numeric default ${d}`);
        return String(n);
      }
      case 'int64': {
        if (d === undefined) return '0n';
        const negative = d.startsWith('-');
        const magnitude = BigInt(negative ? d.slice(1) : d);
        return `${negative ? -magnitude : magnitude}n`;
      }
      case 'string':
        return JSON.stringify(d ?? '');
      case 'uuid':
        return JSON.stringify((d ?? ZERO_UUID).toLowerCase());
      case 'bytes':
        if (d !== undefined) throw new Error(`${this.where(f)}: unsupported bytes default ${d}`);
        return 'EMPTY_BUFFER';
      case 'records':
        return 'null';
    }
  }

  /** Expression true when `val` (known not to be undefined) differs from the field's default. */
  private nonDefault(f: FieldDef, val: string): string {
    if (f.defaultValue === 'null') return `${val} !== null`;
    const t = f.type;
    if (t.kind === 'array') return `(${val} === null || ${val}.length !== 0)`;
    if (t.kind === 'struct') return `(${val} === null || !isDefault${this.iface(t.struct)}(${val}))`;
    if (t.name === 'bytes') return `(${val} === null || ${val}.length !== 0)`;
    if (t.name === 'records') return `${val} !== null`;
    return `${val} !== ${this.defaultExpr(f)}`;
  }

  // ---- decoding ----------------------------------------------------------------------------------------------

  private primitiveRead(name: string, compact: Cond, nullable: Cond): string {
    const fixed = FIXED_SIZE_ACCESSOR.get(name);
    if (fixed !== undefined) return `r.read${fixed}()`;
    switch (name) {
      case 'string':
        return choose(
          nullable,
          choose(compact, 'r.readCompactNullableString()', 'r.readNullableString()'),
          choose(compact, 'r.readCompactString()', 'r.readString()'),
        );
      case 'bytes':
      case 'records':
        return choose(
          nullable,
          choose(compact, 'r.readCompactNullableBytes()', 'r.readNullableBytes()'),
          choose(compact, 'r.readCompactBytes()', 'r.readBytes()'),
        );
    }
    throw new Error(`unknown primitive ${name}`);
  }

  private emitRead(L: Lines, target: string, f: FieldDef, t: FieldType, compact: Cond, nullable: Cond, tagged: boolean): void {
    if (t.kind === 'primitive') {
      L.line(`${target} = ${this.primitiveRead(t.name, compact, nullable)};`);
      return;
    }
    if (t.kind === 'struct') {
      const decode = `decode${this.iface(t.struct)}(r, v)`;
      const marker = tagged ? 'r.readUnsignedVarint() === 0' : 'r.readInt8() < 0';
      L.line(`${target} = ${choose(nullable, `${marker} ? null : ${decode}`, decode)};`);
      return;
    }
    const d = this.loopDepth++;
    const n = `n${d}`;
    const a = `a${d}`;
    const i = `i${d}`;
    L.line(`const ${n} = ${choose(compact, 'r.readCompactArrayLength()', 'r.readArrayLength()')};`);
    L.open(`if (${n} < 0) {`);
    const nullFail = `throw new ProtocolDecodeError('${this.where(f)} is not nullable in version ' + v);`;
    if (nullable === true) L.line(`${target} = null;`);
    else if (nullable === false) L.line(nullFail);
    else {
      L.line(`if (${nullable}) ${target} = null;`);
      L.line(`else ${nullFail}`);
    }
    L.close('} else {');
    L.indent();
    L.line(`const ${a}: ${this.tsType(t.element, true)}[] = [];`);
    L.open(`for (let ${i} = 0; ${i} < ${n}; ${i}++) {`);
    const el = t.element;
    if (el.kind === 'array') throw new Error(`${this.where(f)}: nested arrays are not supported`);
    if (el.kind === 'struct') L.line(`${a}.push(decode${this.iface(el.struct)}(r, v));`);
    else L.line(`${a}.push(${this.primitiveRead(el.name, compact, false)});`);
    L.close();
    L.line(`${target} = ${a};`);
    L.close();
    this.loopDepth--;
  }

  private regularVersions(f: FieldDef): VersionSet {
    return f.taggedVersions.complementWithin(f.versions.intersect(this.within));
  }

  private taggedVersionsOf(f: FieldDef): VersionSet {
    return f.taggedVersions.intersect(f.versions).intersect(this.within);
  }

  private emitDecoder(L: Lines, s: StructDef): void {
    const name = this.iface(s);
    L.open(`function decode${name}(r: Reader, v: number): ${name} {`);
    const fields = s.fields;
    for (const f of fields) {
      const always = this.regularVersions(f).equals(this.within);
      const decl = `let _${camelName(f.name)}: ${this.fieldType(f, true)}`;
      L.line(always ? `${decl};` : `${decl} = ${this.defaultExpr(f)};`);
    }
    const flexible = this.hasFlexibleVersions();
    if (flexible) L.line('let unknownTaggedFields: RawTaggedField[] | undefined;');
    for (const f of fields) {
      const regular = this.regularVersions(f);
      if (regular.isEmpty) continue;
      const present = versionCondition(regular, this.within);
      const emitBlock = f.type.kind === 'array' ? L.scoped.bind(L) : L.guarded.bind(L);
      emitBlock(present, () => {
        const compact = versionCondition(f.flexibleOverride ?? this.flex, regular);
        const nullable = versionCondition(f.nullableVersions, regular);
        this.emitRead(L, `_${camelName(f.name)}`, f, f.type, compact, nullable, false);
      });
    }
    const flexCond = versionCondition(this.flex, this.within);
    const tagged = fields.filter((f) => !this.taggedVersionsOf(f).isEmpty).sort((a, b) => (a.tag ?? 0) - (b.tag ?? 0));
    if (tagged.length === 0) {
      L.guarded(flexCond, () => L.line('unknownTaggedFields = readRawTaggedFields(r);'));
    } else {
      L.guarded(flexCond, () => {
        L.line('const tagCount = r.readUnsignedVarint();');
        L.open('for (let t = 0; t < tagCount; t++) {');
        L.line('const tag = r.readUnsignedVarint();');
        L.line('const size = r.readUnsignedVarint();');
        L.line('r.ensure(size);');
        L.line('const end = r.offset + size;');
        L.open('switch (tag) {');
        for (const f of tagged) {
          const tv = this.taggedVersionsOf(f);
          L.open(`case ${f.tag}: {`);
          const known = versionCondition(tv, this.flex.intersect(this.within));
          const read = (): void => this.emitRead(L, `_${camelName(f.name)}`, f, f.type, true, versionCondition(f.nullableVersions, tv), true);
          // In a version where this tag means nothing yet, it is some other writer's field: kept like any unknown one.
          if (known === true) read();
          else if (known === false) L.line(KEEP_UNKNOWN);
          else {
            L.open(`if (${known}) {`);
            read();
            L.close('} else {');
            L.indent();
            L.line(KEEP_UNKNOWN);
            L.close();
          }
          L.line('break;');
          L.close();
        }
        L.open('default:');
        L.line(KEEP_UNKNOWN);
        L.line('break;');
        L.dedent();
        L.close();
        L.line('r.endTaggedField(end);');
        L.close();
      });
    }
    L.open(flexible ? `const decoded: ${name} = {` : 'return {');
    for (const f of fields) L.line(`${camelName(f.name)}: _${camelName(f.name)},`);
    L.close('};');
    if (flexible) {
      // Only a struct that had unknown fields carries the property, so decoded values compare as before.
      L.line('if (unknownTaggedFields !== undefined) decoded.unknownTaggedFields = unknownTaggedFields;');
      L.line('return decoded;');
    }
    L.close();
  }

  /** Whether some version this codec serves is flexible: only then can a struct hold tagged fields. */
  private hasFlexibleVersions(): boolean {
    return !this.flex.intersect(this.within).isEmpty;
  }

  // ---- encoding ----------------------------------------------------------------------------------------------

  private primitiveWrite(name: string, w: string, val: string, compact: Cond): string {
    const fixed = FIXED_SIZE_ACCESSOR.get(name);
    if (fixed !== undefined) return `${w}.write${fixed}(${val});`;
    switch (name) {
      case 'string':
        return `${choose(compact, `${w}.writeCompactString(${val})`, `${w}.writeString(${val})`)};`;
      case 'bytes':
        return `${choose(compact, `${w}.writeCompactBytes(${val})`, `${w}.writeBytes(${val})`)};`;
    }
    throw new Error(`unknown primitive ${name}`);
  }

  private emitNullBranch(L: Lines, f: FieldDef, nullable: Cond, writeNull: string): void {
    const fail = `throw fieldNotNullable('${this.m.name}', '${camelName(f.name)}', v);`;
    if (nullable === true) L.line(writeNull);
    else if (nullable === false) L.line(fail);
    else {
      L.line(`if (${nullable}) ${writeNull}`);
      L.line(`else ${fail}`);
    }
  }

  private emitWrite(L: Lines, w: string, val: string, f: FieldDef, t: FieldType, compact: Cond, nullable: Cond, tagged: boolean): void {
    if (t.kind === 'primitive') {
      if (t.name === 'records') {
        const fail = `throw fieldNotNullable('${this.m.name}', '${camelName(f.name)}', v);`;
        if (nullable === false) L.line(`if (${val} === null) ${fail}`);
        else if (nullable !== true) L.line(`if (${val} === null && !${paren(nullable)}) ${fail}`);
        L.line(`${w}.writeRecords(${val}, ${String(compact)});`);
        return;
      }
      if (t.name !== 'string' && t.name !== 'bytes') {
        L.line(this.primitiveWrite(t.name, w, val, compact));
        return;
      }
      L.open(`if (${val} === null) {`);
      const writeNull =
        t.name === 'string'
          ? `${choose(compact, `${w}.writeUnsignedVarint(0)`, `${w}.writeInt16(-1)`)};`
          : `${choose(compact, `${w}.writeUnsignedVarint(0)`, `${w}.writeInt32(-1)`)};`;
      this.emitNullBranch(L, f, nullable, writeNull);
      L.close('} else {');
      L.indent();
      L.line(this.primitiveWrite(t.name, w, val, compact));
      L.close();
      return;
    }
    if (t.kind === 'struct') {
      const encode = `encode${this.iface(t.struct)}(${w}, ${val}, v);`;
      L.open(`if (${val} === null) {`);
      this.emitNullBranch(L, f, nullable, tagged ? `${w}.writeUnsignedVarint(0);` : `${w}.writeInt8(-1);`);
      L.close('} else {');
      L.indent();
      const marker = tagged ? `${w}.writeUnsignedVarint(1);` : `${w}.writeInt8(1);`;
      if (nullable === true) L.line(marker);
      else if (nullable !== false) L.line(`if (${nullable}) ${marker}`);
      L.line(encode);
      L.close();
      return;
    }
    const d = this.loopDepth++;
    const e = `e${d}`;
    L.open(`if (${val} === null) {`);
    this.emitNullBranch(L, f, nullable, `${choose(compact, `${w}.writeCompactArrayLength(-1)`, `${w}.writeArrayLength(-1)`)};`);
    L.close('} else {');
    L.indent();
    L.line(`${choose(compact, `${w}.writeCompactArrayLength(${val}.length)`, `${w}.writeArrayLength(${val}.length)`)};`);
    const el = t.element;
    if (el.kind === 'array') throw new Error(`${this.where(f)}: nested arrays are not supported`);
    if (el.kind === 'struct') L.line(`for (const ${e} of ${val}) encode${this.iface(el.struct)}(${w}, ${e}, v);`);
    else L.line(`for (const ${e} of ${val}) ${this.primitiveWrite(el.name, w, e, compact)}`);
    L.close();
    this.loopDepth--;
  }

  private emitEncoder(L: Lines, s: StructDef): void {
    const name = this.iface(s);
    L.open(`function encode${name}(w: Writer, x: ${name}Init, v: number): void {`);
    for (const f of s.fields) {
      const prop = `x.${camelName(f.name)}`;
      const regular = this.regularVersions(f);
      if (!regular.isEmpty) {
        L.scoped(versionCondition(regular, this.within), () => {
          L.line(`const val = ${prop} === undefined ? ${this.defaultExpr(f)} : ${prop};`);
          const compact = versionCondition(f.flexibleOverride ?? this.flex, regular);
          const nullable = versionCondition(f.nullableVersions, regular);
          this.emitWrite(L, 'w', 'val', f, f.type, compact, nullable, false);
        });
      }
      const absent = f.versions.complementWithin(this.within);
      if (!f.ignorable && !absent.isEmpty) {
        const cond = andCond(versionCondition(absent, this.within), `${prop} !== undefined && !w.dropsAbsentFields`);
        if (cond !== false) {
          L.line(`if (${cond} && ${this.nonDefault(f, prop)}) throw fieldAbsentInVersion('${this.m.name}', '${camelName(f.name)}', v);`);
        }
      }
    }
    const flexCond = versionCondition(this.flex, this.within);
    const tagged = s.fields.filter((f) => !this.taggedVersionsOf(f).isEmpty).sort((a, b) => (a.tag ?? 0) - (b.tag ?? 0));
    if (tagged.length === 0) {
      L.guarded(flexCond, () => L.line('writeOnlyRawTaggedFields(w, x.unknownTaggedFields);'));
    } else {
      L.guarded(flexCond, () => {
        for (const f of tagged) {
          const prop = `x.${camelName(f.name)}`;
          const cond = andCond(versionCondition(this.taggedVersionsOf(f), this.flex.intersect(this.within)), `${prop} !== undefined`);
          L.line(`const tag${f.tag} = ${cond} && ${this.nonDefault(f, prop)};`);
        }
        const known = tagged.map((f) => `(tag${f.tag} ? 1 : 0)`).join(' + ');
        L.line(`w.writeUnsignedVarint(${known} + (x.unknownTaggedFields?.length ?? 0));`);
        // Kept fields go between the known ones, in ascending tag order.
        L.line('let unknownWritten = 0;');
        for (const f of tagged) {
          const prop = `x.${camelName(f.name)}`;
          L.line(`unknownWritten = writeRawTaggedFields(w, x.unknownTaggedFields, unknownWritten, ${f.tag});`);
          L.open(`if (tag${f.tag}) {`);
          L.line(`const val = ${prop};`);
          L.open('if (val !== undefined) {');
          L.line('const tw = new Writer(64);');
          const nullable = versionCondition(f.nullableVersions, this.taggedVersionsOf(f));
          this.emitWrite(L, 'tw', 'val', f, f.type, true, nullable, true);
          L.line(`w.writeUnsignedVarint(${f.tag});`);
          L.line('w.writeUnsignedVarint(tw.length);');
          L.line('w.writeWriter(tw);');
          L.close();
          L.close();
        }
        L.line('writeRawTaggedFields(w, x.unknownTaggedFields, unknownWritten, Infinity);');
      });
    }
    L.close();
  }

  // ---- declarations ------------------------------------------------------------------------------------------

  private emitTypes(L: Lines, s: StructDef): void {
    const name = this.iface(s);
    const flexible = this.hasFlexibleVersions();
    L.open(`export interface ${name} {`);
    for (const f of s.fields) L.line(`${camelName(f.name)}: ${this.fieldType(f, true)};`);
    if (flexible) L.line('/** tagged fields this codec does not know, kept to be written again; absent when there were none */');
    if (flexible) L.line('unknownTaggedFields?: RawTaggedField[];');
    L.close();
    L.line('');
    L.open(`export type ${name}Init = {`);
    for (const f of s.fields) L.line(`${camelName(f.name)}?: ${this.fieldType(f, false)};`);
    if (flexible) L.line('unknownTaggedFields?: readonly RawTaggedField[];');
    L.close('};');
    L.line('');
  }

  private emitDefaults(L: Lines, s: StructDef): void {
    const name = this.iface(s);
    L.open(`function default${name}(): ${name} {`);
    if (s.fields.length === 0) L.line('return {};');
    else {
      L.open('return {');
      for (const f of s.fields) L.line(`${camelName(f.name)}: ${this.defaultExpr(f)},`);
      L.close('};');
    }
    L.close();
    L.line('');
    L.open(`function isDefault${name}(x: ${name}Init): boolean {`);
    const parts = s.fields.map((f) => {
      const prop = `x.${camelName(f.name)}`;
      return `(${prop} === undefined || !${paren(this.nonDefault(f, prop))})`;
    });
    if (this.hasFlexibleVersions()) parts.push('(x.unknownTaggedFields === undefined || x.unknownTaggedFields.length === 0)');
    L.line(`return ${parts.length === 0 ? 'true' : parts.join(' &&\n    ')};`);
    L.close();
    L.line('');
  }

  emit(sourceNote: string, primitivesPath: string): string {
    const m = this.m;
    const L = new Lines();
    for (const s of this.structs) this.emitTypes(L, s);
    for (const s of this.structs) this.emitDefaults(L, s);
    for (const s of this.structs) {
      this.emitDecoder(L, s);
      L.line('');
      this.emitEncoder(L, s);
      L.line('');
    }
    const min = this.within.min;
    const max = this.within.max;
    const flexMin = this.flex.intersect(this.within).isEmpty ? 'null' : String(this.flex.intersect(this.within).min);
    L.open(`export const ${m.name}Codec: MessageCodec<${m.name}, ${m.name}Init> = {`);
    L.line(`name: '${m.name}',`);
    L.line(`apiKey: ${m.apiKey ?? -1},`);
    L.line(`kind: '${m.kind}',`);
    L.line(`minVersion: ${min},`);
    L.line(`maxVersion: ${max},`);
    L.line(`flexibleMinVersion: ${flexMin},`);
    L.open(`decode(reader: Reader, version: number): ${m.name} {`);
    L.line(`checkVersion('${m.name}', version, ${min}, ${max});`);
    L.line(`return decode${m.name}(reader, version);`);
    L.close('},');
    L.open(`encode(value: ${m.name}Init, writer: Writer, version: number): void {`);
    L.line(`checkVersion('${m.name}', version, ${min}, ${max});`);
    L.line(`encode${m.name}(writer, value, version);`);
    L.close('},');
    L.close('};');
    const body = L.out.join('\n') + '\n';
    const uses = (id: string): boolean => new RegExp(`\\b${id}\\b`).test(body);
    const readerImports = ['ProtocolDecodeError', 'Reader'].filter(uses);
    const supportImports = ['checkVersion', 'EMPTY_BUFFER', 'fieldAbsentInVersion', 'fieldNotNullable'].filter(uses);
    const rawTagImports = ['keepRawTaggedField', 'RawTaggedField', 'readRawTaggedFields', 'writeOnlyRawTaggedFields', 'writeRawTaggedFields'].filter(uses);
    const header = [
      `// Generated by \`npm run codegen\` from ${sourceNote}. Do not edit.`,
      '',
      `import { ${readerImports.join(', ')} } from '${primitivesPath}/reader';`,
      `import { Writer } from '${primitivesPath}/writer';`,
      `import { MessageCodec } from '${primitivesPath}/message-codec';`,
      `import { ${supportImports.join(', ')} } from '${primitivesPath}/codec-support';`,
      ...(rawTagImports.length > 0 ? [`import { ${rawTagImports.join(', ')} } from '${primitivesPath}/raw-tagged-fields';`] : []),
      '',
    ];
    return header.join('\n') + '\n' + body;
  }
}

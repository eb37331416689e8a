// Version widening: Kafka 4.x dropped old versions of several APIs, but older clients still send them. The 3.9
// spec describes those versions, so a message's codec covers the union of both ranges. Kafka never changes a
// released version's layout, and this module proves that for the shared versions instead of trusting it.

import { FieldDef, FieldType, MessageDef, StructDef } from './spec';
import { OPEN_END, VersionSet } from './versions';

function typeLayout(t: FieldType, compact: boolean, nullable: boolean, flex: VersionSet, v: number): string {
  const c = compact ? 'c' : '';
  const n = nullable ? '?' : '';
  switch (t.kind) {
    case 'primitive':
      return t.name === 'string' || t.name === 'bytes' || t.name === 'records' ? `${t.name}${c}${n}` : t.name;
    case 'array':
      return `[${c}${n}${typeLayout(t.element, compact, false, flex, v)}]`;
    case 'struct':
      return `${n}{${structLayout(t.struct, flex, v)}}`;
  }
}

/** A canonical description of the bytes a struct occupies at version v (names and defaults excluded). */
export function structLayout(s: StructDef, flex: VersionSet, v: number): string {
  const regular: string[] = [];
  const tagged: Array<[number, string]> = [];
  for (const f of s.fields) {
    if (!f.versions.contains(v)) continue;
    const nullable = f.nullableVersions.contains(v);
    if (f.taggedVersions.contains(v)) {
      tagged.push([f.tag ?? -1, typeLayout(f.type, true, nullable, flex, v)]);
    } else {
      const compact = (f.flexibleOverride ?? flex).contains(v);
      regular.push(typeLayout(f.type, compact, nullable, flex, v));
    }
  }
  let out = regular.join(',');
  if (flex.contains(v)) {
    tagged.sort((a, b) => a[0] - b[0]);
    out += `|tags(${tagged.map(([tag, l]) => `${tag}=${l}`).join(',')})`;
  }
  return out;
}

export function messageLayout(m: MessageDef, v: number): string {
  return structLayout(m.root, m.flexibleVersions, v);
}

function finiteVersions(set: VersionSet): number[] {
  const out: number[] = [];
  for (const i of set.intervals) {
    const hi = i.hi === OPEN_END ? i.lo : i.hi;
    for (let v = i.lo; v <= hi; v++) out.push(v);
  }
  return out;
}

function assertSameLayout(a: MessageDef, b: MessageDef, versions: VersionSet, what: string): void {
  for (const v of finiteVersions(versions)) {
    const la = messageLayout(a, v);
    const lb = messageLayout(b, v);
    if (la !== lb) {
      throw new Error(`${what}: ${a.name} v${v} differs between ${a.sources.join('+')} and ${b.sources.join('+')}\n  ${la}\n  ${lb}`);
    }
  }
}

function sameTypeShape(a: FieldType, b: FieldType): boolean {
  if (a.kind === 'primitive' && b.kind === 'primitive') return a.name === b.name;
  if (a.kind === 'array' && b.kind === 'array') return sameTypeShape(a.element, b.element);
  return a.kind === 'struct' && b.kind === 'struct';
}

class Merger {
  private readonly structs = new Map<StructDef, StructDef>();
  constructor(
    private readonly low: VersionSet,
    private readonly high: VersionSet,
    private readonly modernFlex: VersionSet,
    private readonly legacyFlex: VersionSet,
  ) {}

  private split(modern: VersionSet, legacy: VersionSet): VersionSet {
    return modern.intersect(this.high).union(legacy.intersect(this.low));
  }

  mergeStruct(modern: StructDef, legacy: StructDef): StructDef {
    const known = this.structs.get(modern);
    if (known !== undefined) return known;
    const merged: StructDef = { typeName: modern.typeName, fields: [] };
    this.structs.set(modern, merged);

    const legacyByName = new Map(legacy.fields.map((f) => [f.name, f]));
    const modernIndexOf = new Map<string, number>();
    modern.fields.forEach((f, i) => modernIndexOf.set(f.name, i));
    // Legacy-only fields keep their wire position: they follow whichever matched field preceded them in 3.9.
    const insertAfter = new Map<number, FieldDef[]>();
    let lastMatched = -1;
    for (const g of legacy.fields) {
      const idx = modernIndexOf.get(g.name);
      const f = idx === undefined ? undefined : modern.fields[idx];
      if (f !== undefined && idx !== undefined && sameTypeShape(f.type, g.type)) {
        lastMatched = idx;
        continue;
      }
      const list = insertAfter.get(lastMatched) ?? [];
      list.push(g);
      insertAfter.set(lastMatched, list);
    }
    const emitLegacyOnly = (after: number): void => {
      for (const g of insertAfter.get(after) ?? []) {
        const versions = g.versions.intersect(this.low);
        if (versions.isEmpty) continue;
        merged.fields.push({
          ...g,
          versions,
          nullableVersions: g.nullableVersions.intersect(this.low),
          taggedVersions: g.taggedVersions.intersect(this.low),
        });
      }
    };
    emitLegacyOnly(-1);
    modern.fields.forEach((f, i) => {
      const gCandidate = legacyByName.get(f.name);
      const g = gCandidate !== undefined && sameTypeShape(f.type, gCandidate.type) ? gCandidate : undefined;
      merged.fields.push(this.mergeField(f, g));
      emitLegacyOnly(i);
    });
    return merged;
  }

  private mergeType(modern: FieldType, legacy: FieldType | undefined): FieldType {
    if (legacy === undefined) return modern;
    if (modern.kind === 'struct' && legacy.kind === 'struct') {
      return { kind: 'struct', struct: this.mergeStruct(modern.struct, legacy.struct) };
    }
    if (modern.kind === 'array' && legacy.kind === 'array') {
      return { kind: 'array', element: this.mergeType(modern.element, legacy.element) };
    }
    return modern;
  }

  private mergeField(f: FieldDef, g: FieldDef | undefined): FieldDef {
    if (g === undefined) {
      return {
        ...f,
        versions: f.versions.intersect(this.high),
        nullableVersions: f.nullableVersions.intersect(this.high),
        taggedVersions: f.taggedVersions.intersect(this.high),
      };
    }
    const override =
      f.flexibleOverride === null && g.flexibleOverride === null
        ? null
        : this.split(f.flexibleOverride ?? this.modernFlex, g.flexibleOverride ?? this.legacyFlex);
    return {
      ...f,
      type: this.mergeType(f.type, g.type),
      versions: this.split(f.versions, g.versions),
      nullableVersions: this.split(f.nullableVersions, g.nullableVersions),
      taggedVersions: this.split(f.taggedVersions, g.taggedVersions),
      tag: f.tag ?? g.tag,
      flexibleOverride: override,
    };
  }
}

/**
 * Checks that `legacy` and `modern` agree on every version both define, and — when `takeLowerVersions` — returns one
 * definition covering the legacy versions below the modern minimum as well. Throws on any disagreement.
 */
export function widen(modern: MessageDef, legacy: MessageDef, takeLowerVersions: boolean): MessageDef {
  const shared = modern.validVersions.intersect(legacy.validVersions);
  assertSameLayout(modern, legacy, shared, 'versions present in both specs disagree');
  const boundary = modern.validVersions.min;
  const low = VersionSet.range(0, boundary - 1);
  const high = VersionSet.range(boundary, OPEN_END);
  const lowerVersions = legacy.validVersions.intersect(low);
  if (!takeLowerVersions || lowerVersions.isEmpty) {
    return { ...modern, sources: [...modern.sources, ...legacy.sources] };
  }
  const merger = new Merger(low, high, modern.flexibleVersions, legacy.flexibleVersions);
  const merged: MessageDef = {
    ...modern,
    validVersions: lowerVersions.union(modern.validVersions),
    flexibleVersions: legacy.flexibleVersions.intersect(low).union(modern.flexibleVersions.intersect(high)),
    root: merger.mergeStruct(modern.root, legacy.root),
    sources: [...modern.sources, ...legacy.sources],
  };
  assertSameLayout(merged, legacy, lowerVersions, 'widened codec does not reproduce the legacy layout');
  assertSameLayout(merged, modern, modern.validVersions, 'widened codec does not reproduce the modern layout');
  return merged;
}

// CLI: node dist/codecs/generator/refresh-specs.js <Kafka spec tree> [output folder, default codecs/specs]
// (`npm run specs:refresh -- <tree>`). The codec generator reads codecs/specs, the project's own copy of the
// STRUCTURE of Apache Kafka's JSON message specs, so a clone regenerates its codecs without the Kafka sources.
// This script rebuilds that copy from a Kafka spec tree (folders messages/, legacy-3.9/, internal/ as in
// ../shared/kafka-protocol): it keeps only the files the generator uses and, in them, only the keys that define
// the wire format; descriptions and comment lines are dropped.

import * as fs from 'fs';
import * as path from 'path';
import { loadMessages } from './generate';
import { writeFolder } from './output-folder';
import { stripComments } from './spec';

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
type JsonObject = { [key: string]: Json };

/** Keys that shape the encoding or the generated API, per kind of object; `fields` and `commonStructs` nest. */
const KEPT_KEYS = {
  message: new Set(['apiKey', 'type', 'listeners', 'name', 'validVersions', 'flexibleVersions', 'latestVersionUnstable', 'commonStructs', 'fields']),
  commonStruct: new Set(['name', 'versions', 'fields']),
  field: new Set([
    'name',
    'type',
    'versions',
    'nullableVersions',
    'taggedVersions',
    'tag',
    'flexibleVersions',
    'default',
    'ignorable',
    'entityType',
    'mapKey',
    'fields',
  ]),
};
type ObjectKind = keyof typeof KEPT_KEYS;

/**
 * Keys known to carry no wire structure (prose, deprecation notes, a Java allocation hint). Any other key is an
 * error, so a spec feature added by a future Kafka release cannot be dropped without someone deciding on it.
 */
const DROPPED_KEYS: ReadonlySet<string> = new Set(['about', 'deprecatedVersions', 'zeroCopy']);

function isObject(value: Json): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function childKind(kind: ObjectKind, key: string): ObjectKind {
  return kind === 'message' && key === 'commonStructs' ? 'commonStruct' : 'field';
}

/** Prints one spec object as JSON with one field per line, so a spec change shows as a readable diff. */
function formatStructure(obj: JsonObject, kind: ObjectKind, where: string, indent: string): string {
  const parts: string[] = [];
  for (const [key, value] of Object.entries(obj)) {
    if (!KEPT_KEYS[kind].has(key)) {
      if (DROPPED_KEYS.has(key)) continue;
      throw new Error(`${where}: unknown spec key "${key}" (decide whether it is structure, then list it)`);
    }
    if (key !== 'fields' && key !== 'commonStructs') {
      parts.push(`${JSON.stringify(key)}:${JSON.stringify(value)}`);
      continue;
    }
    if (!Array.isArray(value)) throw new Error(`${where}: "${key}" is not an array`);
    const inner = `${indent} `;
    const children = value.map((child, i) => {
      if (!isObject(child)) throw new Error(`${where}: ${key}[${i}] is not an object`);
      return inner + formatStructure(child, childKind(kind, key), `${where}.${typeof child['name'] === 'string' ? child['name'] : i}`, inner);
    });
    parts.push(children.length === 0 ? `"${key}":[]` : `"${key}":[\n${children.join(',\n')}]`);
  }
  return `{${parts.join(',')}}`;
}

/** The structure-only text of one Kafka spec file. */
export function specStructure(kafkaSpecText: string, source: string): string {
  const json = JSON.parse(stripComments(kafkaSpecText)) as Json;
  if (!isObject(json)) throw new Error(`${source}: top level is not an object`);
  return `${formatStructure(json, 'message', source, '')}\n`;
}

/** Every file codecs/specs must hold for this Kafka spec tree: relative path → structure-only JSON. */
export function specStructureFiles(kafkaRoot: string): Map<string, string> {
  const { messages, internal } = loadMessages(kafkaRoot);
  const used = [...messages, ...internal].flatMap((m) => m.sources).sort();
  const files = new Map<string, string>();
  for (const rel of used) {
    files.set(rel, specStructure(fs.readFileSync(path.join(kafkaRoot, rel), 'utf8'), rel));
  }
  return files;
}

function main(argv: readonly string[]): number {
  const [kafkaRoot, outDir = 'codecs/specs'] = argv;
  if (kafkaRoot === undefined) {
    process.stderr.write('usage: refresh-specs.js <Kafka spec tree> [output folder]\n');
    return 2;
  }
  const files = specStructureFiles(kafkaRoot);
  const changed = writeFolder(outDir, files, '.json');
  process.stdout.write(`wrote the structure of ${files.size} spec files into ${outDir} (${changed} changed)\n`);
  return 0;
}

if (require.main === module) process.exitCode = main(process.argv.slice(2));

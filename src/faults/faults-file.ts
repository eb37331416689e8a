// `--faults rules.json` (or EDDY_FAULTS): the rules a broker starts with, read and checked before the broker opens
// anything, so that a file that does not parse refuses the start with a message naming the file and the field.
import { readFileSync } from 'fs';
import { buildHandlerTable } from '../api/registry';
import { apiCatalog } from './fault-injector';
import { parseFaultRules, splitTracking } from './fault-rules';

/** The file's JSON, checked; throws an Error whose message starts with the file's name. */
export function readFaultsFile(file: string): unknown {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    throw new Error(`${file}: cannot read the fault rules: ${(err as Error).message}`, { cause: err });
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (err) {
    throw new Error(`${file}: not JSON: ${(err as Error).message}`, { cause: err });
  }
  let n = 0;
  try {
    parseFaultRules(splitTracking(json).rules, apiCatalog(buildHandlerTable()), () => `r${++n}`);
  } catch (err) {
    throw new Error(`${file}: ${(err as Error).message}`, { cause: err });
  }
  return json;
}

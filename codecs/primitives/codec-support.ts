// Small shared pieces the generated codecs call; kept out of the generated files so they stay short.

import { UnsupportedVersionError } from './message-codec';
import { ProtocolEncodeError } from './writer';

export const EMPTY_BUFFER: Buffer = Buffer.alloc(0);
export const ZERO_UUID = '00000000-0000-0000-0000-000000000000';

export function checkVersion(name: string, version: number, min: number, max: number): void {
  if (!Number.isInteger(version) || version < min || version > max) {
    throw new UnsupportedVersionError(`${name} does not support version ${version} (supported ${min}-${max})`);
  }
}

export function fieldAbsentInVersion(owner: string, field: string, version: number): UnsupportedVersionError {
  return new UnsupportedVersionError(`${owner}.${field} has a non-default value but does not exist in version ${version}`);
}

export function fieldNotNullable(owner: string, field: string, version: number): ProtocolEncodeError {
  return new ProtocolEncodeError(`${owner}.${field} is not nullable in version ${version}`);
}

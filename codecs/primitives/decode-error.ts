// The one error a malformed or truncated wire frame produces. It sits apart from reader.ts so the varint decoder,
// which reader.ts builds on, can throw it too without an import loop.

export class ProtocolDecodeError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ProtocolDecodeError';
  }
}

// Slow and silent clients against a broker with a short connections.max.idle.ms: a slowloris trickling a frame
// byte by byte and a client that sends nothing are both closed once idle, each with one log line, while a client
// that keeps making requests stays connected.
import { ApiVersionsRequestCodec } from '../../codecs/generated/ApiVersionsRequest';
import { ApiVersionsResponseCodec } from '../../codecs/generated/ApiVersionsResponse';
import { brokerPerSuite } from '../helpers/broker';
import { captureProcessFailures, closeLinesFor, connect, eventually, LogLine, memoryLogger, requestFrame, sized } from '../helpers/hostile-clients';
import { RawClient } from '../helpers/raw-client';

jest.setTimeout(40000);

const processFailures = captureProcessFailures();

describe('slow and silent clients are closed after connections.max.idle.ms', () => {
  const idleMs = 1000;
  const idleLines: LogLine[] = [];
  const idle = brokerPerSuite({ overrides: { 'connections.max.idle.ms': String(idleMs) }, logger: memoryLogger(idleLines) });

  test('a slowloris trickling a frame byte by byte is closed like a silent client; a steady client stays', async () => {
    const slow = await connect(idle.broker.port);
    slow.on('error', () => undefined);
    const silent = await connect(idle.broker.port);
    const slowAddress = `127.0.0.1:${slow.localPort}`;
    const silentAddress = `127.0.0.1:${silent.localPort}`;
    const frame = sized(requestFrame(ApiVersionsRequestCodec, 3, { clientSoftwareName: 'slowloris', clientSoftwareVersion: '1.0.0' }, 5));
    const started = Date.now();
    let slowClosedAt = 0;
    let silentClosedAt = 0;
    slow.once('close', () => (slowClosedAt = Date.now()));
    silent.once('close', () => (silentClosedAt = Date.now()));
    // One byte every 250 ms: far more often than the idle timeout, far too slow to finish the frame before it.
    let sentBytes = 0;
    const trickle = setInterval(() => {
      if (sentBytes < frame.length && !slow.destroyed) slow.write(frame.subarray(sentBytes, ++sentBytes));
    }, 250);
    const steady = await RawClient.connect(idle.broker.port);
    try {
      for (let i = 0; i < 8; i++) {
        const res = await steady.request(ApiVersionsRequestCodec, ApiVersionsResponseCodec, 3, { clientSoftwareName: 'steady', clientSoftwareVersion: '1' });
        expect(res.errorCode).toBe(0);
        await new Promise((r) => setTimeout(r, 300));
      }
      await eventually(() => slowClosedAt > 0 && silentClosedAt > 0, 5000, 'idle connections to close');
    } finally {
      clearInterval(trickle);
      steady.close();
    }
    expect(sentBytes).toBeLessThan(frame.length);
    expect(slowClosedAt - started).toBeGreaterThanOrEqual(idleMs - 100);
    expect(slowClosedAt - started).toBeLessThan(idleMs * 3);
    expect(silentClosedAt - started).toBeLessThan(idleMs * 3);
    const slowLines = closeLinesFor(idleLines, slowAddress);
    expect(slowLines).toHaveLength(1);
    expect(slowLines[0].msg).toMatch(/idle/);
    expect(slowLines[0].partialFrameBytes).toBeGreaterThan(0);
    expect(closeLinesFor(idleLines, silentAddress)).toHaveLength(1);
    silent.destroy();
    expect(processFailures).toEqual([]);
  });
});

// Which servers a bench run measures: every one by default, Eddy always, and Apache Kafka only where it can
// start, so the bench still runs on a machine without Java.
import { chooseTargets, inRunOrder, ratiosToEddy, targetColumns } from '../../../bench/lib/targets';

const installed = (): null => null;
const noJava = (): string => 'java is not on PATH';

describe('bench targets', () => {
  it('measures all four targets when Kafka is installed, Eddy first', () => {
    expect(chooseTargets(undefined, installed)).toEqual({ targets: ['eddy', 'mock', 'null', 'kafka'], skipped: [] });
  });

  it('leaves Kafka out with a message saying how to install it when it cannot start', () => {
    const chosen = chooseTargets(undefined, noJava);
    expect(chosen.targets).toEqual(['eddy', 'mock', 'null']);
    expect(chosen.skipped).toHaveLength(1);
    expect(chosen.skipped[0]).toContain('java is not on PATH');
    expect(chosen.skipped[0]).toContain('.ci/install-reference-kafka');
  });

  it('rotates the run order by one target each run, every target once per run', () => {
    const all = ['eddy', 'mock', 'null', 'kafka'] as const;
    expect(inRunOrder(all, 0)).toEqual(['eddy', 'mock', 'null', 'kafka']);
    expect(inRunOrder(all, 1)).toEqual(['mock', 'null', 'kafka', 'eddy']);
    expect(inRunOrder(all, 3)).toEqual(['kafka', 'eddy', 'mock', 'null']);
    expect(inRunOrder(all, 4)).toEqual(inRunOrder(all, 0));
    expect(inRunOrder(['eddy'], 5)).toEqual(['eddy']);
    expect(inRunOrder([], 2)).toEqual([]);
  });

  it('refuses to run without Kafka when it was asked for by name', () => {
    expect(() => chooseTargets(['kafka'], noJava)).toThrow(/target kafka cannot run: java is not on PATH/);
  });

  it('keeps Eddy beside the targets asked for, and rejects unknown names', () => {
    expect(chooseTargets(['kafka'], installed).targets).toEqual(['eddy', 'kafka']);
    expect(chooseTargets(['null', 'mock'], noJava).targets).toEqual(['eddy', 'mock', 'null']);
    expect(() => chooseTargets(['redpanda'], installed)).toThrow(/unknown target redpanda/);
  });

  it('gives one column per target and Eddy ÷ each other target', () => {
    expect(targetColumns(['eddy', 'kafka'])).toEqual([
      { key: 'eddy', label: 'Eddy' },
      { key: 'kafka', label: 'Kafka' },
    ]);
    expect(ratiosToEddy(['eddy', 'mock', 'null', 'kafka'])).toEqual([
      ['eddy', 'mock'],
      ['eddy', 'null'],
      ['eddy', 'kafka'],
    ]);
    expect(ratiosToEddy(['eddy', 'mock', 'null', 'kafka'], ['kafka'])).toEqual([['eddy', 'kafka']]);
  });
});

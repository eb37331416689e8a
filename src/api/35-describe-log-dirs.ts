// DescribeLogDirs: v1-5.
// - One log directory (the data directory) with the size of every requested partition (all when topics is
//   null); offset lag is 0 (no replicas to catch up); v4+ reports the volume's total and usable bytes.
import * as fs from 'fs';
import * as path from 'path';
import { DescribeLogDirsRequestCodec } from '../../codecs/generated/DescribeLogDirsRequest';
import { DescribeLogDirsResponseCodec, DescribeLogDirsResponseInit } from '../../codecs/generated/DescribeLogDirsResponse';
import { ErrorCode } from '../../codecs/protocol/errors';
import { defineHandler } from './handler';
import { AclOperation, allowsCluster } from './authorize';

function volumeBytes(dir: string): { total: bigint; usable: bigint } {
  try {
    const s = fs.statfsSync(dir);
    return { total: BigInt(s.blocks) * BigInt(s.bsize), usable: BigInt(s.bavail) * BigInt(s.bsize) };
  } catch {
    return { total: -1n, usable: -1n };
  }
}

export const describeLogDirsHandler = defineHandler({
  request: DescribeLogDirsRequestCodec,
  response: DescribeLogDirsResponseCodec,
  async handle(request, ctx): Promise<DescribeLogDirsResponseInit> {
    const services = ctx.services;
    if (!allowsCluster(ctx, AclOperation.DESCRIBE)) return { throttleTimeMs: 0, errorCode: ErrorCode.CLUSTER_AUTHORIZATION_FAILED, results: [] };
    const wanted =
      request.topics === null
        ? services.topics.all().map((t) => ({ topic: t.name, partitions: Array.from({ length: t.partitions }, (_, i) => i) }))
        : request.topics;
    // Sizes come from storage without loading partitions a clean start left unloaded.
    const described = await Promise.all(
      wanted.map(async (w) => {
        const topic = services.topics.get(w.topic);
        if (!topic) return null;
        const sizes = await Promise.all(w.partitions.map((i) => services.partitions.sizeInBytes(topic.name, i)));
        const partitions = w.partitions.flatMap((i, k) => {
          const size = sizes[k];
          return size === undefined ? [] : [{ partitionIndex: i, partitionSize: BigInt(size), offsetLag: 0n, isFutureKey: false }];
        });
        // Kafka lists a topic only with the partitions this broker hosts: none of them, no entry.
        return partitions.length === 0 ? null : { name: topic.name, partitions };
      }),
    );
    const topics = described.filter((t): t is NonNullable<typeof t> => t !== null);
    const dir = path.resolve(services.config.dataDir);
    const volume = volumeBytes(dir);
    return {
      throttleTimeMs: 0,
      errorCode: ErrorCode.NONE,
      results: [{ errorCode: ErrorCode.NONE, logDir: dir, topics, totalBytes: volume.total, usableBytes: volume.usable }],
    };
  },
});

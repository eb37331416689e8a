// Kept for the client and tools: the partitioner lives in src/topics, where the broker's HTTP produce uses it too.
export { murmur2, partitionForKey } from '../topics/key-partitioner';

// Small helpers the group handlers share.
import type { RequestContext } from './handler';

/** Kafka records a member's host as "/<ip>" (Java's InetAddress.toString with no host name). */
export function clientHostOf(ctx: RequestContext): string {
  const at = ctx.clientAddress.lastIndexOf(':');
  const host = at < 0 ? ctx.clientAddress : ctx.clientAddress.slice(0, at);
  return `/${host.replace(/^::ffff:/, '')}`;
}

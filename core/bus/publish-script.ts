/**
 * The publish script shared by the Redis and Upstash adapters, so that both keep the same keys
 * and either can read what the other wrote. It appends to the stream, trims it to ARGV[2]
 * entries while remembering the newest trimmed id (so that `gap` is exact, not a guess from the
 * first retained id), and publishes `id payload` on the live channel. One script, so stream
 * order and publish order are the same.
 */
export const PUBLISH_SCRIPT = `
local id = redis.call('XADD', KEYS[1], '*', 'p', ARGV[1])
local excess = redis.call('XLEN', KEYS[1]) - tonumber(ARGV[2])
if excess > 0 then
  local gone = redis.call('XRANGE', KEYS[1], '-', '+', 'COUNT', excess)
  redis.call('SET', KEYS[2], gone[#gone][1])
  redis.call('XTRIM', KEYS[1], 'MAXLEN', ARGV[2])
end
redis.call('PUBLISH', ARGV[3], id .. ' ' .. ARGV[1])
return id
`;

/** The keys and channel of a topic under a prefix (default `sg:`), the same for both adapters. */
export function busKeys(prefix: string, topic: string) {
  return {
    stream: `${prefix}stream:${topic}`,
    dropped: `${prefix}dropped:${topic}`,
    channel: `${prefix}live:${topic}`,
  };
}

// The public API of lib/data/redis-cache, for lib/index.ts only: inside lib/, import the modules.
export type { RedisCacheProps, RedisPersistenceProps, SentinelProps } from './props';
export { RedisCache } from './redis-cache';

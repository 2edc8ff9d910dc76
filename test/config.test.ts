import { describe, expect, it } from 'vitest';
import { defaultCacheMegabytes, loadConfig } from '../src/config.js';

const GB = 1024 ** 3;

describe('the caches’ byte budget (CACHE_MAX_MB)', () => {
  it('is an eighth of the memory the process may use, between 64 MB and 1 GB, when not set', () => {
    expect(defaultCacheMegabytes(2 * GB, 0)).toBe(256);
    expect(defaultCacheMegabytes(4 * GB, 0)).toBe(512);
    expect(defaultCacheMegabytes(24 * GB, 0)).toBe(1024);
    expect(defaultCacheMegabytes(256 * 1024 ** 2, 0)).toBe(64);
    // A container's limit, when lower than the machine's memory, is what counts; a limit above it does not.
    expect(defaultCacheMegabytes(24 * GB, 1 * GB)).toBe(128);
    expect(defaultCacheMegabytes(2 * GB, 2 ** 62)).toBe(256);
  });

  it('takes CACHE_MAX_MB as given, and the default otherwise', () => {
    expect(loadConfig({ CACHE_MAX_MB: '96' }).cacheMaxBytes).toBe(96 * 1024 * 1024);
    expect(loadConfig({}).cacheMaxBytes).toBe(defaultCacheMegabytes() * 1024 * 1024);
    expect(() => loadConfig({ CACHE_MAX_MB: '-1' })).toThrow(/CACHE_MAX_MB/);
  });
});

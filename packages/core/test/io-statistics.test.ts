import { describe, expect, it } from 'vitest';
import { ioStatisticsToPrettyString, ioStatisticsToString, IOStatisticsStore, retrieveIOStatistics, snapshotIOStatistics } from '@hadoopfs/core';

describe('IOStatistics (Hadoop’s statistics API)', () => {
  it('prints as IOStatisticsLogging does: plain in source order; pretty sorted, one a line, zeros and unset values left out', () => {
    const store = new IOStatisticsStore();
    store.incrementCounter('op_open', 2);
    store.incrementCounter('op_create');
    store.incrementCounter('op_delete', 0);
    store.addDuration('action_http_get_request', 4);
    store.addDuration('action_http_get_request', 8);
    expect(ioStatisticsToString(store)).toBe(
      'counters=((op_open=2) (op_create=1) (op_delete=0));\n' +
        'gauges=();\n' +
        'minimums=((action_http_get_request.min=4));\n' +
        'maximums=((action_http_get_request.max=8));\n' +
        'means=((action_http_get_request.mean=(samples=2, sum=12, mean=6.0000)));\n',
    );
    expect(ioStatisticsToPrettyString(store)).toBe(
      'counters=((op_create=1)\n(op_open=2));\n' +
        '\ngauges=();\n' +
        '\nminimums=((action_http_get_request.min=4));\n' +
        '\nmaximums=((action_http_get_request.max=8));\n' +
        '\nmeans=((action_http_get_request.mean=(samples=2, sum=12, mean=6.0000)));\n',
    );
    expect(ioStatisticsToPrettyString(undefined)).toBe('');
  });

  it('trackDuration counts each call, a failure also as <name>.failures with its own times; the outcome passes through', async () => {
    const store = new IOStatisticsStore();
    expect(await store.trackDuration('op_x', async () => 42)).toBe(42);
    await expect(store.trackDuration('op_x', () => Promise.reject(new Error('no')))).rejects.toThrow('no');
    expect(store.counters().get('op_x')).toBe(2);
    expect(store.counters().get('op_x.failures')).toBe(1);
    expect(store.meanStatistics().get('op_x.mean')!.samples).toBe(1);
    expect(store.meanStatistics().get('op_x.failures.mean')!.samples).toBe(1);
  });

  it('snapshots aggregate: counters summed, minimums and maximums kept, means merged; JSON as IOStatisticsSnapshot', () => {
    const a = new IOStatisticsStore();
    a.incrementCounter('c', 1);
    a.addDuration('d', 10);
    const b = new IOStatisticsStore();
    b.incrementCounter('c', 2);
    b.addDuration('d', 2);
    const snapshot = snapshotIOStatistics(a);
    snapshot.aggregate(b);
    expect(snapshot.toJSON()).toEqual({
      counters: { c: 3 },
      gauges: {},
      minimums: { 'd.min': 2 },
      maximums: { 'd.max': 10 },
      meanstatistics: { 'd.mean': { samples: 2, sum: 12 } },
    });
    expect(a.counters().get('c')).toBe(1);
    expect(retrieveIOStatistics({ getIOStatistics: () => a })).toBe(a);
    expect(retrieveIOStatistics({})).toBeUndefined();
  });
});

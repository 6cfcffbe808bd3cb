import type { IOStatisticsStore } from '../statistics/io-statistics.js';

/**
 * How a filesystem learns a stream's statistics: the stream adds them into its filesystem's store when it
 * closes (Hadoop's stream statistics merged into the filesystem's). A symbol, so it is not public API.
 */
export const MERGE_STATISTICS_ON_CLOSE = Symbol('hadoopfs.mergeStatisticsOnClose');

export interface StatisticsLinked {
  [MERGE_STATISTICS_ON_CLOSE](into: IOStatisticsStore): void;
}

/** How create()'s onProgress reaches the stream it made (not public API either). */
export const SET_PROGRESS_LISTENER = Symbol('hadoopfs.setProgressListener');

/** How a call's AbortSignal reaches the stream it made (not public API). */
export const BIND_SIGNAL = Symbol('hadoopfs.bindSignal');

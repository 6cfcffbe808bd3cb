export { startOssServer, type ArrivingRequest, type OssServerOptions, type RunningOssServer } from './server.js';
export type { Credential } from './auth.js';
export { FaultInjector, FaultRuleError, ServerStats, validateFaultRule, type FaultAction, type FaultRule, type StatsSnapshot } from './faults.js';
export { OssError } from './oss-error.js';
export { MIN_PART_SIZE, MAX_PART_NUMBER } from './storage/store.js';

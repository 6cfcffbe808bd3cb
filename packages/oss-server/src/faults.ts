import { setFlagsFromString } from 'node:v8';

/**
 * Deterministic fault injection: rules matched against each request's API and key, drawing from a
 * seeded generator so that a failing test can be replayed exactly.
 */

// Key patterns run on V8's linear-time engine (the `l` flag): a rule's pattern — which may come from any
// local process through the admin API — can never make a request take super-linear time (`^(a+)+$`).
// The flag only makes the `l` flag available; other regular expressions are unaffected.
setFlagsFromString('--enable-experimental-regexp-engine');
export type FaultAction =
  /**
   * An error answer. With `applied`, the request is handled in full first and the error replaces its
   * answer (OSS's 500 after a commit: the client is told "failed" about a change that happened).
   */
  | { type: 'error'; status: number; code: string; message?: string; applied?: boolean }
  /** Bodies (request and response) move at most this fast: a slow link that never stalls. */
  | { type: 'throttle'; bytesPerSecond: number }
  | { type: 'latency'; ms: number }
  /**
   * Close the connection: before the request is handled, after half the request body, after half the
   * response body, or after the request was handled in full but instead of answering (the client cannot
   * tell whether it was applied: the hardest case for a retrying or crash-recovering client).
   */
  | { type: 'drop'; when: 'before-response' | 'mid-request-body' | 'mid-response-body' | 'instead-of-response' }
  /** Never answer (until the server closes): for client timeout tests. */
  | { type: 'hang' }
  /**
   * In-process: the request waits, its client waiting for the answer, until faults.releaseHeld() (or at
   * most `ms`); then it is handled and answered as usual. How a test runs another command while this one
   * is between two requests, and lets it go on after.
   */
  | { type: 'hold'; ms: number }
  /**
   * Applied late: the connection is cut at once (the client sees no answer and may retry or give up),
   * and the request, body and all, is applied `ms` later, as a request stuck in the network would be.
   */
  | {
      type: 'late';
      ms: number;
      /**
       * In-process: applied when faults.releaseHeld() is called (`ms` stays the latest it lands), so that
       * a test puts the late request exactly where it wants it in a client's sequence.
       */
      held?: boolean;
    }
  /** Applied twice: handled and answered as usual, then applied once more `ms` later (a duplicate). */
  | { type: 'duplicate'; ms: number }
  /**
   * One byte flipped on the wire: in the request body (the server stores, and checksums, what it got) or
   * in the response body (the server sends the stored bytes with one altered).
   */
  | { type: 'corrupt'; where: 'request-body' | 'response-body' };

export interface FaultRule {
  /** API names (PutObject, UploadPart, GetObject, …); all when absent. */
  apis?: string[];
  /** A regular expression the object key must match. */
  keyPattern?: string;
  /**
   * Only requests signed with one of these access key ids: a test whose clients each have their own
   * credentials aims a fault at one of them (the rule applies after authentication).
   */
  accessKeyIds?: string[];
  /** Chance that a matching request is hit (default 1). */
  probability?: number;
  /** Only the Nth matching request (1-based). */
  nth?: number;
  /** Only matching requests after the first N ("fail after N"). */
  after?: number;
  /** Fire at most this many times. */
  times?: number;
  /**
   * Apply before authentication (default false: a request whose signature fails is refused as OSS would,
   * untouched by faults, so that an unauthenticated client cannot trigger them).
   */
  beforeAuthentication?: boolean;
  action: FaultAction;
}

/** A rule that cannot be installed, with the reason (the admin API answers 400 with it). */
export class FaultRuleError extends Error {
  override name = 'FaultRuleError';
}

const WHEN = ['before-response', 'mid-request-body', 'mid-response-body', 'instead-of-response'];
const WHERE = ['request-body', 'response-body'];

/** Checks a rule from anywhere (JSON over the admin API included): every field of the right kind. */
export function validateFaultRule(input: unknown): FaultRule {
  const fail = (why: string): never => {
    throw new FaultRuleError(`invalid fault rule: ${why}`);
  };
  if (typeof input !== 'object' || input === null || Array.isArray(input)) fail('a rule is an object');
  const rule = input as Record<string, unknown>;
  const known = new Set(['apis', 'keyPattern', 'accessKeyIds', 'probability', 'nth', 'after', 'times', 'beforeAuthentication', 'action']);
  for (const key of Object.keys(rule)) if (!known.has(key)) fail(`unknown field "${key}"`);
  if (rule['apis'] !== undefined && (!Array.isArray(rule['apis']) || !rule['apis'].every((a) => typeof a === 'string'))) fail('apis must be an array of API names');
  if (rule['accessKeyIds'] !== undefined && (!Array.isArray(rule['accessKeyIds']) || !rule['accessKeyIds'].every((a) => typeof a === 'string'))) fail('accessKeyIds must be an array of access key ids');
  if (rule['accessKeyIds'] !== undefined && rule['beforeAuthentication'] === true) fail('accessKeyIds needs an authenticated request: it cannot go with beforeAuthentication');
  if (rule['keyPattern'] !== undefined && (typeof rule['keyPattern'] !== 'string' || rule['keyPattern'].length > 1024)) fail('keyPattern must be a string of at most 1024 characters');
  if (rule['probability'] !== undefined && !(typeof rule['probability'] === 'number' && rule['probability'] >= 0 && rule['probability'] <= 1)) {
    fail(`fault probability must be within [0, 1], got ${String(rule['probability'])}`);
  }
  for (const count of ['nth', 'after', 'times']) {
    const v = rule[count];
    if (v !== undefined && !(Number.isSafeInteger(v) && (v as number) >= (count === 'after' ? 0 : 1))) fail(`${count} must be a whole number${count === 'after' ? '' : ' ≥ 1'}`);
  }
  if (rule['beforeAuthentication'] !== undefined && typeof rule['beforeAuthentication'] !== 'boolean') fail('beforeAuthentication must be true or false');
  const action = rule['action'] as Record<string, unknown> | undefined;
  if (typeof action !== 'object' || action === null) fail('action is required');
  const ms = () => Number.isSafeInteger(action!['ms']) && (action!['ms'] as number) >= 0 && (action!['ms'] as number) <= 600_000;
  switch (action!['type']) {
    case 'error':
      if (!(Number.isInteger(action!['status']) && (action!['status'] as number) >= 400 && (action!['status'] as number) <= 599)) fail('error.status must be 400..599');
      if (typeof action!['code'] !== 'string' || !/^\w{1,64}$/.test(action!['code'])) fail('error.code must be a word');
      break;
    case 'throttle':
      if (!(typeof action!['bytesPerSecond'] === 'number' && action!['bytesPerSecond'] > 0)) fail('throttle.bytesPerSecond must be > 0');
      break;
    case 'late':
      if (action!['held'] !== undefined && typeof action!['held'] !== 'boolean') fail('late.held must be true or false');
      if (!ms()) fail('late.ms must be 0..600000');
      break;
    case 'latency':
    case 'hold':
    case 'duplicate':
      if (!ms()) fail(`${String(action!['type'])}.ms must be 0..600000`);
      break;
    case 'drop':
      if (!WHEN.includes(action!['when'] as string)) fail(`drop.when must be one of ${WHEN.join(', ')}`);
      break;
    case 'corrupt':
      if (!WHERE.includes(action!['where'] as string)) fail(`corrupt.where must be one of ${WHERE.join(', ')}`);
      break;
    case 'hang':
      break;
    default:
      fail(`action.type must be one of error, throttle, latency, drop, hang, hold, late, duplicate, corrupt`);
  }
  return rule as unknown as FaultRule;
}

/** A key pattern on the linear-time engine, or FaultRuleError saying why it cannot be one. */
function linearPattern(pattern: string): RegExp {
  try {
    // eslint-disable-next-line no-invalid-regexp -- V8's linear-time flag, enabled above
    return new RegExp(pattern, 'l');
  } catch (error) {
    throw new FaultRuleError(`invalid fault rule: keyPattern ${JSON.stringify(pattern)}: ${(error as Error).message} (backreferences and lookarounds cannot run in linear time)`);
  }
}

interface ActiveRule {
  id: number;
  rule: FaultRule;
  pattern: RegExp | undefined;
  seen: number;
  fired: number;
}

export class FaultInjector {
  #rules: ActiveRule[] = [];
  #nextId = 1;
  #state = 0x9e3779b9;

  constructor(seed = 1) {
    this.setSeed(seed);
  }

  setSeed(seed: number): void {
    this.#state = seed >>> 0 || 0x9e3779b9;
  }

  /** Adds a rule; returns its id for remove(). */
  add(input: FaultRule): number {
    const rule = validateFaultRule(input);
    const pattern = rule.keyPattern ? linearPattern(rule.keyPattern) : undefined;
    const id = this.#nextId++;
    this.#rules.push({ id, rule, pattern, seen: 0, fired: 0 });
    return id;
  }

  remove(id: number): boolean {
    const before = this.#rules.length;
    this.#rules = this.#rules.filter((r) => r.id !== id);
    return this.#rules.length !== before;
  }

  clear(): void {
    this.#rules = [];
  }

  readonly #held: Array<() => void> = [];
  readonly #holding: Array<(api: string) => void> = [];

  /** Resolves when releaseHeld() is next called (a `late` request with `held`, a `hold`); `api` is the held request's. */
  whenReleased(api: string): Promise<void> {
    for (const told of this.#holding.splice(0)) told(api);
    return new Promise((resolve) => this.#held.push(resolve));
  }

  /**
   * Resolves once the next request is being held (a `hold`, or a `late` + `held` one cut from its client):
   * from then on releaseHeld() lets it go. How a test knows a command stands exactly at that request (and
   * which one: the answer is its API name).
   */
  whenHeld(): Promise<string> {
    return new Promise((resolve) => this.#holding.push(resolve));
  }

  /** Requests being held now. */
  get heldCount(): number {
    return this.#held.length;
  }

  /** Lets go every request a `hold` or `late` + `held` rule is holding; answers how many there were. */
  releaseHeld(): number {
    const waiting = this.#held.splice(0);
    for (const release of waiting) release();
    return waiting.length;
  }

  list(): Array<FaultRule & { id: number; seen: number; fired: number }> {
    return this.#rules.map((r) => ({ ...r.rule, id: r.id, seen: r.seen, fired: r.fired }));
  }

  /**
   * The actions that apply to this request, in rule order (each rule counts the request once): the rules
   * marked beforeAuthentication when asked before it, the others once the request is authenticated.
   */
  decide(api: string, key: string | undefined, stage: 'before-authentication' | 'authenticated' = 'authenticated', accessKeyId?: string): FaultAction[] {
    const actions: FaultAction[] = [];
    for (const r of this.#rules) {
      const { rule } = r;
      if ((rule.beforeAuthentication === true) !== (stage === 'before-authentication')) continue;
      if (rule.apis && !rule.apis.includes(api)) continue;
      if (rule.accessKeyIds && (accessKeyId === undefined || !rule.accessKeyIds.includes(accessKeyId))) continue;
      if (r.pattern && (key === undefined || !r.pattern.test(key))) continue;
      r.seen++;
      if (rule.nth !== undefined && r.seen !== rule.nth) continue;
      if (rule.after !== undefined && r.seen <= rule.after) continue;
      if (rule.times !== undefined && r.fired >= rule.times) continue;
      if (rule.probability !== undefined && this.#random() >= rule.probability) continue;
      r.fired++;
      actions.push(rule.action);
    }
    return actions;
  }

  /** mulberry32 */
  #random(): number {
    this.#state = (this.#state + 0x6d2b79f5) >>> 0;
    let t = this.#state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }
}

export interface StatsSnapshot {
  requests: Record<string, number>;
  errors: Record<string, number>;
  bytesIn: number;
  bytesOut: number;
}

/** Request counts per API, error counts per code, bytes in and out: what benchmarks report per operation. */
export class ServerStats {
  /** Requests being handled right now. */
  active = 0;
  #idle: Array<() => void> = [];
  requests: Record<string, number> = {};
  errors: Record<string, number> = {};
  bytesIn = 0;
  bytesOut = 0;

  count(api: string): void {
    this.requests[api] = (this.requests[api] ?? 0) + 1;
  }

  error(code: string): void {
    this.errors[code] = (this.errors[code] ?? 0) + 1;
  }

  begin(): void {
    this.active++;
  }

  end(): void {
    this.active--;
    if (this.active === 0) for (const resolve of this.#idle.splice(0)) resolve();
  }

  /** Resolves once no request is being handled (at once if none is). */
  idle(): Promise<void> {
    return this.active === 0 ? Promise.resolve() : new Promise((resolve) => this.#idle.push(resolve));
  }

  total(): number {
    return Object.values(this.requests).reduce((a, b) => a + b, 0);
  }

  snapshot(): StatsSnapshot {
    return { requests: { ...this.requests }, errors: { ...this.errors }, bytesIn: this.bytesIn, bytesOut: this.bytesOut };
  }

  reset(): void {
    this.requests = {};
    this.errors = {};
    this.bytesIn = 0;
    this.bytesOut = 0;
  }
}

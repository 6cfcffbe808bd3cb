import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { XMLParser, XMLValidator } from 'fast-xml-parser';
import { CLEAR_TEXT_FALLBACK, CREDENTIAL_PROVIDER_PATH, credentialProvidersFor } from './credential-providers.js';
import { ConfigurationError } from './errors.js';

/** Hadoop's limit on nested `${…}` substitutions (Configuration.MAX_SUBST). */
export const MAX_SUBSTITUTION_DEPTH = 20;

interface Entry {
  value: string;
  final: boolean;
  source: string;
}

export interface ConfigurationOptions {
  /** Load `$HADOOP_CONF_DIR/core-site.xml` when it exists (default true). */
  loadDefaults?: boolean;
}

/** A resource given to addResource: a file path or file: URL, XML text, or XML text with a name for errors. */
export type ConfigurationResource = string | URL | { name: string; xml: string };

export type TimeUnit = 'ns' | 'us' | 'ms' | 's' | 'm' | 'h' | 'd';

const NANOS_PER: Record<TimeUnit, number> = {
  ns: 1,
  us: 1e3,
  ms: 1e6,
  s: 1e9,
  m: 60e9,
  h: 3600e9,
  d: 86400e9,
};

const BYTE_PREFIX: Record<string, number> = {
  k: 2 ** 10,
  m: 2 ** 20,
  g: 2 ** 30,
  t: 2 ** 40,
  p: 2 ** 50,
  e: 2 ** 60,
};

const SENSITIVE = /secret|password|passwd|token|credential|private\.?key|signature/i;

/** True for keys whose values must never be printed (Hadoop's `hadoop.security.sensitive-config-keys`). */
export function isSensitiveKey(name: string): boolean {
  return SENSITIVE.test(name);
}

/** The value as it may be printed: sensitive keys show as `<redacted>`. */
export function redactedValue(name: string, value: string | undefined): string | undefined {
  return value !== undefined && isSensitiveKey(name) ? '<redacted>' : value;
}

/**
 * Hadoop's Configuration: string properties read from `<configuration><property>` XML resources, later
 * resources overriding earlier ones unless a key was marked `<final>`, with `${name}` / `${env.NAME}`
 * expansion on read and typed getters that understand Hadoop's size and time suffixes. An invalid value is
 * an error naming the key, never a silent fall-back to the default.
 */
export class Configuration implements Iterable<[string, string]> {
  readonly #entries = new Map<string, Entry>();
  readonly #resources: string[] = [];

  constructor(from?: Configuration | ConfigurationOptions) {
    if (from instanceof Configuration) {
      for (const [k, e] of from.#entries) this.#entries.set(k, { ...e });
      this.#resources.push(...from.#resources);
      return;
    }
    if (from?.loadDefaults ?? true) {
      const dir = process.env['HADOOP_CONF_DIR'];
      if (dir) {
        const coreSite = join(dir, 'core-site.xml');
        if (existsSync(coreSite)) this.addResource(coreSite);
      }
    }
  }

  /** Reads one Hadoop XML resource now; malformed XML is a ConfigurationError with resource and line. */
  addResource(resource: ConfigurationResource): this {
    const { name, xml } = readResource(resource);
    for (const prop of parseConfigurationXml(xml, name)) {
      const previous = this.#entries.get(prop.name);
      // Hadoop's rule: once a resource marked a key final, no later resource — whatever its name or kind,
      // the same one again included — changes it.
      if (previous?.final) {
        if (previous.value !== prop.value) {
          process.emitWarning(`${name}: attempt to override final parameter ${prop.name}; ignored`, 'ConfigurationWarning');
        }
        continue;
      }
      this.#entries.set(prop.name, { value: prop.value, final: prop.final, source: name });
    }
    this.#resources.push(name);
    return this;
  }

  /** The names of the resources read, in order. */
  get resources(): readonly string[] {
    return this.#resources;
  }

  get size(): number {
    return this.#entries.size;
  }

  /** The raw value, without `${…}` expansion. */
  getRaw(name: string): string | undefined {
    return this.#entries.get(name)?.value;
  }

  get(name: string): string | undefined;
  get(name: string, defaultValue: string): string;
  get(name: string, defaultValue?: string): string | undefined {
    const raw = this.#entries.get(name)?.value;
    return raw === undefined ? defaultValue : this.#expand(raw, name);
  }

  /** The value with surrounding white space removed; an empty value counts as unset. */
  getTrimmed(name: string): string | undefined;
  getTrimmed(name: string, defaultValue: string): string;
  getTrimmed(name: string, defaultValue?: string): string | undefined {
    const value = this.get(name)?.trim();
    return value === undefined || value === '' ? defaultValue : value;
  }

  /** Comma-separated values, each trimmed, empty ones dropped. */
  getStrings(name: string, defaultValue: string[] = []): string[] {
    const value = this.get(name);
    if (value === undefined) return defaultValue;
    return value.split(',').map((s) => s.trim()).filter((s) => s !== '');
  }

  /**
   * Hadoop's getPassword: the secret for `name` from the credential providers of
   * hadoop.security.credential.provider.path, in order (`user:///`, or one registered with
   * registerCredentialProvider), else — unless hadoop.security.credential.clear-text-fallback is false —
   * the key's own value. Undefined if neither has it. Never echoed in an error.
   */
  getPassword(name: string): string | undefined {
    for (const provider of credentialProvidersFor(this.getStrings(CREDENTIAL_PROVIDER_PATH))) {
      const secret = provider.getCredential(name);
      if (secret !== undefined) return secret;
    }
    return this.getBoolean(CLEAR_TEXT_FALLBACK, true) ? this.get(name) : undefined;
  }

  /** The source (resource name or 'set') of a key's current value, as `hadoop conf` shows it. */
  getSource(name: string): string | undefined {
    return this.#entries.get(name)?.source;
  }

  isFinal(name: string): boolean {
    return this.#entries.get(name)?.final ?? false;
  }

  getBoolean(name: string, defaultValue: boolean): boolean {
    const value = this.getTrimmed(name);
    if (value === undefined) return defaultValue;
    const lower = value.toLowerCase();
    if (lower === 'true') return true;
    if (lower === 'false') return false;
    throw invalid(name, value, 'true or false');
  }

  getInt(name: string, defaultValue: number): number {
    const n = this.#getInteger(name, defaultValue);
    if (n < -(2 ** 31) || n >= 2 ** 31) throw invalid(name, String(n), 'a 32-bit integer');
    return n;
  }

  getLong(name: string, defaultValue: number): number {
    return this.#getInteger(name, defaultValue);
  }

  getFloat(name: string, defaultValue: number): number {
    const value = this.getTrimmed(name);
    if (value === undefined) return defaultValue;
    const n = Number(value);
    if (!Number.isFinite(n)) throw invalid(name, value, 'a number');
    return n;
  }

  /** A byte count with Hadoop's binary suffixes: `32m` = 33554432, `1g`, `4k`, `2t`, `1p`. */
  getBytes(name: string, defaultValue: number | string): number {
    const value = this.getTrimmed(name);
    return parseBytes(value ?? String(defaultValue), name);
  }

  /**
   * A duration in `unit` (default ms). The value may carry a suffix (ns, us, ms, s, m, h, d); a bare number
   * is taken in `unit`, as Hadoop's getTimeDuration does.
   */
  getTimeDuration(name: string, defaultValue: number | string, unit: TimeUnit = 'ms'): number {
    const value = this.getTrimmed(name);
    return parseDuration(value ?? String(defaultValue), unit, name);
  }

  set(name: string, value: string | number | boolean, source = 'set'): this {
    if (typeof name !== 'string' || name.trim() === '') throw new ConfigurationError('property name must not be empty');
    this.#entries.set(name.trim(), { value: String(value), final: false, source });
    return this;
  }

  /** Sets the value only if the key is unset. */
  setIfUnset(name: string, value: string | number | boolean): this {
    if (!this.#entries.has(name)) this.set(name, value);
    return this;
  }

  unset(name: string): this {
    this.#entries.delete(name);
    return this;
  }

  has(name: string): boolean {
    return this.#entries.has(name);
  }

  /** Raw (unexpanded) name/value pairs in insertion order, like Hadoop's iterator. */
  *[Symbol.iterator](): Iterator<[string, string]> {
    for (const [k, e] of this.#entries) yield [k, e.value];
  }

  /** Keys starting with `prefix`, expanded, with the prefix removed (Hadoop's getPropsWithPrefix). */
  getPropsWithPrefix(prefix: string): Map<string, string> {
    const out = new Map<string, string>();
    for (const [k, e] of this.#entries) if (k.startsWith(prefix)) out.set(k.slice(prefix.length), this.#expand(e.value, k));
    return out;
  }

  /** Names the resources only: values may hold secrets. */
  toString(): string {
    return `Configuration: ${this.#resources.join(', ') || '(no resources)'}`;
  }

  [Symbol.for('nodejs.util.inspect.custom')](): string {
    return this.toString();
  }

  #getInteger(name: string, defaultValue: number): number {
    const value = this.getTrimmed(name);
    if (value === undefined) return defaultValue;
    const n = /^[-+]?0x[0-9a-f]+$/i.test(value) ? parseInt(value, 16) : /^[-+]?\d+$/.test(value) ? Number(value) : NaN;
    if (!Number.isSafeInteger(n)) throw invalid(name, value, 'an integer');
    return n;
  }

  #expand(value: string, name: string): string {
    let current = value;
    for (let depth = 0; depth < MAX_SUBSTITUTION_DEPTH; depth++) {
      const match = /\$\{([^${}]+)\}/.exec(current);
      if (!match) return current;
      const expr = match[1]!;
      const replacement = this.#lookupVariable(expr, name);
      // An unresolvable variable stays as written (Hadoop does the same), so we stop expanding here.
      if (replacement === undefined) return current;
      current = current.slice(0, match.index) + replacement + current.slice(match.index + match[0].length);
    }
    if (/\$\{[^${}]+\}/.test(current)) {
      throw new ConfigurationError(`variable substitution depth too large (${MAX_SUBSTITUTION_DEPTH}) in ${name}`, {
        key: name,
      });
    }
    return current;
  }

  #lookupVariable(expr: string, forName: string): string | undefined {
    if (expr.startsWith('env.')) {
      const body = expr.slice(4);
      const fallback = /^([^:-]+)(:?-)(.*)$/.exec(body);
      if (fallback) {
        const env = process.env[fallback[1]!];
        const useDefault = fallback[2] === ':-' ? env === undefined || env === '' : env === undefined;
        return useDefault ? fallback[3] : env;
      }
      return process.env[body];
    }
    if (expr === forName) return undefined;
    return this.#entries.get(expr)?.value;
  }
}

/** Never echoes the value: a secret pasted into the wrong key must not reach a log through its error. */
function invalid(name: string, value: string, expected: string): ConfigurationError {
  return new ConfigurationError(`configuration key ${name}: its value (${value.length} characters) is not ${expected}`, { key: name });
}

export function parseBytes(text: string, name = 'value'): number {
  const m = /^([-+]?\d+)\s*([kmgtpe])?$/i.exec(text.trim());
  if (!m) throw invalid(name, text, 'a size (a whole number with an optional k, m, g, t, p or e suffix)');
  const n = Number(m[1]) * (m[2] ? BYTE_PREFIX[m[2].toLowerCase()]! : 1);
  if (!Number.isSafeInteger(n)) throw invalid(name, text, 'a size within 2^53 bytes');
  return n;
}

export function parseDuration(text: string, unit: TimeUnit, name = 'value'): number {
  const m = /^([-+]?\d+(?:\.\d+)?)\s*(ns|us|ms|s|m|h|d)?$/i.exec(text.trim());
  if (!m) throw invalid(name, text, 'a duration (a number with an optional ns, us, ms, s, m, h or d suffix)');
  const from = (m[2]?.toLowerCase() as TimeUnit | undefined) ?? unit;
  return Math.trunc((Number(m[1]) * NANOS_PER[from]) / NANOS_PER[unit]);
}

function readResource(resource: ConfigurationResource): { name: string; xml: string } {
  if (typeof resource === 'object' && !(resource instanceof URL)) return resource;
  if (typeof resource === 'string' && resource.trimStart().startsWith('<')) return { name: '<inline xml>', xml: resource };
  const file = resource instanceof URL ? fileURLToPath(resource) : resource;
  try {
    return { name: file, xml: readFileSync(file, 'utf8') };
  } catch (cause) {
    const code = (cause as NodeJS.ErrnoException).code ?? 'error';
    throw new ConfigurationError(`cannot read configuration resource ${file}: ${code}`, { resource: file, cause });
  }
}

interface ParsedProperty {
  name: string;
  value: string;
  final: boolean;
}

const parser = new XMLParser({
  ignoreAttributes: false,
  attributeNamePrefix: '@',
  parseTagValue: false,
  parseAttributeValue: false,
  trimValues: false,
  isArray: (tag) => tag === 'property',
});

export function parseConfigurationXml(xml: string, resource: string): ParsedProperty[] {
  // As Hadoop's parser (disallow-doctype-decl): no DOCTYPE, so no external entities (XXE) and no entity
  // expansion (billion laughs), refused before anything is parsed.
  if (/<!DOCTYPE/i.test(xml)) {
    throw new ConfigurationError(`${resource}: a DOCTYPE declaration is not allowed in a configuration resource (no DTDs, no entities)`, { resource });
  }
  let verdict: ReturnType<typeof XMLValidator.validate>;
  let doc: Record<string, unknown>;
  try {
    verdict = XMLValidator.validate(xml);
    doc = verdict === true ? (parser.parse(xml) as Record<string, unknown>) : {};
  } catch (cause) {
    throw new ConfigurationError(`${resource}: the XML could not be read: ${(cause as Error).message}`, { resource, cause });
  }
  if (verdict !== true) {
    const { msg, line, col } = verdict.err;
    throw new ConfigurationError(`malformed configuration ${resource} at line ${line}, column ${col}: ${msg}`, {
      resource,
      line,
    });
  }
  const root = doc['configuration'];
  if (root === undefined) {
    throw new ConfigurationError(`${resource}: the root element must be <configuration>`, { resource });
  }
  const props = typeof root === 'object' && root !== null ? ((root as Record<string, unknown>)['property'] ?? []) : [];
  const out: ParsedProperty[] = [];
  (props as unknown[]).forEach((raw, index) => {
    const p = (typeof raw === 'object' && raw !== null ? raw : {}) as Record<string, unknown>;
    const name = textOf(p['name'] ?? p['@name'])?.trim();
    if (!name) {
      throw new ConfigurationError(`${resource}: <property> number ${index + 1} has no <name>`, {
        resource,
        line: lineOfProperty(xml, index),
      });
    }
    const value = textOf(p['value'] ?? p['@value']) ?? '';
    const final = (textOf(p['final'] ?? p['@final']) ?? '').trim().toLowerCase() === 'true';
    out.push({ name, value, final });
  });
  return out;
}

function textOf(node: unknown): string | undefined {
  if (node === undefined || node === null) return undefined;
  if (typeof node === 'string') return node;
  if (typeof node === 'number' || typeof node === 'boolean') return String(node);
  if (typeof node === 'object' && '#text' in node) return String((node as Record<string, unknown>)['#text']);
  return '';
}

function lineOfProperty(xml: string, index: number): number | undefined {
  let at = -1;
  for (let i = 0; i <= index; i++) {
    at = xml.indexOf('<property', at + 1);
    if (at < 0) return undefined;
  }
  return xml.slice(0, at).split('\n').length;
}

import { readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { ConfigurationError, type Configuration } from '@hadoopfs/core';

/**
 * Credentials for one bucket. The secret and the token are not enumerable: logging or serialising a
 * credentials object (or anything holding one) cannot print them.
 */
export interface OssCredentials {
  readonly accessKeyId: string;
  readonly accessKeySecret: string;
  readonly securityToken?: string | undefined;
  /** When they stop working (ms since the epoch), for temporary (STS) credentials. */
  readonly expiration?: number | undefined;
}

/** One source of credentials; `undefined` means "none here", and the chain asks the next. */
export interface OssCredentialsProvider {
  readonly name: string;
  credentials(): Promise<OssCredentials | undefined>;
}

export type OssCredentialsProviderFactory = (conf: Configuration, bucket: string) => OssCredentialsProvider;

/** Builds credentials whose secret and token do not enumerate. */
export function ossCredentials(accessKeyId: string, accessKeySecret: string, securityToken?: string, expiration?: number): OssCredentials {
  const credentials = { accessKeyId, ...(expiration !== undefined ? { expiration } : {}) } as OssCredentials;
  Object.defineProperty(credentials, 'accessKeySecret', { value: accessKeySecret, enumerable: false });
  if (securityToken) Object.defineProperty(credentials, 'securityToken', { value: securityToken, enumerable: false });
  return Object.freeze(credentials);
}

export const CREDENTIALS_PROVIDER_KEY = 'fs.oss.credentials.provider';
/** Where the ECS RAM role provider asks (the instance metadata service); a test stub elsewhere. */
export const ECS_METADATA_ENDPOINT_KEY = 'fs.oss.credentials.ecs.metadata.endpoint';
export const ECS_ROLE_KEY = 'fs.oss.credentials.ecs.role';

const DEFAULT_CHAIN = ['config', 'env', 'file'];

/** hadoop-aliyun's class names, so that a core-site.xml brought along keeps working. */
const HADOOP_CLASS_NAMES: Record<string, string> = {
  'org.apache.hadoop.fs.aliyun.oss.AliyunCredentialsProvider': 'config',
  'com.aliyun.oss.common.auth.EnvironmentVariableCredentialsProvider': 'env',
  'com.aliyun.oss.common.auth.InstanceProfileCredentialsProvider': 'ecs-ram-role',
};

const factories = new Map<string, OssCredentialsProviderFactory>();

/**
 * Makes a provider available to `fs.oss.credentials.provider` under `name`: the way to plug in STS
 * credentials refreshed by your own code (answer them with an `expiration`, and the chain asks again
 * before they expire).
 */
export function registerOssCredentialsProvider(name: string, factory: OssCredentialsProviderFactory): void {
  factories.set(name, factory);
}

function firstEnv(...names: string[]): string | undefined {
  for (const name of names) {
    const value = process.env[name];
    if (value !== undefined && value !== '') return value;
  }
  return undefined;
}

registerOssCredentialsProvider('config', (conf) => ({
  name: 'config',
  async credentials() {
    // As hadoop-aliyun (AliyunOSSUtils.getValueWithKey): through getPassword, so a credential provider can hold them.
    const value = (key: string) => conf.getPassword(key)?.trim() || undefined;
    const id = value('fs.oss.accessKeyId');
    const secret = value('fs.oss.accessKeySecret');
    if (!id && !secret) return undefined;
    if (!id || !secret) throw new ConfigurationError(`credentials: ${id ? 'fs.oss.accessKeySecret' : 'fs.oss.accessKeyId'} is missing (the other one is set)`);
    return ossCredentials(id, secret, value('fs.oss.securityToken'));
  },
}));

registerOssCredentialsProvider('env', () => ({
  name: 'env',
  async credentials() {
    const id = firstEnv('OSS_ACCESS_KEY_ID', 'ALIBABA_CLOUD_ACCESS_KEY_ID');
    const secret = firstEnv('OSS_ACCESS_KEY_SECRET', 'ALIBABA_CLOUD_ACCESS_KEY_SECRET');
    if (!id || !secret) return undefined;
    return ossCredentials(id, secret, firstEnv('OSS_SESSION_TOKEN', 'ALIBABA_CLOUD_SECURITY_TOKEN'));
  },
}));

/**
 * The Alibaba Cloud credentials file (`ALIBABA_CLOUD_CREDENTIALS_FILE`, else ~/.alibabacloud/credentials),
 * profile `ALIBABA_CLOUD_PROFILE` or `default`: `type = access_key` with access_key_id and
 * access_key_secret, or `type = sts` with a security_token as well.
 */
registerOssCredentialsProvider('file', () => ({
  name: 'file',
  async credentials() {
    const file = firstEnv('ALIBABA_CLOUD_CREDENTIALS_FILE') ?? join(homedir(), '.alibabacloud', 'credentials');
    let text: string;
    try {
      text = readFileSync(file, 'utf8');
    } catch {
      return undefined;
    }
    const profile = firstEnv('ALIBABA_CLOUD_PROFILE') ?? 'default';
    const section = parseIni(text, file)[profile];
    if (!section) return undefined;
    const type = section['type'] ?? 'access_key';
    if (type !== 'access_key' && type !== 'sts') throw new ConfigurationError(`${file} [${profile}]: credential type "${type}" is not supported here (access_key, sts)`);
    const id = section['access_key_id'];
    const secret = section['access_key_secret'];
    if (!id || !secret) throw new ConfigurationError(`${file} [${profile}]: access_key_id and access_key_secret are required`);
    return ossCredentials(id, secret, type === 'sts' ? section['security_token'] : undefined);
  },
}));

function parseIni(text: string, file: string): Record<string, Record<string, string>> {
  const sections: Record<string, Record<string, string>> = {};
  let current: Record<string, string> | undefined;
  for (const [i, raw] of text.split(/\r?\n/).entries()) {
    const line = raw.trim();
    if (line === '' || line.startsWith('#') || line.startsWith(';')) continue;
    const header = /^\[([^\]]+)\]$/.exec(line);
    if (header) {
      current = sections[header[1]!.trim()] = {};
      continue;
    }
    const eq = line.indexOf('=');
    // Never echo the line: it may hold a secret.
    if (eq < 0 || !current) throw new ConfigurationError(`${file}: line ${i + 1} is neither [profile] nor key = value`, { resource: file, line: i + 1 });
    current[line.slice(0, eq).trim()] = line.slice(eq + 1).trim();
  }
  return sections;
}

/**
 * The ECS RAM role: the instance metadata service names the role (or `fs.oss.credentials.ecs.role`
 * does) and answers temporary credentials for it, which the chain refreshes before they expire.
 */
registerOssCredentialsProvider('ecs-ram-role', (conf) => ({
  name: 'ecs-ram-role',
  async credentials() {
    const base = (conf.getTrimmed(ECS_METADATA_ENDPOINT_KEY) ?? 'http://100.100.100.200').replace(/\/+$/, '');
    const root = `${base}/latest/meta-data/ram/security-credentials/`;
    const ask = async (url: string): Promise<string> => {
      const response = await fetch(url, { signal: AbortSignal.timeout(5_000) });
      if (!response.ok) throw new Error(`${url} answered ${response.status}`);
      return response.text();
    };
    try {
      const role = conf.getTrimmed(ECS_ROLE_KEY) ?? (await ask(root)).trim().split('\n')[0]!.trim();
      const doc = JSON.parse(await ask(root + encodeURIComponent(role))) as Record<string, string>;
      if (doc['Code'] !== undefined && doc['Code'] !== 'Success') throw new Error(`the metadata service answered Code ${doc['Code']}`);
      if (!doc['AccessKeyId'] || !doc['AccessKeySecret'] || !doc['SecurityToken']) throw new Error('the metadata service answered no AccessKeyId, AccessKeySecret and SecurityToken');
      const expiration = Date.parse(doc['Expiration'] ?? '');
      return ossCredentials(doc['AccessKeyId'], doc['AccessKeySecret'], doc['SecurityToken'], Number.isNaN(expiration) ? undefined : expiration);
    } catch (error) {
      throw new ConfigurationError(`credentials (ecs-ram-role): ${(error as Error).message}`, { key: CREDENTIALS_PROVIDER_KEY, cause: error });
    }
  },
}));

/** Credentials this close to their expiration are fetched again. */
const REFRESH_MARGIN_MS = 5 * 60_000;

/**
 * The providers of `fs.oss.credentials.provider` (default config, env, file), asked in order: the first
 * with credentials wins, and its answer is kept until it nears its expiration. Concurrent requests share
 * one refresh; a failed refresh while the old credentials still work keeps them.
 */
export class CredentialsChain {
  readonly #providers: OssCredentialsProvider[];
  #current: OssCredentials | undefined;
  #pending: Promise<OssCredentials> | undefined;

  constructor(conf: Configuration, bucket: string) {
    const names = conf.getStrings(CREDENTIALS_PROVIDER_KEY, DEFAULT_CHAIN).map((n) => n.trim()).filter((n) => n !== '');
    this.#providers = (names.length > 0 ? names : DEFAULT_CHAIN).map((raw) => {
      const name = HADOOP_CLASS_NAMES[raw] ?? raw;
      const factory = factories.get(name);
      if (!factory) {
        throw new ConfigurationError(`${CREDENTIALS_PROVIDER_KEY}: no credentials provider "${raw}" (known: ${[...factories.keys()].join(', ')}; add one with registerOssCredentialsProvider)`, {
          key: CREDENTIALS_PROVIDER_KEY,
        });
      }
      return factory(conf, bucket);
    });
  }

  get providerNames(): string[] {
    return this.#providers.map((p) => p.name);
  }

  /** Credentials valid for now, fetched when there are none or they near their expiration. */
  async get(): Promise<OssCredentials> {
    const current = this.#current;
    if (current && (current.expiration === undefined || current.expiration - REFRESH_MARGIN_MS > Date.now())) return current;
    this.#pending ??= this.#resolve().finally(() => (this.#pending = undefined));
    try {
      return await this.#pending;
    } catch (error) {
      if (current && current.expiration !== undefined && current.expiration > Date.now()) return current;
      throw error;
    }
  }

  async #resolve(): Promise<OssCredentials> {
    for (const provider of this.#providers) {
      const found = await provider.credentials();
      if (found) {
        this.#current = found;
        return found;
      }
    }
    throw new ConfigurationError(
      `no OSS credentials: none of ${this.#providers.map((p) => p.name).join(', ')} had any ` +
        '(set fs.oss.accessKeyId and fs.oss.accessKeySecret, or OSS_ACCESS_KEY_ID / ALIBABA_CLOUD_ACCESS_KEY_ID and the secret, ' +
        `or name a provider in ${CREDENTIALS_PROVIDER_KEY})`,
      { key: CREDENTIALS_PROVIDER_KEY },
    );
  }

  toJSON(): unknown {
    return { providers: this.providerNames };
  }
}

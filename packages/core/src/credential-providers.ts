import { ConfigurationError } from './errors.js';

/** Hadoop's CredentialProviderFactory.CREDENTIAL_PROVIDER_PATH: where getPassword looks first. */
export const CREDENTIAL_PROVIDER_PATH = 'hadoop.security.credential.provider.path';
/** Hadoop's CredentialProvider.CLEAR_TEXT_FALLBACK (default true): a key's own value when no provider has it. */
export const CLEAR_TEXT_FALLBACK = 'hadoop.security.credential.clear-text-fallback';

/** One of Hadoop's CredentialProviders: secrets by alias (the configuration key they stand for). */
export interface CredentialProvider {
  /** The secret stored under `alias`, or undefined. */
  getCredential(alias: string): string | undefined;
  toString(): string;
}

export type CredentialProviderFactory = (uri: URL) => CredentialProvider;

const factories = new Map<string, CredentialProviderFactory>();

/**
 * Registers the provider for a URI scheme of hadoop.security.credential.provider.path (as Hadoop's
 * CredentialProviderFactory services): an application's own secret store, for example.
 */
export function registerCredentialProvider(scheme: string, factory: CredentialProviderFactory): void {
  factories.set(scheme.toLowerCase(), factory);
}

/**
 * Hadoop's UserProvider (`user:///`): the credentials of the current user, held in this process (Hadoop
 * keeps them in the UGI's Credentials). `UserCredentials.add()` is how a process puts one there.
 */
export const UserCredentials = {
  add(alias: string, secret: string): void {
    userSecrets.set(alias, secret);
  },
  remove(alias: string): boolean {
    return userSecrets.delete(alias);
  },
};
const userSecrets = new Map<string, string>();

registerCredentialProvider('user', () => ({
  getCredential: (alias) => userSecrets.get(alias),
  toString: () => 'user:///',
}));

// Java keystores (JCEKS, BCFKS) hold secrets sealed with Java's own key protection; hadoopfs cannot read them
// and says so, rather than fall back to the clear-text value as if the keystore had no entry.
for (const scheme of ['jceks', 'localjceks', 'bcfks', 'localbcfks']) {
  registerCredentialProvider(scheme, (uri) => {
    throw new ConfigurationError(
      `${CREDENTIAL_PROVIDER_PATH}: ${uri.protocol}// keystores are Java keystores, which hadoopfs cannot read; use user:///, a registered provider, or the key itself`,
    );
  });
}

/** The providers a path names, in order. */
export function credentialProvidersFor(path: readonly string[]): CredentialProvider[] {
  return path.map((text) => {
    let uri: URL;
    try {
      uri = new URL(text);
    } catch {
      throw new ConfigurationError(`${CREDENTIAL_PROVIDER_PATH}: "${text}" is not a provider URI (scheme://…)`);
    }
    const factory = factories.get(uri.protocol.slice(0, -1).toLowerCase());
    if (!factory) throw new ConfigurationError(`${CREDENTIAL_PROVIDER_PATH}: no credential provider for "${uri.protocol}//" (registered: ${[...factories.keys()].join(', ')})`);
    return factory(uri);
  });
}

import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { CLEAR_TEXT_FALLBACK, Configuration, ConfigurationError, CREDENTIAL_PROVIDER_PATH, isSensitiveKey, registerCredentialProvider, UserCredentials } from '@hadoopfs/core';

const xml = (props: string) => `<?xml version="1.0"?>\n<configuration>\n${props}\n</configuration>\n`;
const prop = (name: string, value: string, final = false) =>
  `  <property><name>${name}</name><value>${value}</value>${final ? '<final>true</final>' : ''}</property>`;

describe('Configuration', () => {
  const savedEnv = { ...process.env };
  afterEach(() => {
    process.env = { ...savedEnv };
  });

  it('reads the seed document keys as written', () => {
    const conf = new Configuration({ loadDefaults: false }).addResource(
      xml([prop('fs.jfs.cache.oss.flush.enable', 'true'), prop('fs.jfs.cache.flush.staging.path', '/tmp')].join('\n')),
    );
    expect(conf.getBoolean('fs.jfs.cache.oss.flush.enable', false)).toBe(true);
    expect(conf.get('fs.jfs.cache.flush.staging.path')).toBe('/tmp');
    expect(conf.get('missing')).toBeUndefined();
    expect(conf.get('missing', 'dflt')).toBe('dflt');
  });

  it('lets later resources override earlier ones, except final keys', () => {
    const conf = new Configuration({ loadDefaults: false })
      .addResource({ name: 'first.xml', xml: xml([prop('a', '1'), prop('b', '1', true)].join('\n')) })
      .addResource({ name: 'second.xml', xml: xml([prop('a', '2'), prop('b', '2')].join('\n')) });
    expect(conf.get('a')).toBe('2');
    expect(conf.get('b')).toBe('1');
    expect(conf.isFinal('b')).toBe(true);
    expect(conf.getSource('a')).toBe('second.xml');
    expect(conf.resources).toEqual(['first.xml', 'second.xml']);
  });

  it('expands ${name} and ${env.NAME} with defaults', () => {
    process.env['HADOOPFS_TEST_BUCKET'] = 'logs';
    delete process.env['HADOOPFS_TEST_UNSET'];
    const conf = new Configuration({ loadDefaults: false })
      .set('base', 'oss://${env.HADOOPFS_TEST_BUCKET}')
      .set('dir', '${base}/flume')
      .set('fallback', '${env.HADOOPFS_TEST_UNSET:-none}')
      .set('unknown', 'x-${no.such.key}');
    expect(conf.get('dir')).toBe('oss://logs/flume');
    expect(conf.get('fallback')).toBe('none');
    expect(conf.get('unknown')).toBe('x-${no.such.key}');
    expect(conf.getRaw('dir')).toBe('${base}/flume');
  });

  it('stops runaway expansion with a clear error', () => {
    const conf = new Configuration({ loadDefaults: false }).set('a', '${b}').set('b', '${c}').set('c', '${b}');
    expect(() => conf.get('a')).toThrow(/substitution depth too large \(20\) in a/);
    // A loop back to the key being read stops at once, unexpanded, as Hadoop does.
    expect(new Configuration({ loadDefaults: false }).set('a', '${b}').set('b', '${a}').get('a')).toBe('${a}');
    expect(new Configuration({ loadDefaults: false }).set('self', 'x${self}').get('self')).toBe('x${self}');
  });

  it('understands size and time suffixes', () => {
    const conf = new Configuration({ loadDefaults: false })
      .set('part', '32m')
      .set('big', '1g')
      .set('plain', '4096')
      .set('lease', '60s')
      .set('idle', '2m')
      .set('bare', '1500')
      .set('day', '1d');
    expect(conf.getBytes('part', 0)).toBe(32 * 1024 * 1024);
    expect(conf.getBytes('big', 0)).toBe(2 ** 30);
    expect(conf.getBytes('plain', 0)).toBe(4096);
    expect(conf.getBytes('missing', '8m')).toBe(8 * 2 ** 20);
    expect(conf.getTimeDuration('lease', 0)).toBe(60_000);
    expect(conf.getTimeDuration('lease', 0, 's')).toBe(60);
    expect(conf.getTimeDuration('idle', 0, 's')).toBe(120);
    expect(conf.getTimeDuration('bare', 0, 'ms')).toBe(1500);
    expect(conf.getTimeDuration('bare', 0, 's')).toBe(1500);
    expect(conf.getTimeDuration('day', 0, 'h')).toBe(24);
  });

  it('parses typed values and names the key of an invalid one', () => {
    const conf = new Configuration({ loadDefaults: false })
      .set('i', ' 42 ')
      .set('hex', '0x10')
      .set('bad', 'forty')
      .set('flag', 'TRUE')
      .set('notflag', 'yes')
      .set('huge', String(2 ** 40));
    expect(conf.getInt('i', 0)).toBe(42);
    expect(conf.getInt('hex', 0)).toBe(16);
    expect(conf.getLong('huge', 0)).toBe(2 ** 40);
    expect(conf.getBoolean('flag', false)).toBe(true);
    expect(() => conf.getInt('bad', 0)).toThrow(/configuration key bad: its value \(5 characters\) is not an integer/);
    expect(() => conf.getInt('huge', 0)).toThrow(ConfigurationError);
    expect(() => conf.getBoolean('notflag', false)).toThrow(/notflag/);
    expect(() => conf.getBytes('bad', 0)).toThrow(/bad/);
    expect(() => conf.getTimeDuration('bad', 0)).toThrow(/bad/);
  });

  it('reports malformed XML with the file and line', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'hadoopfs-conf-'));
    const file = join(dir, 'core-site.xml');
    await writeFile(file, '<?xml version="1.0"?>\n<configuration>\n  <property>\n    <name>a</name>\n    <value>1</value>\n  </propery>\n</configuration>\n');
    let error: unknown;
    try {
      new Configuration({ loadDefaults: false }).addResource(file);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ConfigurationError);
    expect((error as ConfigurationError).resource).toBe(file);
    expect((error as ConfigurationError).line).toBe(6);
    expect((error as Error).message).toContain(`${file} at line 6`);
  });

  it('refuses a document that is not a configuration, and a property without a name', () => {
    expect(() => new Configuration({ loadDefaults: false }).addResource('<settings/>')).toThrow(/root element must be <configuration>/);
    expect(() =>
      new Configuration({ loadDefaults: false }).addResource(xml(`${prop('a', '1')}\n  <property><value>2</value></property>`)),
    ).toThrow(/property> number 2 has no <name>/);
  });

  it('names a missing resource file', () => {
    expect(() => new Configuration({ loadDefaults: false }).addResource('/no/such/core-site.xml')).toThrow(
      /cannot read configuration resource \/no\/such\/core-site.xml: ENOENT/,
    );
  });

  it('loads $HADOOP_CONF_DIR/core-site.xml by default', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'hadoopfs-confdir-'));
    await writeFile(join(dir, 'core-site.xml'), xml(prop('fs.defaultFS', 'mem://default')));
    process.env['HADOOP_CONF_DIR'] = dir;
    expect(new Configuration().get('fs.defaultFS')).toBe('mem://default');
    expect(new Configuration({ loadDefaults: false }).get('fs.defaultFS')).toBeUndefined();
  });

  it('keeps XML entities and whitespace inside values', () => {
    const conf = new Configuration({ loadDefaults: false }).addResource(xml(prop('q', 'a &amp; b &lt;c&gt;')));
    expect(conf.get('q')).toBe('a & b <c>');
  });

  it('never prints values, which may be secrets', () => {
    const conf = new Configuration({ loadDefaults: false }).set('fs.oss.accessKeySecret', 'TOPSECRET').set('n', 'x');
    expect(String(conf)).not.toContain('TOPSECRET');
    expect(isSensitiveKey('fs.oss.accessKeySecret')).toBe(true);
    expect(isSensitiveKey('fs.oss.securityToken')).toBe(true);
    expect(isSensitiveKey('fs.oss.endpoint')).toBe(false);
    conf.set('fs.oss.accessKeySecret', 'not-a-number');
    expect(() => conf.getInt('fs.oss.accessKeySecret', 0)).toThrow(/^configuration key fs\.oss\.accessKeySecret: its value \(12 characters\) is not an integer$/);
  });

  it('iterates raw pairs, copies, and unsets', () => {
    const conf = new Configuration({ loadDefaults: false }).set('a', '1').set('b', '${a}');
    expect([...conf]).toEqual([
      ['a', '1'],
      ['b', '${a}'],
    ]);
    const copy = new Configuration(conf);
    copy.unset('a');
    expect(conf.get('b')).toBe('1');
    expect(copy.has('a')).toBe(false);
    expect(conf.getPropsWithPrefix('b')).toEqual(new Map([['', '1']]));
  });
});

describe('getPassword (Hadoop’s credential providers, then the clear-text value)', () => {
  it('asks the providers of hadoop.security.credential.provider.path in order, then the key', () => {
    registerCredentialProvider('test-vault', (uri) => ({
      getCredential: (alias) => (alias === 'db.password' ? `from ${uri.host}` : undefined),
      toString: () => uri.href,
    }));
    UserCredentials.add('db.password', 'from user');
    try {
      const conf = new Configuration({ loadDefaults: false }).set('db.password', 'clear text').set('other.password', 'other clear');
      expect(conf.getPassword('db.password')).toBe('clear text');
      conf.set(CREDENTIAL_PROVIDER_PATH, 'test-vault://first, user:///');
      expect(conf.getPassword('db.password')).toBe('from first');
      conf.set(CREDENTIAL_PROVIDER_PATH, 'user:///,test-vault://first');
      expect(conf.getPassword('db.password')).toBe('from user');
      expect(conf.getPassword('other.password')).toBe('other clear');
      conf.set(CLEAR_TEXT_FALLBACK, 'false');
      expect(conf.getPassword('other.password')).toBeUndefined();
      expect(conf.getPassword('missing')).toBeUndefined();
    } finally {
      UserCredentials.remove('db.password');
    }
  });

  it('an unknown provider scheme or a malformed entry is a ConfigurationError naming the key', () => {
    const conf = new Configuration({ loadDefaults: false }).set('k', 'v');
    conf.set(CREDENTIAL_PROVIDER_PATH, 'nosuch://x');
    expect(() => conf.getPassword('k')).toThrow(/hadoop\.security\.credential\.provider\.path: no credential provider for "nosuch:\/\/"/);
    conf.set(CREDENTIAL_PROVIDER_PATH, 'not a uri');
    expect(() => conf.getPassword('k')).toThrow(ConfigurationError);
  });
});

describe('parsing refusals (issue 13, finding 7)', () => {
  it('a DOCTYPE (external entities, entity expansion) is a ConfigurationError naming the resource, before anything is read', () => {
    for (const doctype of ['<!DOCTYPE c [<!ENTITY x SYSTEM "file:///etc/passwd">]>', '<!DOCTYPE c [<!ENTITY a "aaaa"><!ENTITY b "&a;&a;&a;&a;">]>']) {
      const conf = new Configuration({ loadDefaults: false });
      const xml = `<?xml version="1.0"?>${doctype}<configuration><property><name>a</name><value>&b;</value></property></configuration>`;
      expect(() => conf.addResource({ name: 'hostile-site.xml', xml })).toThrow(ConfigurationError);
      expect(() => conf.addResource({ name: 'hostile-site.xml', xml })).toThrow(/^hostile-site\.xml: a DOCTYPE declaration is not allowed/);
      expect(conf.get('a')).toBeUndefined();
    }
  });

  it('<final> holds against every later resource, one of the same name included', () => {
    const conf = new Configuration({ loadDefaults: false });
    conf.addResource({ name: 'core-site.xml', xml: '<configuration><property><name>k</name><value>kept</value><final>true</final></property></configuration>' });
    conf.addResource({ name: 'core-site.xml', xml: '<configuration><property><name>k</name><value>changed</value></property></configuration>' });
    conf.addResource({ name: 'other.xml', xml: '<configuration><property><name>k</name><value>changed</value></property></configuration>' });
    expect(conf.get('k')).toBe('kept');
  });

  it('a value that does not parse is never echoed: the key and the problem are named', () => {
    const secret = 'LTAI5tSecretPastedHere';
    const conf = new Configuration({ loadDefaults: false }).set('io.file.buffer.size', secret).set('fs.oss.connection.timeout', secret).set('flag', secret);
    for (const read of [() => conf.getInt('io.file.buffer.size', 1), () => conf.getBytes('io.file.buffer.size', 1), () => conf.getTimeDuration('fs.oss.connection.timeout', 1), () => conf.getBoolean('flag', false)]) {
      const error = (() => {
        try {
          read();
        } catch (e) {
          return e as Error;
        }
        return undefined;
      })();
      expect(error).toBeInstanceOf(ConfigurationError);
      expect(error!.message).not.toContain(secret);
      expect(error!.message).toMatch(/configuration key (io\.file\.buffer\.size|fs\.oss\.connection\.timeout|flag): its value/);
    }
  });
});

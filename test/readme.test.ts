import { spawn } from 'node:child_process';
import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { basename, dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CreateBucketCommand, S3Client } from '@aws-sdk/client-s3';
import { startOssServer, type RunningOssServer } from '@hadoopfs/oss-server';
import { radosgw, type Radosgw } from './fixtures/radosgw.js';

// Issue 13: documentation that runs. Every ```ts block of the README and of each package's README is a
// complete program: it is written to a file and run as a user would run it (node --import tsx), against
// the OSS-protocol server where it uses oss:// and the test run's radosgw where it uses s3a:// (found
// through OSS_ENDPOINT, S3A_ENDPOINT and the credentials' variables, as a user's shell would set them). A block that fails fails this test with its output.

const REPO = fileURLToPath(new URL('../', import.meta.url));
const ID = 'readme-id';
const SECRET = 'readme-secret-value';

interface Block {
  readme: string;
  line: number;
  code: string;
}

async function blocks(): Promise<Block[]> {
  const readmes = ['README.md', ...(await readdir(join(REPO, 'packages'))).map((p) => `packages/${p}/README.md`)];
  const found: Block[] = [];
  for (const readme of readmes) {
    const text = await readFile(join(REPO, readme), 'utf8').catch(() => undefined);
    if (text === undefined) continue;
    for (const m of text.matchAll(/^```ts\n([\s\S]*?)^```$/gm)) {
      found.push({ readme, line: text.slice(0, m.index).split('\n').length, code: m[1]! });
    }
  }
  return found;
}

let server: RunningOssServer;
let gateway: Radosgw;
let scratch: string;
const all = await blocks();

beforeAll(async () => {
  server = await startOssServer({ credentials: [{ accessKeyId: ID, accessKeySecret: SECRET }], buckets: ['my-bucket', 'logs'] });
  if (all.some((b) => b.code.includes('s3a://'))) {
    gateway = await radosgw();
    const sdk = new S3Client({ endpoint: gateway.endpoint, region: 'us-east-1', forcePathStyle: true, credentials: { accessKeyId: gateway.accessKeyId, secretAccessKey: gateway.secretAccessKey } });
    await sdk.send(new CreateBucketCommand({ Bucket: 'my-bucket' })).catch((error: { name?: string }) => {
      if (error.name !== 'BucketAlreadyOwnedByYou') throw error;
    });
    sdk.destroy();
  }
  scratch = await mkdtemp(join(tmpdir(), 'hadoopfs-readme-'));
  await mkdir(join(REPO, '.tmp', 'readme'), { recursive: true });
}, 180_000);
afterAll(async () => {
  await server.close();
  await rm(scratch, { recursive: true, force: true });
});

/** A block for vitest (it says so on its first line): run by vitest with the repository's aliases. */
const VITEST_CONFIG = `import { defineConfig } from 'vitest/config';
export default defineConfig({
  resolve: { alias: [{ find: /^@hadoopfs\\/([a-z0-9-]+)$/, replacement: ${JSON.stringify(join(REPO, 'packages'))} + '/$1/src/index.ts' }] },
  test: { include: ['*.test.ts'], pool: 'forks' },
});
`;

function run(file: string, cwd: string): Promise<{ code: number | null; output: string }> {
  return new Promise((resolve) => {
    const env: NodeJS.ProcessEnv = {
      ...process.env,
      TSX_TSCONFIG_PATH: join(REPO, 'tsconfig.json'),
      OSS_ENDPOINT: server.endpoint,
      OSS_ACCESS_KEY_ID: ID,
      OSS_ACCESS_KEY_SECRET: SECRET,
      ...(gateway ? { S3A_ENDPOINT: gateway.endpoint, AWS_ACCESS_KEY_ID: gateway.accessKeyId, AWS_SECRET_ACCESS_KEY: gateway.secretAccessKey } : {}),
    };
    delete env['HADOOP_CONF_DIR'];
    // tsx from this repository: the block runs in a directory of its own, where nothing is installed.
    const tsx = pathToFileURL(join(REPO, 'node_modules', 'tsx', 'dist', 'loader.mjs')).href;
    const vitest = join(REPO, 'node_modules', 'vitest', 'vitest.mjs');
    const args = file.endsWith('.test.ts') ? [vitest, 'run', '--root', dirname(file), '--config', join(dirname(file), 'vitest.config.ts'), basename(file)] : ['--import', tsx, file];
    const child = spawn(process.execPath, args, { cwd, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (d: Buffer) => (output += d.toString()));
    child.stderr.on('data', (d: Buffer) => (output += d.toString()));
    child.on('close', (code) => resolve({ code, output }));
  });
}

describe('README code blocks', () => {
  it('there are blocks to run', () => {
    expect(all.length).toBeGreaterThanOrEqual(8);
  });

  for (const [i, block] of all.entries()) {
    it(`${block.readme}:${block.line} runs as written`, async () => {
      const forVitest = /^\/\/.*run with vitest/.test(block.code);
      const file = join(REPO, '.tmp', 'readme', forVitest ? `block-${i}.test.ts` : `block-${i}.ts`);
      if (forVitest) await writeFile(join(REPO, '.tmp', 'readme', 'vitest.config.ts'), VITEST_CONFIG);
      await writeFile(file, block.code);
      const cwd = await mkdtemp(join(scratch, `block-${i}-`));
      const { code, output } = await run(file, cwd);
      expect(code, `${block.readme}:${block.line}\n${block.code}\n--- output\n${output}`).toBe(0);
      expect(output).not.toContain(SECRET);
      if (gateway) expect(output).not.toContain(gateway.secretAccessKey);
    }, 60_000);
  }
});

import { afterEach, beforeEach, describe } from 'vitest';
import { ContractContext, type ContractSuiteConfig } from './context.js';
import { appendTests } from './suites/append.js';
import { attributeTests } from './suites/attributes.js';
import { concatTests } from './suites/concat.js';
import { createTests } from './suites/create.js';
import { deleteTests } from './suites/delete.js';
import { getFileStatusTests } from './suites/get-file-status.js';
import { globTests } from './suites/glob.js';
import { mkdirTests } from './suites/mkdir.js';
import { openTests } from './suites/open.js';
import { renameTests } from './suites/rename.js';
import { rootDirectoryTests } from './suites/root-directory.js';
import { seekTests } from './suites/seek.js';

/**
 * Declares the whole contract suite for one backend inside the calling vitest file:
 *
 *   runContractSuite({ name: 'memory', options: POSIX_LIKE_OPTIONS, setup: async () => ({ fs, testDirectory }) });
 */
export function runContractSuite(config: ContractSuiteConfig): void {
  const ctx = new ContractContext(config);
  describe(`contract: ${config.name}`, () => {
    beforeEach(async () => {
      ctx.target = await config.setup();
    });
    afterEach(async () => {
      const target = ctx.target;
      ctx.target = undefined;
      if (!target) return;
      if (config.teardown) await config.teardown(target);
      else await target.fs.delete(target.testDirectory, true);
    });
    createTests(ctx);
    openTests(ctx);
    seekTests(ctx);
    mkdirTests(ctx);
    deleteTests(ctx);
    renameTests(ctx);
    getFileStatusTests(ctx);
    appendTests(ctx);
    attributeTests(ctx);
    concatTests(ctx);
    rootDirectoryTests(ctx);
    globTests(ctx);
  });
}

import { describe, expect, it } from 'vitest';
import type { FileStatus } from '@hadoopfs/core';
import type { ContractContext } from '../context.js';

/** globStatus with Hadoop's syntax: * ? [abc] [a-z] [^a] {a,b} and \ escapes. */
export function globTests(ctx: ContractContext): void {
  const rel = (statuses: FileStatus[]) => statuses.map((s) => s.path.path.slice(ctx.testDirectory.path.length + 1));
  const glob = async (pattern: string) => rel(await ctx.fs.globStatus(`${ctx.testDirectory.path}/${pattern}`));

  describe('globStatus', () => {
    const setup = async () => {
      for (const p of ['logs/2026-11-25/a.log', 'logs/2026-11-25/b.txt', 'logs/2026-11-26/a.log', 'logs/2026-11-26/c.log', 'logs/x*y', 'other/a.log']) {
        await ctx.touch(ctx.path(p));
      }
    };

    it('matches * within one element and sorts the result', async () => {
      await setup();
      expect(await glob('logs/*/*.log')).toEqual(['logs/2026-11-25/a.log', 'logs/2026-11-26/a.log', 'logs/2026-11-26/c.log']);
    });

    it('matches ?, classes, ranges and negation', async () => {
      await setup();
      expect(await glob('logs/2026-11-2?/[ab].*')).toEqual(['logs/2026-11-25/a.log', 'logs/2026-11-25/b.txt', 'logs/2026-11-26/a.log']);
      expect(await glob('logs/2026-11-2[6-9]/*')).toEqual(['logs/2026-11-26/a.log', 'logs/2026-11-26/c.log']);
      expect(await glob('logs/2026-11-26/[^a]*')).toEqual(['logs/2026-11-26/c.log']);
    });

    it('expands alternations, including ones that span "/"', async () => {
      await setup();
      expect(await glob('{logs/2026-11-25,other}/a.log')).toEqual(['logs/2026-11-25/a.log', 'other/a.log']);
      expect(await glob('logs/2026-11-2{5,6}/a.log')).toEqual(['logs/2026-11-25/a.log', 'logs/2026-11-26/a.log']);
    });

    it('treats escaped metacharacters literally', async () => {
      await setup();
      expect(await glob('logs/x\\*y')).toEqual(['logs/x*y']);
    });

    it('gives the path itself for a pattern without glob syntax, and nothing for a missing one', async () => {
      await setup();
      expect(await glob('other/a.log')).toEqual(['other/a.log']);
      expect(await glob('other/missing')).toEqual([]);
      expect(await glob('nothing/*')).toEqual([]);
    });

    it('applies the filter', async () => {
      await setup();
      const result = await ctx.fs.globStatus(`${ctx.testDirectory.path}/logs/*/*`, (p) => p.getName().endsWith('.txt'));
      expect(rel(result)).toEqual(['logs/2026-11-25/b.txt']);
    });
  });
}

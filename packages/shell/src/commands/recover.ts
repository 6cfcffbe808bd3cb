import { FileSystem, Path } from '@hadoopfs/core';
import { JINDO_KEYS } from '@hadoopfs/jindo';
import { durableFlushRecoveryOf, type RecoverReport } from '@hadoopfs/object-store';
import { parseOptions, SilentFailure, UsageError, type ShellCommand } from '../command.js';

function describe(r: RecoverReport): string {
  const bytes = r.recoveredBytes > 0 ? ` (${r.recoveredBytes} bytes)` : '';
  return `${r.state.padEnd(16)} ${r.path}${bytes}: ${r.error ? r.error.message : r.action}`;
}

/** JindoSDK's `jindo jfs -recover`: rebuilds files from their flush manifests (package @hadoopfs/jindo). */
export const recover: ShellCommand = {
  name: 'recover',
  usage: '[-R] [-flushStagingPath P] [-accessKeyId ID] [-accessKeySecret S] [-endpoint E] [-dryRun] [-force] <path>',
  description: `Rebuild the files a dead writer flushed (JindoOSS durable flush) from their staged manifests.
  -R        every staged file under <path>, and abort the incomplete uploads nothing will complete: those no
            manifest names once quiet for fs.jfs.cache.flush.purge.age (24 h), or at once with -force.
  -dryRun   say what would be done; change nothing.
  -force    recover even a manifest younger than the lease (fs.jfs.cache.flush.lease), and purge without
            waiting: you say every writer under <path> is dead.
  -flushStagingPath, -accessKeyId, -accessKeySecret, -endpoint  override the configuration (secrets are never printed).
One line a file (its state, path and what was done); exit code 1 if any file failed.`,
  async run(words, ctx) {
    const { flags, values, args } = parseOptions(words, {
      flags: ['R', 'dryRun', 'force'],
      values: ['flushStagingPath', 'accessKeyId', 'accessKeySecret', 'endpoint'],
      min: 1,
      max: 1,
    });
    const target = new Path(args[0]!);
    if (target.scheme !== 'oss') throw new UsageError(`-recover works on oss:// paths, got ${target.toString()}`);
    const conf = ctx.conf;
    const staging = values.get('flushStagingPath');
    if (staging) conf.set(JINDO_KEYS.stagingPath, staging, '-flushStagingPath').unset(JINDO_KEYS.stagingPathAlias);
    for (const [option, key] of [['accessKeyId', 'fs.oss.accessKeyId'], ['accessKeySecret', 'fs.oss.accessKeySecret'], ['endpoint', 'fs.oss.endpoint']] as const) {
      const value = values.get(option);
      if (value) conf.set(key, value, `-${option}`);
    }
    const fs = await FileSystem.newInstance(target, conf);
    try {
      const recovery = await durableFlushRecoveryOf(fs);
      if (!recovery) throw new Error(`${target.toString()} is served by a filesystem without durable flush (check fs.oss.impl)`);
      let done = 0;
      const reports = await recovery.recoverAll(target, {
        recursive: flags.has('R'),
        dryRun: flags.has('dryRun'),
        force: flags.has('force'),
        onReport: () => {
          done++;
          if (ctx.io.isTTY && !ctx.json) ctx.io.err(`\rrecovering: ${done} file(s) done`);
        },
      });
      if (ctx.io.isTTY && !ctx.json && done > 0) ctx.io.err('\n');
      if (ctx.json) {
        ctx.io.out(`${JSON.stringify(reports.map((r) => ({ ...r, error: r.error?.message })), null, 2)}\n`);
      } else {
        if (reports.length === 0) ctx.io.out(`nothing staged under ${target.toString()}\n`);
        for (const r of reports) ctx.io.out(`${describe(r)}\n`);
      }
      // Each failed file is on its line already: the exit code says it, nothing more is printed.
      if (reports.some((r) => r.error)) throw new SilentFailure();
    } finally {
      await fs.close();
    }
  },
};

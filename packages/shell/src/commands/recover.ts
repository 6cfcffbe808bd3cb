import { FileSystem, Path } from '@hadoopfs/core';
import { JINDO_KEYS } from '@hadoopfs/jindo';
import { durableFlushRecoveryOf, type RecoverReport } from '@hadoopfs/object-store';
import { S3A_KEYS } from '@hadoopfs/s3';
import { parseOptions, SilentFailure, UsageError, type ShellCommand } from '../command.js';

function describe(r: RecoverReport): string {
  const bytes = r.recoveredBytes > 0 ? ` (${r.recoveredBytes} bytes)` : '';
  // The line names the path once: an error's own "path: " prefix (for API callers) is left out here.
  const said = r.error ? (r.error.message.startsWith(`${r.path}: `) ? r.error.message.slice(r.path.length + 2) : r.error.message) : r.action;
  return `${r.state.padEnd(16)} ${r.path}${bytes}: ${said}`;
}

/**
 * -flushStagingPath as a path in the bucket (`/tmp`), or as a URI of the target's own bucket
 * (`oss://bucket/tmp`, taken as its path); a URI of another bucket or scheme cannot be the staging of
 * this one.
 */
function stagingPathOf(value: string, target: Path): string {
  const given = new Path(value);
  if (given.scheme === undefined) return value;
  if (given.scheme !== target.scheme || (given.authority ?? '') !== (target.authority ?? '')) {
    throw new UsageError(`-flushStagingPath ${value} is in another bucket than ${target.scheme}://${target.authority ?? ''}/ (the staging directory lies in the target's bucket)`);
  }
  return given.path;
}

/** What -recover's own options set, per scheme: that scheme's keys (Hadoop's and JindoSDK's names). */
const RECOVER_KEYS: Record<string, { staging: string; stagingAlias?: string; accessKeyId: string; accessKeySecret: string; endpoint: string }> = {
  oss: { staging: JINDO_KEYS.stagingPath, stagingAlias: JINDO_KEYS.stagingPathAlias, accessKeyId: 'fs.oss.accessKeyId', accessKeySecret: 'fs.oss.accessKeySecret', endpoint: 'fs.oss.endpoint' },
  s3a: { staging: S3A_KEYS.flushStagingPath, accessKeyId: S3A_KEYS.accessKey, accessKeySecret: S3A_KEYS.secretKey, endpoint: S3A_KEYS.endpoint },
};

/** JindoSDK's `jindo jfs -recover`: rebuilds files from their flush manifests (package @hadoopfs/jindo). */
export const recover: ShellCommand = {
  name: 'recover',
  usage: '[-R] [-flushStagingPath P] [-accessKeyId ID] [-accessKeySecret S] [-endpoint E] [-dryRun] [-force] <path>',
  description: `Rebuild the files a dead writer flushed (durable flush, oss:// or s3a://) from their staged manifests.
  -R        every staged file under <path>, and abort the incomplete uploads nothing will complete: those no
            manifest names once quiet for the purge age (fs.jfs.cache.flush.purge.age, fs.s3a.multipart.purge.age:
            24 h), or at once with -force. Without -R, the path's own such uploads once quiet for the lease.
  -dryRun   say what would be done; change nothing.
  -force    recover even a manifest younger than the lease (fs.jfs.cache.flush.lease, fs.s3a.flush.lease), and purge without
            waiting: you say every writer under <path> is dead.
  -flushStagingPath, -accessKeyId, -accessKeySecret, -endpoint  override the configuration of the path's scheme
            (secrets are never printed); generic options (-D key=value, -conf) come before -recover.
One line a file (its state, path and what was done); exit code 1 if any file failed.`,
  async run(words, ctx) {
    const { flags, values, args } = parseOptions(words, {
      flags: ['R', 'dryRun', 'force'],
      values: ['flushStagingPath', 'accessKeyId', 'accessKeySecret', 'endpoint'],
      min: 1,
      max: 1,
    });
    const target = new Path(args[0]!);
    const keys = RECOVER_KEYS[target.scheme ?? ''];
    if (!keys) throw new UsageError(`-recover works on ${Object.keys(RECOVER_KEYS).map((s) => `${s}://`).join(' and ')} paths, got ${target.toString()}`);
    const conf = ctx.conf;
    const staging = values.get('flushStagingPath');
    if (staging) {
      conf.set(keys.staging, stagingPathOf(staging, target), '-flushStagingPath');
      if (keys.stagingAlias) conf.unset(keys.stagingAlias);
    }
    for (const option of ['accessKeyId', 'accessKeySecret', 'endpoint'] as const) {
      const value = values.get(option);
      if (value) conf.set(keys[option], value, `-${option}`);
    }
    const fs = await FileSystem.newInstance(target, conf);
    try {
      const recovery = await durableFlushRecoveryOf(fs);
      if (!recovery) throw new Error(`${target.toString()} is served by a filesystem without durable flush (check fs.${target.scheme}.impl)`);
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

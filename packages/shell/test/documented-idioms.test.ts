import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FileSystem } from '@hadoopfs/core';
import { startOssServer, type RunningOssServer } from '@hadoopfs/oss-server';
import { runHadoopfs } from '@hadoopfs/shell';
import { capture } from './helpers.js';

// Issue 12: the examples of Hadoop's FileSystemShell documentation (FileSystemShell.md), each run as
// written — only the hosts and directories replaced — against file:// and oss://, in the documented
// order, with FsShell's output formats and exit codes checked.

const ID = 'idiom-id';
const SECRET = 'idiom-secret-value';
let server: RunningOssServer;
let local: string;
beforeAll(async () => {
  server = await startOssServer({ credentials: [{ accessKeyId: ID, accessKeySecret: SECRET }], buckets: ['nn1'] });
  local = await mkdtemp(join(tmpdir(), 'hadoopfs-idioms-'));
  await writeFile(join(local, 'localfile'), 'local one\n');
  await writeFile(join(local, 'localfile1'), 'local 1\n');
  await writeFile(join(local, 'localfile2'), 'local 2\n');
});
afterAll(async () => {
  await FileSystem.closeAll();
  await server.close();
  await rm(local, { recursive: true, force: true });
});

interface Idiom {
  /** The documented command line after `hadoop fs`, with {H} for the store's /user/hadoop and {L} for a local directory. */
  readonly line: string;
  readonly stdin?: string;
  /** What stdout must be (each line matched), or only the exit code when absent. */
  readonly out?: RegExp[];
  readonly code?: number;
  /** Only where the store can (file:// keeps owners and permissions; oss:// refuses them). */
  readonly only?: 'file' | 'oss';
}

const DATE = '\\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d';
const IDIOMS: readonly Idiom[] = [
  { line: '-mkdir {H}/dir1 {H}/dir2', code: 1 }, // without -p the parent /user/hadoop must exist
  { line: '-mkdir -p {H}/dir1 {H}/dir2' },
  { line: '-put {L}/localfile {H}/hadoopfile' },
  { line: '-put -f {L}/localfile1 {L}/localfile2 {H}/dir1' },
  { line: '-put -d {L}/localfile {H}/file1' },
  { line: '-put - {H}/stdinfile', stdin: 'from stdin\n' },
  { line: '-put -t 5 {L}/localfile1 {H}/dir2' },
  { line: '-put {L}/localfile {H}/hadoopfile', code: 1 }, // exists, no -f
  { line: '-appendToFile {L}/localfile {H}/appended', only: 'file' },
  { line: '-appendToFile {L}/localfile1 {L}/localfile2 {H}/appended', only: 'file' },
  { line: '-appendToFile - {H}/appended', stdin: 'tail\n', only: 'file' },
  { line: '-cat {H}/appended', out: [/^local one$/, /^local 1$/, /^local 2$/, /^tail$/], only: 'file' },
  { line: '-cat {H}/file1 {H}/stdinfile', out: [/^local one$/, /^from stdin$/] },
  { line: '-checksum {H}/file1', out: [/^\S+\/user\/hadoop\/file1\tCOMPOSITE-CRC64ECMA\t[0-9a-f]{16}$/] },
  { line: '-checksum -v {H}/file1', out: [/^\S+\/file1\tBlockSize=\d+\tCOMPOSITE-CRC64ECMA\t[0-9a-f]{16}$/] },
  { line: '-count {H}/dir1 {H}/file1', out: [/^ {11}1 {12}2 {17}16 \S+\/dir1$/, /^ {11}0 {12}1 {17}10 \S+\/file1$/] },
  { line: '-count -q {H}/file1', out: [/^ {8}none {13}inf {12}none {13}inf {12}0 {12}1 {17}10 \S+\/file1$/] },
  { line: '-count -q -h {H}/file1', out: [/^ {8}none {13}inf {12}none {13}inf {12}0 {12}1 {17}10 \S+\/file1$/] },
  { line: '-count -q -h -v {H}/file1', out: [/^ {7}QUOTA {7}REM_QUOTA {5}SPACE_QUOTA REM_SPACE_QUOTA {4}DIR_COUNT {3}FILE_COUNT {7}CONTENT_SIZE PATHNAME$/, /none/] },
  { line: '-count -u {H}/file1', out: [/^ {8}none {13}inf {12}none {13}inf \S+\/file1$/] },
  { line: '-count -u -h -v {H}/file1', out: [/^ {7}QUOTA {7}REM_QUOTA {5}SPACE_QUOTA REM_SPACE_QUOTA PATHNAME$/, /^ {8}none/] },
  { line: '-count -e {H}/file1', out: [/^ {11}0 {12}1 {17}10 Replicated \S+\/file1$/] },
  { line: '-cp {H}/file1 {H}/file2' },
  { line: '-cp {H}/file1 {H}/file2 {H}/dir2' },
  { line: '-cp -t 5 {H}/file1 {H}/file2 {H}/dir1' },
  { line: '-cp -f -t 10 -q 2048 {H}/file1 {H}/file2 {H}/dir1' },
  { line: '-df {H}', out: [/^Filesystem +Size +Used +Available +Use%$/, /^\S+ +\d+ +\d+ +\d+ +(\d+%|-)$/] },
  { line: '-du {H}/dir1 {H}/file1', out: [/^10 {2}10 {2}\S+\/dir1\/file1$/, /^10 {2}10 {2}\S+\/dir1\/file2$/, /^8 {3}8 {3}\S+\/dir1\/localfile1$/, /^8 {3}8 {3}\S+\/dir1\/localfile2$/, /^10 {2}10 {2}\S+\/hadoop\/file1$/] },
  { line: '-du -s -h -v {H}/dir1', out: [/^SIZE +DISK_SPACE_CONSUMED_WITH_ALL_REPLICAS +FULL_PATH_NAME$/, /^36 +36 +\S+\/dir1$/] },
  { line: '-find {H} -name file1 -print', out: [/\/dir1\/file1$/, /\/dir2\/file1$/, /\/hadoop\/file1$/] },
  { line: '-get {H}/file1 {L}/got' },
  { line: '-get -t 10 {H}/dir1 {L}/localdir' },
  { line: '-getmerge -nl {H}/dir1 {L}/output.txt' },
  { line: '-head {H}/file1', out: [/^local one$/] },
  { line: '-ls {H}/file1', out: [new RegExp(`^-rw[rwx-]{7} {3}1 (.* )? +10 ${DATE} \\S+/user/hadoop/file1$`)] },
  { line: '-ls -e {H}/file1', out: [new RegExp(`^-rw[rwx-]{7} {3}1  Replicated (.* )? +10 ${DATE} \\S+/file1$`)] },
  { line: '-lsr {H}/dir2', out: [/^-.*\/dir2\/file1$/, /^-.*\/dir2\/file2$/, /^-.*\/dir2\/localfile1$/] },
  { line: '-mv {H}/file2 {H}/moved' },
  { line: '-mv {H}/moved {H}/stdinfile {H}/dir2' },
  { line: '-moveFromLocal {L}/got {H}/fromlocal' },
  { line: '-setrep -w 3 {H}/dir1', out: [/^Replication 3 set: \S+\/dir1\/file1$/, /file2$/, /localfile1$/, /localfile2$/, /^Waiting for \S+\/dir1\/file1 \.\.\. done$/, /file2 \.\.\. done$/, /localfile1 \.\.\. done$/, /localfile2 \.\.\. done$/] },
  { line: '-stat "type:%F perm:%a %u:%g size:%b mtime:%y atime:%x name:%n" {H}/file1', out: [/^type:regular file perm:\d{3} \S*:\S* size:10 mtime:\d{4}-\d\d-\d\d \d\d:\d\d:\d\d atime:\S+ \S+ name:file1$/] },
  { line: '-tail {H}/file1', out: [/^local one$/] },
  { line: '-test -e {H}/file1' },
  { line: '-test -e {H}/nothing', code: 1 },
  { line: '-text {H}/file1', out: [/^local one$/] },
  { line: '-touch {H}/touched', only: 'file' },
  { line: '-touch -m -t 20180809:230000 {H}/touched', only: 'file' },
  { line: '-stat %y {H}/touched', out: [/^2018-08-09 \d\d:00:00$/], only: 'file' },
  { line: '-touchz {H}/zero' },
  { line: '-truncate 5 {H}/file1', out: [/^Truncated \S+\/file1 to length: 5$/], only: 'file' },
  { line: '-truncate -w 3 {H}/file1', out: [/^Truncated \S+\/file1 to length: 3$/], only: 'file' },
  { line: '-chmod -R 750 {H}/dir1', only: 'file' },
  { line: '-chown -R {USER}:{GROUP} {H}', only: 'file' },
  { line: '-chgrp -R {GROUP} {H}', only: 'file' },
  { line: '-chmod 750 {H}/dir1', code: 1, only: 'oss' },
  { line: '-concat {H}/dir1/file1 {H}/dir1/localfile1 {H}/dir1/localfile2' },
  { line: '-cat {H}/dir1/file1', out: [/^local one$/, /^local 1$/, /^local 2$/] },
  { line: '-rm {H}/fromlocal {H}/zero', out: [/^Deleted \S+\/fromlocal$/, /^Deleted \S+\/zero$/] },
  { line: '-rmdir {H}/dir1', code: 1 },
  { line: '-mkdir {H}/emptydir' },
  { line: '-rmdir {H}/emptydir' },
  { line: '-rm -r -skipTrash {H}/dir2', out: [/^Deleted \S+\/dir2$/] },
  { line: '-expunge -immediate', out: [/Trash is not enabled/] },
  { line: '-usage ls', out: [/^Usage: hadoopfs fs \[generic options\] -ls \[-C\] \[-d\] \[-h\] \[-q\] \[-R\] \[-t\] \[-S\] \[-r\] \[-u\] \[-e\] \[<path> \.\.\.\]$/] },
];

/** Words as a POSIX shell splits the documented line (double quotes group). */
function words(line: string): string[] {
  return [...line.matchAll(/"([^"]*)"|(\S+)/g)].map((m) => m[1] ?? m[2]!);
}

for (const scheme of ['file', 'oss'] as const) {
  describe(`FileSystemShell.md's examples on ${scheme}://`, () => {
    it('run in order with the documented output and exit codes', async () => {
      const store = scheme === 'file' ? `file://${local}/store/user/hadoop` : 'oss://nn1/user/hadoop';
      const generic = scheme === 'oss' ? ['-D', `fs.oss.endpoint=${server.endpoint}`, '-D', `fs.oss.accessKeyId=${ID}`, '-D', `fs.oss.accessKeySecret=${SECRET}`] : [];
      const localStatus = await (await FileSystem.get('file:///')).getFileStatus(`file://${local}`);
      for (const idiom of IDIOMS) {
        if (idiom.only && idiom.only !== scheme) continue;
        const line = idiom.line
          .replaceAll('{H}', store)
          .replaceAll('{L}', local)
          .replaceAll('{USER}', localStatus.owner)
          .replaceAll('{GROUP}', localStatus.group);
        const io = capture(idiom.stdin);
        const code = await runHadoopfs(['fs', ...generic, ...words(line)], io);
        const shown = `hadoop fs ${line}\n--- stdout\n${io.text()}--- stderr\n${io.errors()}`;
        expect(code, shown).toBe(idiom.code ?? 0);
        if (idiom.out) {
          const lines = io.text().trimEnd().split('\n');
          expect(lines.length, shown).toBe(idiom.out.length);
          idiom.out.forEach((pattern, i) => expect(lines[i], shown).toMatch(pattern));
        }
        expect(io.errors(), shown).not.toContain(SECRET);
      }
    });
  });
}

/**
 * Summarises .cpuprofile files (node --cpu-prof) by where the time went: self time per package or
 * runtime area, and the heaviest functions. `node --import tsx bench/profile-summary.ts FILE… [--top=N]`.
 * A profiled bench: `node --cpu-prof --cpu-prof-dir=D --expose-gc --import tsx bench/run.ts --only=…`
 * (its servers are profiled into D too).
 */
import { readFile } from 'node:fs/promises';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  hitCount?: number;
}
interface Profile {
  nodes: ProfileNode[];
  startTime: number;
  endTime: number;
  samples: number[];
  timeDeltas: number[];
}

/** The area a frame belongs to: a workspace package, a dependency, node's own code, or the VM's. */
function areaOf(url: string, name: string): string {
  if (name === '(garbage collector)') return 'GC';
  if (name === '(idle)' || name === '(program)' || name === '(root)') return name;
  const pkg = /packages\/([^/]+)\//.exec(url);
  if (pkg && !url.includes('node_modules')) return `@hadoopfs/${pkg[1]}`;
  const dep = /node_modules\/(?:\.pnpm\/[^/]+\/node_modules\/)?((?:@[^/]+\/)?[^/]+)/.exec(url);
  if (dep) return dep[1]!;
  if (url.startsWith('node:')) return url.replace(/^node:(internal\/)?/, 'node:').split('/')[0]!;
  if (url === '') return '(native)';
  return url.replace(/^file:\/\/.*\/work\/[^/]+\//, '');
}

const args = process.argv.slice(2);
const top = Number(args.find((a) => a.startsWith('--top='))?.slice(6) ?? 25);
for (const file of args.filter((a) => !a.startsWith('--'))) {
  const profile = JSON.parse(await readFile(file, 'utf8')) as Profile;
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const self = new Map<number, number>();
  profile.samples.forEach((id, i) => self.set(id, (self.get(id) ?? 0) + (profile.timeDeltas[i] ?? 0)));
  const areas = new Map<string, number>();
  const functions = new Map<string, number>();
  let busy = 0;
  for (const [id, us] of self) {
    const { callFrame } = byId.get(id)!;
    const area = areaOf(callFrame.url, callFrame.functionName);
    areas.set(area, (areas.get(area) ?? 0) + us);
    if (area !== '(idle)') busy += us;
    const fn = `${callFrame.functionName || '(anonymous)'} ${callFrame.url.replace(/^.*\/(packages|node_modules)\//, '$1/')}:${callFrame.lineNumber + 1}`;
    functions.set(fn, (functions.get(fn) ?? 0) + us);
  }
  const ms = (us: number) => `${(us / 1000).toFixed(0)} ms`;
  const pct = (us: number) => `${((100 * us) / busy).toFixed(1)}%`;
  console.log(`\n${file}: ${ms(profile.endTime - profile.startTime)} wall, ${ms(busy)} busy`);
  for (const [area, us] of [...areas].sort((a, b) => b[1] - a[1]).filter(([a]) => a !== '(idle)').slice(0, 12)) console.log(`  ${pct(us).padStart(6)}  ${ms(us).padStart(8)}  ${area}`);
  console.log('  heaviest functions (self time):');
  for (const [fn, us] of [...functions].sort((a, b) => b[1] - a[1]).slice(0, top)) console.log(`  ${pct(us).padStart(6)}  ${fn}`);
}

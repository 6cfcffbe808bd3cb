import { readFileSync } from 'node:fs';
import { getProperties } from 'properties-file';

/** A Flume configuration file: Java properties syntax in full (escapes, continuations, `=`/`:`/space, `#`/`!`). */
export function loadProperties(fileOrText: string | { text: string }): Map<string, string> {
  const text = typeof fileOrText === 'string' ? readFileSync(fileOrText, 'utf8') : fileOrText.text;
  return new Map(Object.entries(getProperties(text)));
}

/** The keys under `prefix.` with the prefix removed (Flume's Context for a component). */
export function subContext(properties: ReadonlyMap<string, string>, prefix: string): Map<string, string> {
  const out = new Map<string, string>();
  const p = `${prefix}.`;
  for (const [k, v] of properties) if (k.startsWith(p)) out.set(k.slice(p.length), v);
  return out;
}

/** Names listed in a space-separated value (`agent.sinks = k1 k2`). */
export function names(value: string | undefined): string[] {
  return (value ?? '').split(/\s+/).filter((s) => s !== '');
}

#!/usr/bin/env bash
# Issue 13: the packages as a user gets them. Every package is packed; the tarballs are installed into a
# fresh npm project; a JS consumer runs, a TypeScript consumer type-checks (strict; NodeNext and Bundler),
# and each CLI answers from node_modules/.bin. Nothing of the workspace is visible to the consumer.
set -euo pipefail
repo="$(cd "$(dirname "$0")/../.." && pwd)"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
mkdir -p "$work/packs" "$work/consumer"
for dir in "$repo"/packages/*/; do
  (cd "$dir" && pnpm pack --pack-destination "$work/packs" >/dev/null)
done
cd "$work/consumer"
npm init -y >/dev/null
npm pkg set type=module >/dev/null
npm install --no-fund --no-audit --loglevel=error "$work"/packs/*.tgz vitest@^4.1.0 typescript@~5.9.3 @types/node@^20.19.0 >/dev/null
cp "$repo/test/outside-in/consumer.mjs" "$repo/test/outside-in/consumer.ts" .
node consumer.mjs
for resolution in NodeNext Bundler; do
  module=$([ "$resolution" = NodeNext ] && echo NodeNext || echo ESNext)
  npx tsc --noEmit --strict --noImplicitAny --skipLibCheck false --types node --target ES2023 --lib ES2023,ESNext.Disposable \
    --module "$module" --moduleResolution "$resolution" consumer.ts
  echo "ok - TypeScript consumer, moduleResolution $resolution"
done
for bin in "hadoopfs fs -usage ls" "jindo jfs -usage recover" "oss-server --help" "flume-agent --help"; do
  set -- $bin
  out="$(./node_modules/.bin/"$1" "${@:2}" 2>&1)" || { echo "not ok - $bin: $out"; exit 1; }
  echo "ok - $bin"
done

#!/usr/bin/env bash
# Ceph's Debian packages for the s3a tests (a real radosgw, started by test/fixtures/radosgw.ts). Installs
# them as root when a binary is missing (apt-get update first); otherwise says what to run and goes on:
# the tests that need radosgw then fail naming it, the others run.
set -euo pipefail
PACKAGES="radosgw ceph-mon ceph-osd ceph-common"
missing=""
for binary in ceph-mon ceph-osd radosgw radosgw-admin monmaptool ceph-authtool ceph; do
  command -v "$binary" >/dev/null 2>&1 || missing="$missing $binary"
done
[ -z "$missing" ] && exit 0
if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
  echo "installing Ceph's packages for the s3a tests ($PACKAGES: missing$missing)"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends $PACKAGES >/dev/null
else
  echo "warning: the s3a tests need Ceph's Debian packages (missing$missing): as root, apt-get update && apt-get install -y --no-install-recommends $PACKAGES" >&2
fi

#!/usr/bin/env bash
# Makes a fresh machine ready: npm dependencies, the build, and every Debian package a test uses
# (MariaDB server and client, and the client matrix's programs and drivers). Tests never install
# anything: two test files running apt-get at once collide on the dpkg lock. Safe to run again: each
# step is skipped when already done. Extra Debian packages may be named as arguments.
set -euo pipefail
cd "$(dirname "$0")/.."

if [ ! -d node_modules ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  echo "setup: installing npm dependencies (npm ci)"
  npm ci --no-audit --no-fund
fi

# The client matrix (test/clients): sysbench, PyMySQL, mysqlclient, Connector/J, DBD::MariaDB.
packages=(mariadb-server mariadb-client sysbench python3-pymysql python3-mysqldb libmariadb-java libdbd-mariadb-perl)
# Installed means dpkg's status "installed": a removed package whose config files remain ("rc") passes dpkg -s.
installed() { [ "$(dpkg-query -W -f='${db:Status-Status}' "$1" 2>/dev/null)" = installed ]; }
need=()
for pkg in "${packages[@]}" "$@"; do installed "$pkg" || need+=("$pkg"); done
if [ ${#need[@]} -gt 0 ]; then
  echo "setup: installing ${need[*]} with apt-get"
  if [ "$(id -u)" != 0 ]; then echo "setup: need root to apt-get install ${need[*]}" >&2; exit 1; fi
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${need[@]}" >/dev/null
fi

echo "setup: building (tsc)"
npx tsc -p tsconfig.json
chmod +x dist/src/cli.js 2>/dev/null || true

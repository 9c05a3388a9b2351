#!/usr/bin/env bash
# npm run demo: set up (deps, build, MariaDB), then run the demo (scripts/demo.ts).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
exec node dist/scripts/demo.js

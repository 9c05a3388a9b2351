#!/usr/bin/env bash
# npm test: set up, then run every test file with Node's built-in runner (its summary closes the output).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
mapfile -t files < <(find dist/test -name '*.test.js' | sort)
if [ ${#files[@]} -eq 0 ]; then echo "no test files found under dist/test" >&2; exit 1; fi
exec node --test --test-concurrency=2 "${files[@]}"

#!/usr/bin/env bash
# Installs the pinned Prism (package-lock.json) into tests/prism/node_modules, or reuses the
# installation already there when it was made from the same lockfile. Prints Prism's version.
# Used by .ci/run; tests/tests/contract_prism.rs runs tests/prism/node_modules/.bin/prism.
set -euo pipefail
cd "$(dirname "$0")"

stamp=node_modules/.installed-from-package-lock.json
if [[ -x node_modules/.bin/prism ]] && cmp -s package-lock.json "$stamp"; then
    echo "prism: reusing tests/prism/node_modules"
else
    command -v npm >/dev/null || { echo "prism: npm (Node.js >= 18.20.1) is required" >&2; exit 1; }
    npm ci --no-audit --no-fund --loglevel=error
    cp package-lock.json "$stamp"
fi
printf 'prism %s\n' "$(node_modules/.bin/prism --version)"

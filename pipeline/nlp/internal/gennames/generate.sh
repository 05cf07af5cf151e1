#!/usr/bin/env bash
# Regenerates pipeline/nlp/givennames.txt from the pinned @faker-js/faker
# package (MIT). Run from the repository root:
#   bash pipeline/nlp/internal/gennames/generate.sh
set -euo pipefail
faker=@faker-js/faker@10.6.0
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
(cd "$tmp" && npm pack --silent "$faker" >/dev/null && tar xzf faker-js-faker-*.tgz)
node pipeline/nlp/internal/gennames/names.mjs "$tmp/package/dist/index.js" > pipeline/nlp/givennames.txt

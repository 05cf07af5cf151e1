#!/usr/bin/env bash
# Regenerates pipeline/nlp/countries.json from the pinned data packages.
# Run from the repository root: bash pipeline/nlp/internal/gencountries/generate.sh
set -euo pipefail
world=world-countries@5.1.0
i18n=i18n-iso-countries@7.14.0
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
(cd "$tmp" && npm pack --silent "$world" "$i18n" >/dev/null)
mkdir -p "$tmp/world" "$tmp/i18n"
tar xzf "$tmp"/world-countries-*.tgz -C "$tmp/world"
tar xzf "$tmp"/i18n-iso-countries-*.tgz -C "$tmp/i18n"
go run ./pipeline/nlp/internal/gencountries \
  -world "$tmp/world/package/countries.json" \
  -i18n "$tmp/i18n/package/langs/en.json" \
  -out pipeline/nlp/countries.json

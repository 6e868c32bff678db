#!/bin/sh
# SPDX-License-Identifier: MIT
# Run every bench program; with --json, print one JSON object holding each
# program's object under its name ("groups", "pgtable").
# usage: scripts/bench.sh BUILD_DIR [--json]
set -e
build=$1
if [ "${2:-}" != "--json" ]; then
	"$build/bench/iok-bench"
	echo
	"$build/bench/iok-bench-pgtable" --callgrind
	exit 0
fi
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
"$build/bench/iok-bench" --json >"$tmp/groups.json"
"$build/bench/iok-bench-pgtable" --callgrind --json >"$tmp/pgtable.json"
python3 - "$tmp" <<'PY'
import json, sys
d = sys.argv[1]
print(json.dumps({"schema": 1,
                  "groups": json.load(open(d + "/groups.json")),
                  "pgtable": json.load(open(d + "/pgtable.json"))}, indent=2))
PY

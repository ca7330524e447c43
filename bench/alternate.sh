#!/usr/bin/env bash
# Run one bench command alternately on two source trees (A, B, A, B, …) against the same kept database, so that
# two variants of the code are compared in one session with their spread (docs/benchmarks.md's rule).
#
#   bench/alternate.sh ROUNDS TREE_A TREE_B -- COMMAND…
#   e.g. bench/alternate.sh 2 ../tree-new ../tree-old -- .venv/bin/python bench/tax_assess.py --reuse
#
# Each tree is a checkout (git worktree, or a `git archive` export) of the project; COMMAND runs from the
# current directory with
# PYTHONPATH=TREE/src, so the bench script is the same for both and only the code under test differs.
set -euo pipefail
rounds=$1 a=$2 b=$3
shift 3
[ "${1:-}" = "--" ] && shift
for round in $(seq "$rounds"); do
  for tree in "$a" "$b"; do
    echo "=== round $round $tree $(git -C "$tree" rev-parse --short HEAD 2>/dev/null || echo "(export)") $(date -u +%T) load $(cut -d' ' -f1 /proc/loadavg)"
    PYTHONPATH="$tree/src" "$@"
  done
done

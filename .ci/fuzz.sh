#!/usr/bin/env bash
# Runs every fuzz target briefly (FUZZTIME, default 10s each). Seeds live in testdata/fuzz/
# beside each package and also run as plain tests in `go test ./...`. A crash writes its
# input to testdata/fuzz/<Target>/ and fails the run.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
fuzztime="${FUZZTIME:-10s}"
targets=(
  "./models FuzzSanitiseFileName"
  "./models FuzzValidateUSCC"
  "./models FuzzAnonymise"
  "./models FuzzParseYuan"
  "./models FuzzRulingAnonymise"
  "./handlers FuzzRegisterJSON"
  "./handlers FuzzComplaintJSON"
  "./handlers FuzzActionJSON"
)
n=0
for t in "${targets[@]}"; do
  set -- $t
  echo "fuzz $2 ($1, $fuzztime)"
  go test -run '^$' -fuzz "^$2\$" -fuzztime "$fuzztime" -parallel 2 "$1"
  n=$((n + 1))
done
echo "fuzz: $n targets ran for $fuzztime each without a failure"

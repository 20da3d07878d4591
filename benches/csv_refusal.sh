#!/usr/bin/env bash
# Times the refusal of hostile CSV files by a gpec binary ($1, e.g. target/release/gpec) on a
# fresh SQLite file, port $2 (default 18080). $3: `quote` (a stray quote in each line, the outside
# probe's file) or `unknown` (well-formed lines naming no activity). LINES overrides the sizes.
set -euo pipefail
BIN=$1; PORT=${2:-18080}; DIR=$(mktemp -d)
DATABASE_URL="sqlite://$DIR/gpec.db" GPEC_BIND=127.0.0.1:$PORT GPEC_ADMIN_PASSWORD=bench-admin-password GPEC_LOG=warn "$BIN" serve >"$DIR/log" 2>&1 &
PID=$!; trap 'kill $PID 2>/dev/null; rm -rf "$DIR"' EXIT
for _ in $(seq 1 100); do curl -sf "http://127.0.0.1:$PORT/ready" >/dev/null && break; sleep 0.2; done
api=http://127.0.0.1:$PORT/api/v1
tok() { curl -s -X POST $api/auth/token -H 'Content-Type: application/json' -d "{\"username\":\"$1\",\"password\":\"$2\"}" | sed -E 's/.*"access_token":"([^"]+)".*/\1/'; }
ADMIN=$(tok admin bench-admin-password)
curl -s -X POST $api/organisations -H "Authorization: Bearer $ADMIN" -H 'Content-Type: application/json' -d '{"code":"CAF-1","name":"CAF bench","kind":"caf"}' >/dev/null
curl -s -X POST $api/users -H "Authorization: Bearer $ADMIN" -H 'Content-Type: application/json' -d '{"username":"prod","password":"bench-user-password","organisation":"CAF-1","roles":["production"]}' >/dev/null
PROD=$(tok prod bench-user-password)
KIND=${3:-quote}
make_file() { # lines, file
  python3 - "$1" "$2" "$KIND" <<'PY'
import sys
n, path, kind = int(sys.argv[1]), sys.argv[2], sys.argv[3]
with open(path, "w") as f:
    f.write("organisation,activity,period,volume,opening_backlog\n")
    for i in range(n):
        # quote: a stray quote in each line; unknown: well-formed lines naming no activity
        f.write(f'CAF-1,A"B{i},2027-01,1,\n' if kind == "quote" else f'CAF-1,NOPE{i},2027-01,1,\n')
PY
}
for lines in ${LINES:-10000 40000 80000 180000 2000000}; do
  make_file $lines "$DIR/f.csv"
  size=$(stat -c %s "$DIR/f.csv")
  [ "$size" -gt 67108864 ] && { echo "$lines lines: $size bytes, over the limit, skipped"; continue; }
  best=999
  for run in 1 2 3; do
    t=$(curl -s -o "$DIR/out" -w '%{time_total}' -X POST $api/csv/loads -H "Authorization: Bearer $PROD" -H 'Content-Type: text/csv' --data-binary @"$DIR/f.csv")
    best=$(python3 -c "print(min($best, $t))")
  done
  status=$(python3 -c "import json;d=json.load(open('$DIR/out'));print(d['error'], len(d['details']))")
  printf '%8d lines %10d bytes: best of 3 %.3f s (%s)\n' "$lines" "$size" "$best" "$status"
done

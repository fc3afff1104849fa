#!/bin/sh
# Copy a finished warehouse to the folders of the replicas, each copy atomic:
#   publish-replicas.sh /var/lib/datakompas/datakompas.duckdb /var/lib/datakompas/replica-8501 /var/lib/datakompas/replica-8502
# Each replica (datakompas@PORT.service) reads DATAKOMPAS_DB=<folder>/datakompas.duckdb. The copy
# is written beside the target and renamed over it, so a replica only ever sees a whole file: runs
# that started on the old build finish on it, the next page view opens the new one. Never copy
# onto the target in place (cp src target): a replica could open a half-written file.
set -eu
src="$1"; shift
for dir in "$@"; do
    mkdir -p "$dir"
    tmp="$dir/.datakompas.duckdb.$$.copy"
    cp "$src" "$tmp"
    chmod 0640 "$tmp"
    mv -f "$tmp" "$dir/datakompas.duckdb"   # rename within one filesystem: atomic
done

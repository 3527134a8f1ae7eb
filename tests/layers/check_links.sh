#!/usr/bin/env bash
# check_links.sh - the document libraries (poppler, libzip, libxml2) are
# linked by cv-extract only, the confined program cv-worker runs per
# document: cv-api, cv-worker and cv-admin never parse a document, so a
# flaw in those libraries cannot be reached in them.
#
#   check_links.sh CV_API CV_WORKER CV_ADMIN CV_EXTRACT
#
# Looks at both the direct dependencies (readelf -d, NEEDED) and the
# whole loaded set (ldd). Exit 0 when the rule holds, 1 with the
# offending lines otherwise.
set -euo pipefail

DOC_LIBS='libpoppler|libzip|libxml2'
status=0

needed() { readelf -d "$1" | sed -n 's/.*(NEEDED).*\[\(.*\)\]/\1/p'; }
loaded() { ldd "$1" | awk '{print $1}'; }

refuse() {   # refuse BINARY: none of DOC_LIBS, directly or not
    local found
    found=$( { needed "$1"; loaded "$1"; } | grep -E "^($DOC_LIBS)" | sort -u || true)
    if [ -n "$found" ]; then
        echo "FAIL: $(basename "$1") links document libraries:" $found
        status=1
    else
        echo "ok: $(basename "$1") links none of poppler, libzip, libxml2"
    fi
}

require() {   # require BINARY: each of DOC_LIBS among its direct dependencies
    local lib deps
    deps=$(needed "$1")
    for lib in libpoppler-glib libzip libxml2; do
        if ! grep -q "^$lib\." <<<"$deps"; then
            echo "FAIL: $(basename "$1") does not link $lib"
            status=1
        fi
    done
    [ $status -ne 0 ] || echo "ok: $(basename "$1") links poppler, libzip and libxml2"
}

[ $# -eq 4 ] || { echo "usage: $0 CV_API CV_WORKER CV_ADMIN CV_EXTRACT" >&2; exit 2; }
for b in "$@"; do
    [ -x "$b" ] || { echo "FAIL: $b is not an executable" >&2; exit 1; }
done
refuse "$1"
refuse "$2"
refuse "$3"
require "$4"
exit $status

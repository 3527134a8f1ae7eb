#!/bin/sh
# fix-dbgsym.sh DDEB - repair the debug-symbols package CMake 3.25's CPack
# writes: its md5sums lists absolute build paths instead of paths in the
# package (dpkg --verify and lintian reject it), and it lacks the doc
# directory Debian's dbgsym packages carry, a symlink to the main
# package's (copyright, changelog). Run by fix-dbgsym.cmake after cpack.
set -eu
ddeb=$1
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
dpkg-deb -R "$ddeb" "$tmp/root"
sed -i -E 's#^([0-9a-f]{32})  /.*-dbgsym/(usr/.*)$#\1  \2#' "$tmp/root/DEBIAN/md5sums"
mkdir -p "$tmp/root/usr/share/doc"
ln -sfn cv-analyzer "$tmp/root/usr/share/doc/cv-analyzer-dbgsym"
dpkg-deb --root-owner-group -b "$tmp/root" "$ddeb" >/dev/null

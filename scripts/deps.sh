#!/bin/sh
# SPDX-License-Identifier: MIT
# Install the Debian 12 packages iommukit needs to build and test; as root
# this runs apt-get, otherwise it prints the command to run.
set -e
PKGS="meson ninja-build pkg-config gcc libc6-dev libjson-c-dev libcmocka-dev libpci-dev pci.ids pciutils python3"
[ "${1:-}" = "--bench" ] && PKGS="$PKGS valgrind"
missing=""
for p in $PKGS; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" ||
		missing="$missing $p"
done
[ -z "$missing" ] && exit 0
if [ "$(id -u)" = 0 ]; then
	echo "deps: installing:$missing" >&2
	export DEBIAN_FRONTEND=noninteractive
	apt-get update -qq >/dev/null
	apt-get install -y -qq --no-install-recommends $missing >/dev/null
else
	echo "deps: missing Debian packages:$missing" >&2
	echo "deps: run as root: apt-get install$missing" >&2
	exit 1
fi

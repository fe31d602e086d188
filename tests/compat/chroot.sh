#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# chroot.sh: minimal Debian chroots for building and testing ikediag against another
# release's Wireshark (bookworm 4.0, trixie 4.4, forky 4.6).
#
# Owns: making, caching and entering the chroots.  Must not: know what is built or tested
# in them (build-and-test.sh and package-test.sh do).
#
#   tests/compat/chroot.sh base RELEASE    pristine minbase chroot (apt lists fresh)
#   tests/compat/chroot.sh dev RELEASE     base + wireshark-dev, tshark and build tools
#   tests/compat/chroot.sh run DIR CMD...  run CMD inside DIR with /proc, /dev and the
#                                          source tree (read-only, at /src) mounted
#   tests/compat/chroot.sh remove DIR      delete a chroot (or a copy), unmounting first
#
# Cache: build-chroots/ in the repository (ignored by git), or $IKEDIAG_CHROOTS.  A chroot
# is reused once its .ready stamp exists; delete the folder to make it again.  The mirror
# is the one apt is configured with on this machine (never written into the repository).
# Anything that cannot be made fails loudly: a missing chroot is never a skipped test.
set -euo pipefail
here=$(cd "$(dirname "$0")/../.." && pwd)
cache=${IKEDIAG_CHROOTS:-$here/build-chroots}

die() { echo "compat: $*" >&2; exit 1; }

# The Debian mirror of this machine's apt sources (deb822 .sources or sources.list).
mirror() {
    local uri
    uri=$(grep -hE '^URIs:' /etc/apt/sources.list.d/*.sources 2>/dev/null | awk '{print $2}' |
          grep -v -- '-security' | head -n 1 || true)
    [ -n "$uri" ] || uri=$(grep -hE '^deb ' /etc/apt/sources.list 2>/dev/null | awk '{print $2}' |
                           grep -v -- '-security' | head -n 1 || true)
    [ -n "$uri" ] || die "no Debian mirror found in /etc/apt/sources.list{,.d}"
    echo "$uri"
}

# The release's debootstrap script: bookworm's debootstrap has none for forky, which
# bootstraps like sid.
script_for() {
    if [ -e "/usr/share/debootstrap/scripts/$1" ]; then echo "/usr/share/debootstrap/scripts/$1"
    else echo /usr/share/debootstrap/scripts/sid; fi
}

# apt options inside a chroot: testing's Release file may be past its Valid-Until date.
apt_opts() {
    case $1 in forky) echo "-o Acquire::Check-Valid-Until=false" ;; *) echo "" ;; esac
}

# Mount what a chroot needs, run the command, unmount whatever happens.
run_in() {
    local dir=$1; shift
    mkdir -p "$dir/src"
    local mounts=()
    mount -t proc proc "$dir/proc" && mounts+=("$dir/proc")
    mount --bind /dev "$dir/dev" && mounts+=("$dir/dev")
    mount --bind -o ro "$here" "$dir/src" && mount -o remount,bind,ro "$dir/src" && mounts+=("$dir/src")
    [ ${#mounts[@]} = 3 ] || { umount_all "${mounts[@]}"; die "cannot mount into $dir"; }
    # One download of each package per release, shared by its chroots and their copies.
    if [ -f "$dir/.release" ]; then
        local archives=$cache/apt-archives-$(cat "$dir/.release")
        mkdir -p "$archives/partial"
        mount --bind "$archives" "$dir/var/cache/apt/archives" && mounts+=("$dir/var/cache/apt/archives")
    fi
    cp /etc/resolv.conf "$dir/etc/resolv.conf" 2>/dev/null || true
    local rc=0
    chroot "$dir" /usr/bin/env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin HOME=/root LC_ALL=C.UTF-8 \
        DEBIAN_FRONTEND=noninteractive "$@" || rc=$?
    umount_all "${mounts[@]}"
    return $rc
}

umount_all() {
    local m
    for m in "$@"; do umount -l "$m" 2>/dev/null || true; done
}

# Remove a chroot folder, never what is mounted into it: a chroot left mounted by a killed
# run has the host's /dev and this source tree inside.
remove_tree() {
    local dir m
    dir=$(realpath -m "$1")
    [ -e "$dir" ] || return 0
    mounts_under() { awk '{print $2}' /proc/mounts | grep -E "^$dir(/|$)" | sort -r || true; }
    for m in $(mounts_under); do umount -l "$m"; done
    [ -z "$(mounts_under)" ] || die "$dir still has mounts; not removing it"
    rm -rf --one-file-system "$dir"
}

make_base() {
    local release=$1 dir=$cache/base-$1
    [ -e "$dir/.ready" ] && { echo "$dir"; return; }
    command -v debootstrap >/dev/null || die "debootstrap is not installed (scripts/install-deps.sh)"
    remove_tree "$dir"; mkdir -p "$cache"
    echo "compat: debootstrap $release into $dir" >&2
    debootstrap --variant=minbase "$release" "$dir" "$(mirror)" "$(script_for "$release")" >"$cache/debootstrap-$release.log" 2>&1 ||
        die "debootstrap $release failed; see $cache/debootstrap-$release.log"
    printf 'deb %s %s main\n' "$(mirror)" "$release" >"$dir/etc/apt/sources.list"
    echo "$release" >"$dir/.release"
    # shellcheck disable=SC2046
    run_in "$dir" apt-get $(apt_opts "$release") update -qq >&2 || die "apt-get update in $release failed"
    touch "$dir/.ready"
    echo "$dir"
}

DEV_PACKAGES="wireshark-dev tshark libglib2.0-dev cmake ninja-build pkg-config gcc python3 make util-linux dpkg-dev file"

make_dev() {
    local release=$1 dir=$cache/dev-$1 base
    [ -e "$dir/.ready" ] && { echo "$dir"; return; }
    base=$(make_base "$release")
    remove_tree "$dir"
    cp -a "$base" "$dir"
    rm -f "$dir/.ready"
    echo "compat: installing Wireshark and build tools into $dir" >&2
    # shellcheck disable=SC2046,SC2086
    run_in "$dir" apt-get $(apt_opts "$release") install -y -qq --no-install-recommends $DEV_PACKAGES \
        >"$cache/dev-$release.log" 2>&1 || die "installing $DEV_PACKAGES in $release failed; see $cache/dev-$release.log"
    touch "$dir/.ready"
    echo "$dir"
}

case ${1:-} in
    base) make_base "${2:?release}" ;;
    dev) make_dev "${2:?release}" ;;
    run) dir=${2:?chroot folder}; shift 2; run_in "$dir" "$@" ;;
    remove) remove_tree "${2:?folder}" ;;
    apt-opts) apt_opts "${2:?release}" ;;
    *) die "usage: $0 base|dev RELEASE | run DIR CMD..." ;;
esac

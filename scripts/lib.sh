# Shared by scripts/demo, scripts/test and scripts/bench: find or install what vsh needs.
# Idempotent: it installs only what is missing. Source it; do not run it.

# The Swift toolchain: on PATH, or in /opt/swift where this project's machines keep it.
ensure_swift() {
    if ! command -v swift >/dev/null 2>&1; then
        for dir in /opt/swift/usr/bin /opt/swift/bin /usr/share/swift/usr/bin; do
            if [ -x "$dir/swift" ]; then export PATH="$dir:$PATH"; break; fi
        done
    fi
    if ! command -v swift >/dev/null 2>&1; then
        echo "error: no Swift toolchain found; install Swift 6.1 or later (https://www.swift.org/install/)" >&2
        exit 1
    fi
}

# Debian packages, installed only when one is missing (needs root or sudo).
ensure_packages() {
    local missing=()
    for package in "$@"; do
        dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed" || missing+=("$package")
    done
    [ ${#missing[@]} -eq 0 ] && return 0
    if ! command -v apt-get >/dev/null 2>&1; then
        echo "error: missing packages ${missing[*]}, and no apt-get to install them" >&2
        exit 1
    fi
    local sudo=""
    [ "$(id -u)" -ne 0 ] && sudo="sudo"
    echo "installing ${missing[*]}…" >&2
    $sudo apt-get update -qq >&2
    DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq "${missing[@]}" >&2
}

ensure_build_deps() {
    ensure_swift
    # The C toolchain and headers the packages' C code compiles against.
    ensure_packages build-essential pkg-config libedit-dev
}

# Swift build flags used everywhere: no index store (faster builds on small machines).
SWIFT_FLAGS=(--disable-index-store)

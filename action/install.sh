#!/usr/bin/env bash
# Installs gitops-lint for the action (action.yml). Two steps, so that actions/cache can sit
# between them:
#
#   install.sh plan      decide the source: a release binary for this runner's OS and
#                        architecture when the requested version has one, else `cargo install`
#                        from the action's own checkout; prints outputs `source`, `version`,
#                        `root` and `cache-key`.
#   install.sh install   install from that source into `root` and put it on GITHUB_PATH;
#                        prints output `path` (the binary).
#
# Inputs come from the environment only: INPUT_VERSION (a version, empty for the action's own,
# or `source` to always build), GITHUB_ACTION_PATH, RUNNER_OS, RUNNER_ARCH, RUNNER_TEMP,
# RUNNER_TOOL_CACHE, GITHUB_OUTPUT, GITHUB_PATH. GITOPS_LINT_DOWNLOAD_URL replaces the release
# download URL (a mirror, or a file:// directory in tests).
set -euo pipefail

action_path=${GITHUB_ACTION_PATH:?GITHUB_ACTION_PATH is not set}
download_url=${GITOPS_LINT_DOWNLOAD_URL:-https://github.com/gitops-lint/gitops-lint/releases/download}

output() {
  printf '%s=%s\n' "$1" "$2" >> "${GITHUB_OUTPUT:?GITHUB_OUTPUT is not set}"
}

# The version in the action's own Cargo.toml.
own_version() {
  sed -n 's/^version = "\(.*\)"$/\1/p' "$action_path/Cargo.toml" | head -n 1
}

# The Rust target of this runner, as release archives are named.
target() {
  case "${RUNNER_OS:-}/${RUNNER_ARCH:-}" in
    Linux/X64) echo x86_64-unknown-linux-musl ;;
    Linux/ARM64) echo aarch64-unknown-linux-musl ;;
    macOS/X64) echo x86_64-apple-darwin ;;
    macOS/ARM64) echo aarch64-apple-darwin ;;
    Windows/X64) echo x86_64-pc-windows-msvc ;;
    *) echo unknown ;;
  esac
}

# The SHA-256 of a file, or of standard input.
sha256() {
  if command -v sha256sum > /dev/null; then
    sha256sum "$@"
  else
    shasum -a 256 "$@"
  fi | cut -d ' ' -f 1
}

# A fingerprint of the sources `cargo install` builds, for the cache key.
source_fingerprint() {
  (
    cd "$action_path"
    find Cargo.toml Cargo.lock build.rs src policies schemas -type f 2> /dev/null \
      | LC_ALL=C sort \
      | while IFS= read -r file; do printf '%s  %s\n' "$(sha256 "$file")" "$file"; done
  ) | sha256
}

plan() {
  local version=${INPUT_VERSION:-}
  [ -n "$version" ] || version=$(own_version)
  version=${version#v}
  local target archive source=cargo
  target=$(target)
  archive="gitops-lint-v$version-$target.tar.gz"
  if [ "$version" != source ] && [ "$target" != unknown ] \
    && curl --silent --fail --location --head --output /dev/null "$download_url/v$version/$archive.sha256"; then
    source=release
  fi
  local root="${RUNNER_TOOL_CACHE:-${RUNNER_TEMP:?RUNNER_TEMP is not set}}/gitops-lint/$version-$target"
  local key="gitops-lint-$version-$target"
  if [ "$source" = cargo ]; then
    local fingerprint
    fingerprint=$(source_fingerprint)
    root="${RUNNER_TOOL_CACHE:-${RUNNER_TEMP:?}}/gitops-lint/cargo-$fingerprint"
    key="gitops-lint-cargo-${RUNNER_OS:-os}-${RUNNER_ARCH:-arch}-$fingerprint"
  fi
  echo "gitops-lint $version for $target: $source"
  output source "$source"
  output version "$version"
  output target "$target"
  output archive "$archive"
  output root "$root"
  output cache-key "$key"
}

install_release() {
  local version=$1 archive=$2 root=$3
  local work
  work=$(mktemp -d "${RUNNER_TEMP:?}/gitops-lint-download.XXXXXX")
  curl --silent --show-error --fail --location --output "$work/$archive" "$download_url/v$version/$archive"
  curl --silent --show-error --fail --location --output "$work/$archive.sha256" "$download_url/v$version/$archive.sha256"
  local expected actual
  expected=$(cut -d ' ' -f 1 < "$work/$archive.sha256")
  actual=$(sha256 "$work/$archive")
  if [ -z "$expected" ] || [ "$expected" != "$actual" ]; then
    echo "::error title=gitops-lint::checksum mismatch for $archive: expected ${expected:-nothing}, got $actual"
    exit 1
  fi
  mkdir -p "$root/bin"
  tar -xzf "$work/$archive" -C "$root/bin"
  rm -rf "$work"
}

install() {
  local source=${PLAN_SOURCE:?PLAN_SOURCE is not set} version=${PLAN_VERSION:?} root=${PLAN_ROOT:?}
  local binary="$root/bin/gitops-lint"
  [ "${RUNNER_OS:-}" = Windows ] && binary="$binary.exe"
  if [ -x "$binary" ]; then
    echo "gitops-lint is cached at $binary"
  elif [ "$source" = release ]; then
    install_release "$version" "${PLAN_ARCHIVE:?}" "$root"
  else
    echo "No release binary: building gitops-lint from the action's checkout with cargo install --locked"
    "${CARGO:-cargo}" install --locked --path "$action_path" --root "$root"
  fi
  "$binary" --version
  echo "$root/bin" >> "${GITHUB_PATH:?GITHUB_PATH is not set}"
  output path "$binary"
}

case "${1:-}" in
  plan) plan ;;
  install) install ;;
  *)
    echo "usage: install.sh plan|install" >&2
    exit 2
    ;;
esac

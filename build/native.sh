#!/usr/bin/env bash
# Builds memlens as one native executable (NativeAOT, linux-x64) into .build/native/memlens when it is missing or older
# than the sources, and prints its path. Needs the .NET SDK and a C toolchain (clang or gcc, for the native link).
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
out="$root/.build/native"
bin="$out/memlens"
# obj/ and bin/ are left out: every dotnet build rewrites the generated .cs files there, which are not sources.
if [ ! -x "$bin" ] || [ -n "$(find "$root/src" "$root/Directory.Build.props" \( -name obj -o -name bin \) -prune -o -newer "$bin" \( -name '*.cs' -o -name '*.csproj' -o -name '*.props' \) -print -quit)" ]; then
  echo "memlens: building the native executable (once; about a minute)…" >&2
  export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1
  rm -rf "$root"/src/*/obj/Release/net10.0/linux-x64
  dotnet publish "$root/src/Memlens.Cli" -c Release -r linux-x64 -p:PublishAot=true -o "$out" -v quiet -nologo >&2
  rm -f "$out"/*.pdb "$out"/*.dbg
fi
echo "$bin"

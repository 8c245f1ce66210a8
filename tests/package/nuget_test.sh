#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# nuget_test.sh SOURCE_DIR OUT VERSION -- checks the NuGet package that
# scripts/package (CTest package_build, through scripts/package-nuget) made in OUT:
#   - SWIG generated the same C# in its Linux and Windows builds (the one
#     Mailslot.dll serves both);
#   - its files (the assembly and its XML doc, the natives of linux-x64 and
#     win-x64, build/Mailslot.targets, LICENSE) and its manifest (VERSION,
#     MIT, the authors);
#   - the win-x64 DLLs are PE32+ x86-64; mailslot.dll exports what
#     abi/mailslot.def names, the glue exports the same CSharp_ functions as
#     the Linux glue and imports mailslot.dll; neither imports a DLL that is
#     not in the package nor a Windows system DLL;
#   - the linux-x64 ELF files are x86-64 and self-contained: NEEDED only
#     glibc's libraries and files of the package, RUNPATH $ORIGIN where they
#     need one of those, no RPATH;
#   - a consumer with a fresh HOME (empty NuGet cache, nothing from the
#     build tree) installs the package from a local folder feed holding only
#     it (nuget install), then builds a C# program against the installed
#     assembly twice: with mcs, the natives copied beside it by hand (the
#     documented step), and with xbuild from a project that imports
#     build/Mailslot.targets, which copies them; each runs under Mono with no
#     LD_LIBRARY_PATH or MONO_PATH: a round trip through a slot, and every
#     mailslot or sodium library mapped in the process (/proc/self/maps) is
#     one of the package's, beside the program;
#   - under Wine: a MinGW-w64 C program LoadLibrary's the installed
#     package's mailslot_csharp.dll, resolves its glue function for
#     MailslotNative.VersionString and calls it (through mailslot.dll): VERSION.
#     The Wine prefix is the windows test preset's, build/windows/wineprefix
#     (made here with wineboot -i when it is not there yet).
set -u
src=${1:?usage: nuget_test.sh SOURCE_DIR OUT VERSION}
out=${2:?usage: nuget_test.sh SOURCE_DIR OUT VERSION}
version=${3:?usage: nuget_test.sh SOURCE_DIR OUT VERSION}
. "$src/tests/lib/strict.sh"
mingw=x86_64-w64-mingw32
for tool in nuget mono mcs xbuild swig patchelf readelf nm python3 $mingw-gcc $mingw-objdump wine wineboot wineserver winepath; do
    command -v "$tool" >/dev/null || { ms_cannot_run "$tool not found (apt-get install nuget mono-mcs mono-runtime mono-xbuild swig patchelf gcc-mingw-w64-x86-64 wine wine64)"; exit $?; }
done

. "$src/tests/lib/package.sh"
finish() {
    ms_summary package_nuget
    exit
}

tmp=$(mktemp -d "${TMPDIR:-/tmp}/mailslot-nuget.XXXXXX") || exit 1
[ -n "${NUGET_TEST_KEEP:-}" ] || trap 'rm -rf "$tmp"' EXIT
out=$(cd "$out" && pwd)
nupkg=$out/Mailslot.$version.nupkg
[ -f "$nupkg" ]
check "scripts/package made $nupkg" $? || finish

# One Mailslot.dll serves both systems: SWIG generated the same C# in the
# Linux and the Windows build of scripts/package-nuget.
gen=bindings/swig/csharp-gen
[ -s "$src/build/nuget/linux/$gen/MailslotGenerated.cs" ] &&
    diff -r "$src/build/nuget/linux/$gen" "$src/build/nuget/windows/$gen" >"$tmp/gen.diff" 2>&1
rc=$?
check "SWIG generated the same C# for Linux and Windows ($(head -n 5 "$tmp/gen.diff" | tr '\n' ' '))" $rc

# ---- the package's files and manifest ----------------------------------------
python3 -c 'import sys, zipfile; print("\n".join(zipfile.ZipFile(sys.argv[1]).namelist()))' "$nupkg" >"$tmp/listing"
linux=runtimes/linux-x64/native
win=runtimes/win-x64/native
for f in LICENSE Mailslot.nuspec lib/net45/Mailslot.dll lib/net45/Mailslot.xml build/Mailslot.targets \
    "$linux/libmailslot_csharp.so" "$linux/libmailslot.so.${version%%.*}" "$win/mailslot.dll" \
    "$win/mailslot_csharp.dll" "$win/libsodium.copyright"; do
    grep -qxF "$f" "$tmp/listing"
    check "the package has $f" $?
done
for re in "$linux/libsodium-[0-9a-f]{8}\.so\.[0-9]+" "$linux/libsodium-[0-9a-f]{8}\.so\.[0-9]+\.copyright"; do
    grep -qxE "$re" "$tmp/listing"
    check "the package has $re" $?
done
python3 -c 'import sys, zipfile; sys.stdout.write(zipfile.ZipFile(sys.argv[1]).read("Mailslot.nuspec").decode())' "$nupkg" >"$tmp/nuspec"
grep -qF "<version>$version</version>" "$tmp/nuspec"
check "the manifest's version is $version" $?
grep -qF "<authors>mailslot developers</authors>" "$tmp/nuspec" && grep -q "MIT" "$tmp/nuspec"
check "the manifest names the authors and the MIT license" $?

# ---- the consumer: a fresh HOME, a folder feed with only the package ----------
feed=$tmp/feed
mkdir -p "$feed" "$tmp/home" "$tmp/app"
cp "$nupkg" "$feed/"
(cd "$tmp" && env -i PATH="$PATH" HOME="$tmp/home" TMPDIR="$tmp" nuget install Mailslot -Source "$feed" \
    -OutputDirectory "$tmp/packages" -NonInteractive -NoCache) >"$tmp/install.txt" 2>&1
rc=$?
check "nuget install Mailslot from the folder feed ($(tail -n 3 "$tmp/install.txt" | tr '\n' ' '))" $rc
pkg=$tmp/packages/Mailslot.$version
[ -f "$pkg/lib/net45/Mailslot.dll" ]
check "nuget installed $pkg/lib/net45/Mailslot.dll" $? || finish

# ---- the native files --------------------------------------------------------
for dll in mailslot.dll mailslot_csharp.dll; do
    f=$pkg/$win/$dll
    $mingw-objdump -f "$f" 2>/dev/null | grep -q 'file format pei-x86-64' &&
        $mingw-objdump -p "$f" | grep -qE '^Magic[[:space:]]+020b[[:space:]]+\(PE32\+\)'
    check "$dll is a PE32+ x86-64 file" $?
    # Windows' own DLLs (and the API sets of the universal C runtime), or a file of the package.
    bad=$([ -f "$f" ] || echo "(no $dll)"; $mingw-objdump -p "$f" 2>/dev/null | sed -n 's/^[[:space:]]*DLL Name: //p' | tr -d '\r' |
        grep -viE '^(kernel32|advapi32|bcrypt|ws2_32|iphlpapi|msvcrt|ucrtbase|user32|ntdll|api-ms-win-[a-z0-9-]+)\.dll$' |
        while read -r d; do [ -e "$pkg/$win/$d" ] || echo "$d"; done)
    [ -z "$bad" ]
    check "$dll imports no DLL that is neither Windows' nor the package's (it does: $bad)" $?
done
pe_exports() { # the names in the export table of a PE file
    $mingw-objdump -p "$1" | awk '/^\[Ordinal\/Name Pointer\] Table/ { t = 1; next } t && /^\t\[/ { print $NF; next } t { t = 0 }' | sort
}
pe_exports "$pkg/$win/mailslot.dll" >"$tmp/exports.dll"
sed -n '/^EXPORTS/,$p' "$src/abi/mailslot.def" | awk 'NR > 1 && $1 !~ /^;/ && NF { print $1 }' | sort >"$tmp/exports.def"
[ -s "$tmp/exports.def" ] && cmp -s "$tmp/exports.def" "$tmp/exports.dll"
rc=$?
check "mailslot.dll exports abi/mailslot.def ($(diff "$tmp/exports.def" "$tmp/exports.dll" | grep '^[<>]' | head -n 3 | tr '\n' ' '))" $rc
pe_exports "$pkg/$win/mailslot_csharp.dll" | grep '^CSharp_' >"$tmp/glue.dll"
nm -D --defined-only "$pkg/$linux/libmailslot_csharp.so" | awk '$3 ~ /^CSharp_/ { print $3 }' | sort >"$tmp/glue.so"
[ -s "$tmp/glue.so" ] && cmp -s "$tmp/glue.so" "$tmp/glue.dll"
rc=$?
check "mailslot_csharp.dll exports the Linux glue's $(wc -l <"$tmp/glue.so") CSharp_ functions ($(diff "$tmp/glue.so" "$tmp/glue.dll" | grep '^[<>]' | head -n 3 | tr '\n' ' '))" $rc
$mingw-objdump -p "$pkg/$win/mailslot_csharp.dll" | grep -qE '^[[:space:]]*DLL Name: mailslot\.dll'
check "mailslot_csharp.dll imports mailslot.dll" $?

# ELF: the files' SONAMEs, then what each needs.
sonames=" "
for f in "$pkg/$linux"/*.so*; do
    case $f in *.copyright) continue ;; esac
    sonames+="$(readelf -d "$f" | sed -n 's/.*(SONAME).*\[\(.*\)\]/\1/p') "
done
for f in "$pkg/$linux"/*.so*; do
    case $f in *.copyright) continue ;; esac
    name=${f##*/}
    readelf -h "$f" | grep -qE 'Machine:[[:space:]]+Advanced Micro Devices X86-64'
    check "$name is an x86-64 ELF file" $?
    dyn=$(readelf -d "$f")
    own=0 outside=""
    for n in $(sed -n 's/.*(NEEDED).*\[\(.*\)\]/\1/p' <<<"$dyn"); do
        if [[ $sonames == *" $n "* ]]; then
            own=1
        elif ! [[ $n =~ ^(libc\.so\.6|libm\.so\.6|libdl\.so\.2|librt\.so\.1|libpthread\.so\.0|ld-linux-x86-64\.so\.2)$ ]]; then
            outside+="$n "
        fi
    done
    [ -z "$outside" ]
    check "$name needs only glibc and the package's files (also: $outside)" $?
    runpath=$(sed -n 's/.*(RUNPATH).*\[\(.*\)\]/\1/p' <<<"$dyn")
    if [ "$own" = 1 ]; then
        [ "$runpath" = '$ORIGIN' ]
        check "$name's RUNPATH is \$ORIGIN (it is '$runpath')" $?
    fi
    ! grep -q '(RPATH)' <<<"$dyn"
    check "$name has no RPATH" $?
done

# ---- a C# program under Mono -------------------------------------------------
cat >"$tmp/app/App.cs" <<'CS'
// SPDX-License-Identifier: MIT
using System;
using System.Diagnostics;
using System.IO;
using System.Linq;
using Mailslot;

static class App
{
    static int Main()
    {
        string name = string.Format("nuget-test-{0}-1", Process.GetCurrentProcess().Id);
        byte[] sent = { 0, 1, 2, 255, (byte)'m', (byte)'s' };
        using (var reader = new Reader(name))
        using (var writer = new Writer(name))
        {
            writer.Write(sent);
            byte[] got = reader.Read(5000);
            if (!got.SequenceEqual(sent)) {
                Console.WriteLine("round trip: got " + BitConverter.ToString(got));
                return 1;
            }
        }
        Console.WriteLine("version " + MailslotNative.VersionString());
        // What the process loaded of the library, its glue and libsodium:
        // shared objects only (the library also maps files of its own, such
        // as the directory of readers in /dev/shm).
        foreach (var line in File.ReadAllLines("/proc/self/maps").Select(l => l.Split(new[] { ' ' }, 6, StringSplitOptions.RemoveEmptyEntries)).Where(f => f.Length == 6).Select(f => f[5].Trim()).Distinct())
        {
            var file = Path.GetFileName(line);
            if ((file.Contains("mailslot") || file.Contains("sodium")) && file.Contains(".so"))
                Console.WriteLine("mapped " + line);
        }
        return 0;
    }
}
CS
# run_app DIR HOW: runs DIR/App.exe under Mono, with nothing on the search
# paths, and checks what it did and which libraries it loaded.
run_app() {
    local dir=$1 how=$2 others what
    env -u LD_LIBRARY_PATH -u MONO_PATH -u MAILSLOT_LIBRARY MAILSLOT_NETWORK=0 mono "$dir/App.exe" >"$dir/run.txt" 2>&1
    rc=$?
    check "$how: the program runs under Mono, a round trip through a slot ($(head -n 5 "$dir/run.txt" | tr '\n' ' '))" $rc
    grep -qxF "version $version" "$dir/run.txt"
    check "$how: the program's library is version $version" $?
    for what in libmailslot_csharp.so "libmailslot.so.${version%%.*}" libsodium-; do
        grep -q "^mapped $dir/$what" "$dir/run.txt"
        check "$how: the process mapped the package's $what" $?
    done
    others=$(grep '^mapped ' "$dir/run.txt" | grep -v "^mapped $dir/")
    [ -z "$others" ]
    check "$how: the process mapped no other mailslot or sodium library ($others)" $?
}

# mcs, and the documented step: Mailslot.dll and this system's natives beside the program.
app=$tmp/app
mcs -nologo -out:"$app/App.exe" -r:"$pkg/lib/net45/Mailslot.dll" "$app/App.cs" >"$tmp/mcs.txt" 2>&1
rc=$?
check "mcs compiles a program against the installed Mailslot.dll ($(head -n 3 "$tmp/mcs.txt" | tr '\n' ' '))" $rc
cp "$pkg/lib/net45/Mailslot.dll" "$app/" && cp "$pkg/$linux"/* "$app/"
run_app "$app" mcs

# xbuild (Mono's MSBuild) and a project that uses the package as NuGet 2
# sets one up (packages.config): a reference to lib/net45/Mailslot.dll and
# the import of build/Mailslot.targets, which copies the natives. The
# runtime's own assemblies stand in for .NET 4.5's reference assemblies
# (Debian has them only in mono-devel, a hundred packages more).
proj=$tmp/proj
mkdir -p "$proj"
cp "$app/App.cs" "$proj/"
fx=$(cd "$(dirname "$(readlink -f "$(command -v mono)")")/../lib/mono/4.5" 2>/dev/null && pwd)
[ -f "$fx/mscorlib.dll" ] && [ -f "$fx/System.dll" ] && [ -f "$fx/System.Core.dll" ]
check "Mono's mscorlib.dll, System.dll and System.Core.dll are in $fx" $?
cat >"$proj/App.csproj" <<XML
<?xml version="1.0" encoding="utf-8"?>
<Project ToolsVersion="4.0" DefaultTargets="Build" xmlns="http://schemas.microsoft.com/developer/msbuild/2003">
  <PropertyGroup>
    <OutputType>Exe</OutputType>
    <AssemblyName>App</AssemblyName>
    <TargetFrameworkVersion>v4.5</TargetFrameworkVersion>
    <OutputPath>bin/</OutputPath>
    <NoStdLib>true</NoStdLib>
  </PropertyGroup>
  <ItemGroup>
    <Reference Include="mscorlib"><HintPath>$fx/mscorlib.dll</HintPath><Private>false</Private></Reference>
    <Reference Include="System"><HintPath>$fx/System.dll</HintPath><Private>false</Private></Reference>
    <Reference Include="System.Core"><HintPath>$fx/System.Core.dll</HintPath><Private>false</Private></Reference>
    <Reference Include="Mailslot"><HintPath>$pkg/lib/net45/Mailslot.dll</HintPath></Reference>
    <Compile Include="App.cs" />
  </ItemGroup>
  <Import Project="\$(MSBuildToolsPath)/Microsoft.CSharp.targets" />
  <Import Project="$pkg/build/Mailslot.targets" Condition="Exists('$pkg/build/Mailslot.targets')" />
</Project>
XML
(cd "$proj" && env -i PATH="$PATH" HOME="$tmp/home" xbuild /nologo /v:minimal App.csproj) >"$tmp/xbuild.txt" 2>&1
rc=$?
check "xbuild builds the project ($(grep -E 'error' "$tmp/xbuild.txt" | head -n 3 | tr '\n' ' '))" $rc
for f in "$pkg/$linux"/*; do
    cmp -s "$f" "$proj/bin/${f##*/}"
    check "build/Mailslot.targets copied ${f##*/} beside the program" $?
done
run_app "$proj/bin" xbuild

# ---- the win-x64 glue under Wine ---------------------------------------------
cat >"$tmp/loadglue.c" <<'C'
/* SPDX-License-Identifier: MIT */
#include <stdio.h>
#include <windows.h>
/* loadglue DLL FUNCTION: loads DLL (its dependencies beside it), calls
   FUNCTION, a glue function that returns a string, and prints it. */
int main(int argc, char **argv)
{
    if (argc != 3)
        return 2;
    HMODULE dll = LoadLibraryExA(argv[1], NULL, LOAD_WITH_ALTERED_SEARCH_PATH);
    if (dll == NULL) {
        printf("LoadLibrary %s: error %lu\n", argv[1], (unsigned long)GetLastError());
        return 1;
    }
    FARPROC proc = GetProcAddress(dll, argv[2]);
    if (proc == NULL) {
        printf("GetProcAddress %s: error %lu\n", argv[2], (unsigned long)GetLastError());
        return 1;
    }
    const char *(*fn)(void) = (const char *(*)(void))(void (*)(void))proc;
    printf("%s\n", fn());
    return 0;
}
C
glue_fn=$(grep -E '^CSharp_.*VersionString$' "$tmp/glue.dll" | head -n 1)
cc=$(command -v $mingw-gcc-win32 || command -v $mingw-gcc)
"$cc" -Wall -Wextra -Werror -static-libgcc -o "$tmp/loadglue.exe" "$tmp/loadglue.c" >"$tmp/cc.txt" 2>&1
rc=$?
check "MinGW-w64 builds the loader ($(head -n 3 "$tmp/cc.txt" | tr '\n' ' '))" $rc
# The windows test preset's Wine prefix (CMakePresets.json), made here when
# it is not there yet: one prefix (700 MB) serves both.
export WINEPREFIX=$src/build/windows/wineprefix WINEDEBUG=-all WINEDLLOVERRIDES=winemenubuilder.exe=d
if [ ! -f "$WINEPREFIX/.update-timestamp" ]; then
    mkdir -p "$WINEPREFIX"
    timeout -k 5 300 sh -c 'wineboot -i && wineserver -w' </dev/null >"$tmp/wineboot.txt" 2>&1
    rc=$?
    check "wineboot -i made the Wine prefix ($(tail -n 3 "$tmp/wineboot.txt" | tr '\n' ' '))" $rc
fi
[ -n "$glue_fn" ] &&
    timeout -k 5 120 wine "$tmp/loadglue.exe" "$(winepath -w "$pkg/$win/mailslot_csharp.dll")" "$glue_fn" \
        </dev/null >"$tmp/wine.txt" 2>&1
rc=$?
check "under Wine, mailslot_csharp.dll loads and $glue_fn runs ($(head -n 3 "$tmp/wine.txt" | tr '\n' ' '))" $rc
[ "$(tr -d '\r' <"$tmp/wine.txt")" = "$version" ]
check "under Wine, the glue's mailslot.dll says $version" $?
timeout -k 5 60 wineserver -w >/dev/null 2>&1

finish

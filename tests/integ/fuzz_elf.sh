#!/bin/sh
# Fuzz the ELF resolver (build/fuzz/fuzz_elf) for a bounded time with a seed
# corpus made here from real binaries: whole, truncated at the places the
# headers and tables live, and with header bytes overwritten; plus pieces
# of ld.so.cache. Fails on any crash, leak or sanitizer report.
# FUZZ_ELF_SECONDS (default 60) sets the time.
. "$RAWTEL_TOP/tests/lib.sh"
fuzz=$RAWTEL_TOP/build/fuzz/fuzz_elf
secs=${FUZZ_ELF_SECONDS:-60}
corpus=$T_TMP/corpus
mkdir -p "$corpus"

if [ ! -x "$fuzz" ]; then
	fail fuzz_elf "no $fuzz; make fuzz builds it"
	exit 0
fi

# Seeds: small real ELF files of each kind (PIE, static musl, shared lib).
n=0
for f in "$RAWTEL_PROGS/elf_target" "$RAWTEL_PROGS/elf_static_musl" \
	/usr/bin/true /usr/bin/env /usr/lib/x86_64-linux-gnu/libdl.so.2 \
	/usr/lib/x86_64-linux-gnu/libutil.so.1 /usr/lib/x86_64-linux-gnu/libpthread.so.0; do
	[ -f "$f" ] || continue
	size=$(wc -c < "$f")
	[ "$size" -le 131072 ] || continue
	n=$((n + 1))
	cp "$f" "$corpus/whole$n"
	for cut in 16 52 64 200 1024 4096 $((size / 2)) $((size - 64)); do
		head -c "$cut" "$f" > "$corpus/cut$n-$cut"
	done
	# overwrite single header bytes: class, data, type, phoff, shoff,
	# phnum, shnum, shstrndx, and bytes in the section header table
	shoff=$(od -An -t u8 -j 40 -N 8 "$f" | tr -d ' ')
	for at in 4 5 16 32 40 56 60 62 $((shoff + 100)) $((shoff + 400)) $((shoff + 1000)); do
		[ "$at" -lt "$size" ] || continue
		cp "$f" "$corpus/mut$n-$at"
		printf '\377' | dd of="$corpus/mut$n-$at" bs=1 seek="$at" conv=notrunc 2>/dev/null
	done
done
if [ -f /etc/ld.so.cache ]; then
	head -c 4096 /etc/ld.so.cache > "$corpus/ldcache-head"
	head -c 100 /etc/ld.so.cache > "$corpus/ldcache-short"
fi
if [ "$n" -lt 2 ]; then
	fail fuzz_elf "too few seed binaries found (run make progs)"
	exit 0
fi

run_fuzzer fuzz_elf "$fuzz" "$secs" "$corpus" -max_len=131072 -rss_limit_mb=1024

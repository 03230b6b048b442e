# rawtel build.
#   make         ./rawtel (gcc, -O2)
#   make static  build/static/rawtel (musl-gcc, fully static, stripped)
#   make static ARCH=aarch64   the same for 64-bit ARM, in build/static-aarch64/
#                (ARCH=armhf: 32-bit ARM); the cross musl-gcc is
#                $(ARCH)'s own (CROSS_MUSLCC=...), else one made from Debian's
#                packages by scripts/cross-musl
#   make check   every test; the test build runs under ASan and UBSan
#   make fuzz    libFuzzer targets (clang) in build/fuzz/
# Sources are found by wildcard: a new user/**/*.c, kern/*.S, tests/unit/
# test_*.c, tests/progs/*.c or tests/fuzz/fuzz_*.c needs no Makefile change.
# A test that needs extra libraries says so on a line "// test-ldlibs: -lX".

CC      ?= gcc
MUSLCC  ?= musl-gcc
CLANG   ?= clang
VERSION := 0.1.0

CSTD    := -std=c11 -D_GNU_SOURCE
WARN    := -Wall -Wextra -Werror -Wno-format-truncation
INC     := -Iinclude -Ivendor-headers
DEFS    := -DRAWTEL_VERSION='"$(VERSION)"'
OPT     ?= -O2 -g
SAN     := -fsanitize=address,undefined -fno-sanitize-recover=undefined -fno-omit-frame-pointer
CFLAGS_BASE = $(CSTD) $(WARN) $(INC) $(DEFS) -MMD -MP
# user/ only (not the tests, whose oracles are the C library's): no
# printf family or strtod from the C library (include/rawtel/fmt_guard.h),
# and formats are literals (tests/unit/test_fmt_tree.c checks them all)
GUARD   := -include rawtel/fmt_guard.h -Wformat-nonliteral

SRCS    := $(sort $(shell find user -name '*.c'))
MAIN    := user/cli/main.c
LIBSRCS := $(filter-out $(MAIN),$(SRCS))
KERNS   := $(sort $(wildcard kern/*.S))
KERN_I  := $(patsubst kern/%.S,build/kern/%.i,$(KERNS))
KERN_C  := build/gen/kern_text.c

UNIT_SRCS := $(sort $(wildcard tests/unit/test_*.c))
UNIT_BINS := $(patsubst tests/unit/%.c,build/asan/tests/%,$(UNIT_SRCS))
PROG_SRCS := $(sort $(wildcard tests/progs/*.c))
PROG_BINS := $(patsubst tests/progs/%.c,build/progs/%,$(PROG_SRCS))
FUZZ_SRCS := $(sort $(wildcard tests/fuzz/fuzz_*.c))
FUZZ_BINS := $(patsubst tests/fuzz/%.c,build/fuzz/%,$(FUZZ_SRCS))

objs = $(patsubst %.c,build/$(1)/%.o,$(LIBSRCS)) build/$(1)/gen/kern_text.o

.PHONY: all static size-report check fuzz progs clean
# keep objects built by pattern chains (fuzz) between runs
.SECONDARY:
all: rawtel

# ---- kern/: cpp, then embedded as text the binary assembles at start-up --
build/kern/%.i: kern/%.S $(wildcard kern/*.h include/rawtel/*.h vendor-headers/*.h)
	@mkdir -p $(@D)
	$(CC) -E -x assembler-with-cpp $(INC) -Ikern $< -o $@

# rewritten without blank lines and with fewer linemarkers, then compressed
# (scripts/kern-pack.c, user/util/lz.c): mostly repeated macro expansions
build/tools/kern-pack: scripts/kern-pack.c user/util/lz.c user/util/lz_match.c include/rawtel/lz.h \
		include/rawtel/lz_match.h
	@mkdir -p $(@D)
	$(CC) $(CSTD) $(WARN) $(INC) -O2 -o $@ scripts/kern-pack.c user/util/lz.c \
		user/util/lz_match.c

$(KERN_C): $(KERN_I) build/tools/kern-pack
	@mkdir -p $(@D)
	build/tools/kern-pack $(KERN_I) > $@.tmp && mv $@.tmp $@

# ---- release build ------------------------------------------------------
build/rel/%.o: %.c
	@mkdir -p $(@D)
	$(CC) $(CFLAGS_BASE) $(GUARD) $(OPT) -c $< -o $@
build/rel/gen/kern_text.o: $(KERN_C)
	@mkdir -p $(@D)
	$(CC) $(CFLAGS_BASE) $(OPT) -c $< -o $@
build/rel/librawtel.a: $(call objs,rel)
	rm -f $@ && ar rcs $@ $^
rawtel: build/rel/user/cli/main.o build/rel/librawtel.a
	$(CC) $(OPT) -o $@ $^

# ---- static musl build --------------------------------------------------
# kern/ text is the same for every target (its architecture differences are
# load-time constants: vendor-headers/rt_ptrace.h), so only the C differs.
HOST_ARCH := $(shell uname -m)
ARCH    ?= $(HOST_ARCH)
ifeq ($(ARCH),$(HOST_ARCH))
SDIR    := build/static
STATIC_CC := $(MUSLCC)
# gcc-ar: the objects are LTO bytecode, which only gcc's plugin can index
STATIC_AR := gcc-ar
else
SDIR    := build/static-$(ARCH)
CROSS_TRIPLE := $(if $(filter armhf,$(ARCH)),arm-linux-musleabihf,$(ARCH)-linux-musl)
CROSS_GNU := $(if $(filter armhf,$(ARCH)),arm-linux-gnueabihf,$(ARCH)-linux-gnu)
STATIC_CC := $(or $(CROSS_MUSLCC),$(shell command -v $(CROSS_TRIPLE)-gcc),build/cross/$(ARCH)/bin/$(CROSS_TRIPLE)-gcc)
STATIC_AR := $(CROSS_GNU)-gcc-ar
# the target's kernel UAPI headers (scripts/cross-musl), for test_abi only
CROSS_UAPI := -isystem build/cross/$(ARCH)/root/usr/include \
	-isystem build/cross/$(ARCH)/root/usr/include/$(CROSS_GNU)
endif
build/cross/$(ARCH)/bin/%-gcc:
	sh scripts/cross-musl $(ARCH) > /dev/null
CROSS_DEP := $(filter build/cross/%,$(STATIC_CC))
# No unwind tables: C without exceptions or backtraces never reads them,
# and they were a tenth of the binary.
# Link-time optimization: inlining and identical-code folding across
# files (13 KB on aarch64). Position-dependent code: the static binary is
# loaded at its link address, PIE code only pays for reaching its data
# (3 KB). aarch64's tiny code model: one adr instead of adrp+add per
# address (10 KB); it needs the whole image under 1 MB, or the link fails.
STATIC_OPT := -Os -flto=auto -fno-pie -ffunction-sections -fdata-sections \
	-fno-asynchronous-unwind-tables -fno-unwind-tables \
	$(if $(filter aarch64,$(ARCH)),-mcmodel=tiny)
# rawtel's own malloc (user/util/alloc.c) in the static build only
$(SDIR)/%.o: %.c | $(CROSS_DEP)
	@mkdir -p $(@D)
	$(STATIC_CC) $(CFLAGS_BASE) $(GUARD) $(STATIC_OPT) -DRAWTEL_OWN_MALLOC -c $< -o $@
$(SDIR)/gen/kern_text.o: $(KERN_C) | $(CROSS_DEP)
	@mkdir -p $(@D)
	$(STATIC_CC) $(CFLAGS_BASE) $(STATIC_OPT) -c $< -o $@
# libc.a's own unwind tables go too (scripts/static-noeh.ld), and without
# -z separate-code the read-only data shares a page run with the code. No
# RELRO segment: in a static musl binary nothing applies it (only musl's
# dynamic linker does), and its page alignment cost 4 KB. LTO as one
# partition, with points-to analysis: 1-2 KB smaller than the default
# split, whose result also varied with the objects' order. A small
# common page size: the data segment then starts right after the read-only
# data in the file (its address still congruent to its offset modulo the
# maximum page size, 64 KB on aarch64), not at the next 4 KB boundary, which
# padded the file by 2 KB on average and made sizes move in 4 KB steps.
# Input sections sorted by alignment: less padding between them (120 bytes).
STATIC_LD := $(STATIC_OPT) -flto-partition=one -fipa-pta -static -no-pie -s -Wl,--gc-sections -Wl,-z,noseparate-code -Wl,--build-id=none \
	-Wl,-z,norelro -Wl,-z,common-page-size=64 -Wl,-T,scripts/static-noeh.ld -Wl,--sort-section=alignment
# The link map is kept: scripts/size-report checks that no C library
# printf or strtod came back (rawtel has its own: include/rawtel/fmt.h).
$(SDIR)/rawtel: $(SDIR)/user/cli/main.o $(call objs,$(SDIR:build/%=%)) scripts/static-noeh.ld
	$(STATIC_CC) $(STATIC_LD) -Wl,-Map,$@.map -o $@ $(filter %.o,$^)
	sh scripts/size-report --check $@.map || { rm -f $@; exit 1; }
static: $(SDIR)/rawtel
# make size-report [ARCH=...]: the biggest contributors and symbols, from an
# unstripped copy linked the same way (scripts/size-report)
$(SDIR)/rawtel.full: $(SDIR)/user/cli/main.o $(call objs,$(SDIR:build/%=%)) scripts/static-noeh.ld
	$(STATIC_CC) $(filter-out -s,$(STATIC_LD)) -o $@ $(filter %.o,$^)
size-report: $(SDIR)/rawtel $(SDIR)/rawtel.full
	sh scripts/size-report $(SDIR)
# Unit tests built for the target: the arm64 qemu test runs test_abi (its
# pt_regs, syscall numbers) and test_names (open flags) in its VM.
$(SDIR)/librawtel.a: $(call objs,$(SDIR:build/%=%))
	rm -f $@ && $(STATIC_AR) rcs $@ $^
$(SDIR)/tests/%: tests/unit/%.c $(SDIR)/librawtel.a tests/t.h | $(CROSS_DEP)
	@mkdir -p $(@D)
	$(STATIC_CC) $(CFLAGS_BASE) $(CROSS_UAPI) -Itests -O1 -static -o $@ $< $(SDIR)/librawtel.a
# The test programs, static, for the qemu tests' initramfs (no libc there).
$(SDIR)/progs/%: tests/progs/%.c | $(CROSS_DEP)
	@mkdir -p $(@D)
	$(STATIC_CC) $(CSTD) $(WARN) -O1 -static -o $@ $< $$(sed -n 's|^// prog-ldlibs: ||p' $<)

# ---- sanitizer build used by the tests ----------------------------------
build/asan/%.o: %.c
	@mkdir -p $(@D)
	$(CC) $(CFLAGS_BASE) $(GUARD) -O1 -g $(SAN) -c $< -o $@
build/asan/gen/kern_text.o: $(KERN_C)
	@mkdir -p $(@D)
	$(CC) $(CFLAGS_BASE) -O1 -g $(SAN) -c $< -o $@
build/asan/librawtel.a: $(call objs,asan)
	rm -f $@ && ar rcs $@ $^
build/asan/rawtel: build/asan/user/cli/main.o build/asan/librawtel.a
	$(CC) $(SAN) -o $@ $^
build/asan/tests/%: tests/unit/%.c build/asan/librawtel.a tests/t.h
	@mkdir -p $(@D)
	$(CC) $(CFLAGS_BASE) -Itests -O1 -g $(SAN) -o $@ $< build/asan/librawtel.a \
		$$(sed -n 's|^// test-ldlibs: ||p' $<)

# Every format string in user/ for tests/unit/test_fmt_tree.c: gcc's dump
# of each file's functions holds its string literals as C text, macros
# expanded; the ones with a '%' are checked against rawtel's printf subset.
build/fmt/%.lst: %.c
	@mkdir -p $(@D)
	$(CC) $(CFLAGS_BASE) $(GUARD) -MF $@.d -MT $@ -O0 -fdump-tree-original=$@.tree -c $< -o /dev/null
	sh scripts/fmt-list $@.tree > $@.tmp && rm -f $@.tree && mv $@.tmp $@
build/gen/fmt_list.h: $(patsubst %.c,build/fmt/%.lst,$(SRCS))
	@mkdir -p $(@D)
	cat $^ | sort -u > $@
build/asan/tests/test_fmt_tree: build/gen/fmt_list.h

# Programs the integration tests drive: plain builds, no sanitizers, so
# what rawtel observes is what a user's program would do.
build/progs/%: tests/progs/%.c
	@mkdir -p $(@D)
	$(CC) $(CSTD) $(WARN) -O1 -g -o $@ $< $$(sed -n 's|^// prog-ldlibs: ||p' $<)
# tests/progs/*_musl.c: fully static musl programs, the kind of binary whose
# libc symbols live inside the executable (resolver tests need one).
build/progs/%_musl: tests/progs/%_musl.c
	@mkdir -p $(@D)
	$(MUSLCC) $(CSTD) $(WARN) -O1 -g -static -o $@ $<
progs: $(PROG_BINS)

check: rawtel build/asan/rawtel $(UNIT_BINS) $(PROG_BINS) $(FUZZ_BINS)
	@sh tests/run.sh

# ---- fuzz targets (clang + libFuzzer) ------------------------------------
build/fuzz/%.o: %.c
	@mkdir -p $(@D)
	$(CLANG) $(CSTD) $(INC) $(DEFS) $(GUARD) -MMD -MP -O1 -g -fsanitize=fuzzer-no-link,address,undefined -c $< -o $@
# Through an archive, as the tests do: a target links only the objects it
# references, not the commands (user/cli/cmd_*.c) and all they need.
build/fuzz/librawtel.a: $(patsubst %.c,build/fuzz/%.o,$(LIBSRCS)) build/fuzz/gen/kern_text.o
	rm -f $@ && ar rcs $@ $^
build/fuzz/fuzz_%: tests/fuzz/fuzz_%.c build/fuzz/librawtel.a
	$(CLANG) $(CSTD) $(INC) $(DEFS) -Itests -O1 -g -fsanitize=fuzzer,address,undefined -o $@ $^ \
		$$(sed -n 's|^// test-ldlibs: ||p' $<)
build/fuzz/gen/kern_text.o: $(KERN_C)
	@mkdir -p $(@D)
	$(CLANG) $(CSTD) $(INC) -O1 -c $< -o $@
fuzz: $(FUZZ_BINS)

clean:
	rm -rf build rawtel

-include $(shell find build -name '*.d' -type f -not -path 'build/cross/*' 2>/dev/null)

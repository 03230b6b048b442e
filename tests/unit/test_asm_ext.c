/* The assembler's extensions: labels, maps and relocations, tracepoint
 * fields through a fake resolver, constants and expressions, conditional
 * assembly, linemarkers, and the exact file:line:col of every error. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "rawtel/asm.h"
#include "rawtel/err.h"
#include "rawtel/kern.h"
#include "t.h"

/* ---- a fake resolver: tracefs formats and constants -------------------- */
static const struct {
	const char *tp, *name;
	struct asm_field f;
} fake_fields[] = {
	{ "syscalls/sys_enter_openat", "common_type", { 0, 2, false, false, false } },
	{ "syscalls/sys_enter_openat", "__syscall_nr", { 8, 4, true, false, false } },
	{ "syscalls/sys_enter_openat", "dfd", { 16, 8, false, false, false } },
	{ "syscalls/sys_enter_openat", "filename", { 24, 8, false, false, false } },
	{ "syscalls/sys_enter_openat", "flags", { 32, 8, false, false, false } },
	{ "sched/sched_process_exec", "filename", { 8, 4, false, false, true } },
	{ "sched/sched_process_exec", "pid", { 12, 4, true, false, false } },
	{ "sched/sched_switch", "prev_comm", { 8, 16, false, true, false } },
	/* a 32-bit kernel's: longs and pointers of 4 bytes */
	{ "syscalls/sys_exit_read", "ret", { 12, 4, true, false, false } },
	{ "syscalls/sys_enter_read", "buf", { 16, 4, false, false, false } },
};
static int field_calls;

static int fake_field(void *ctx, const char *tp, const char *name,
		      struct asm_field *out)
{
	(void)ctx;
	field_calls++;
	if (!strcmp(tp, "broken/tp"))
		return -EACCES;
	for (size_t i = 0; i < sizeof(fake_fields) / sizeof(fake_fields[0]); i++)
		if (!strcmp(fake_fields[i].tp, tp) && !strcmp(fake_fields[i].name, name)) {
			*out = fake_fields[i].f;
			return 0;
		}
	return -ENOENT;
}

static int fake_const(void *ctx, const char *name, int64_t *val)
{
	(void)ctx;
	if (!strcmp(name, "PAGE_SIZE"))
		*val = 4096;
	else if (!strcmp(name, "NEG"))
		*val = -5;
	else if (!strcmp(name, "BIG"))
		*val = 0x100000000ll;
	else if (!strcmp(name, "FAIL"))
		return -EIO;
	else
		return -ENOENT;
	return 0;
}

static const struct asm_resolver res = { fake_field, fake_const, NULL };

/* ---- helpers ------------------------------------------------------------ */
static struct asm_unit unit;

static void assemble_ok(const char *src)
{
	struct asm_error e;
	char buf[900];

	if (asm_assemble(src, strlen(src), "t.S", &res, &unit, &e)) {
		asm_error_format(&e, buf, sizeof(buf));
		T_FAILF("does not assemble: %.300s", buf);
		longjmp(t_jmp, 1);
	}
}

/* The source fails with exactly `want` ("t.S:L:C: error: msg"), leaving
 * the unit empty. */
static void expect_err_res(const char *src, const struct asm_resolver *r,
			   const char *want)
{
	struct asm_unit u;
	struct asm_error e;
	char buf[900];
	int ret = asm_assemble(src, strlen(src), "t.S", r, &u, &e);

	if (ret != -EINVAL) {
		T_FAILF("expected -EINVAL for \"%.60s\" (%.200s), got %d", src, want, ret);
		if (!ret)
			asm_unit_free(&u);
		return;
	}
	asm_error_format(&e, buf, sizeof(buf));
	if (strcmp(buf, want))
		T_FAILF("\n  got:  %.200s\n  want: %.200s", buf, want);
	T_CHECK(!u.insns && !u.n_insns && !u.n_progs && !u.files && !u.maps);
}

static void expect_err(const char *src, const char *want)
{
	expect_err_res(src, &res, want);
}

static void check_insn(uint32_t i, int code, int dst, int src, int off,
		       int32_t imm)
{
	T_ASSERT(i < unit.n_insns, "instruction index past the unit");
	const struct rt_bpf_insn *in = &unit.insns[i];

	if (in->code != code || in->dst_reg != dst || in->src_reg != src ||
	    in->off != off || in->imm != imm)
		T_FAILF("insn %u: got %02x %d %d %d %d, want %02x %d %d %d %d", i,
			in->code, in->dst_reg, in->src_reg, in->off, in->imm,
			code, dst, src, off, imm);
}

/* Instructions i, i+1, ... are these (code, dst, src, off, imm each). */
struct want_insn {
	int code, dst, src, off;
	int32_t imm;
};
static void check_insns(uint32_t i, const struct want_insn *w, size_t n)
{
	for (size_t k = 0; k < n; k++)
		check_insn(i + (uint32_t)k, w[k].code, w[k].dst, w[k].src, w[k].off, w[k].imm);
}
#define CHECK_INSNS(i, ...)                                                           \
	check_insns(i, (const struct want_insn[]){ __VA_ARGS__ },                     \
		    sizeof((const struct want_insn[]){ __VA_ARGS__ }) / sizeof(struct want_insn))

/* ---- labels -------------------------------------------------------------- */
static void test_labels(void)
{
	assemble_ok(".prog a socket_filter\n"
		    "\tr0 = 0\n"
		    "\tgoto out\n"
		    "back:\tr0 += 1\n"
		    "\tif r0 < 10 goto back\n"
		    "out:\n"
		    "\tif w0 == 3 goto back\n"
		    "\tgotol out\n"
		    "\tcall sub\n"
		    "\texit\n"
		    "sub: one: two: r0 = 1\n"
		    "\tcall one\n"
		    "\texit\n"
		    ".prog b socket_filter\n"
		    "out: r0 = 1\n"
		    "\tgoto out\n"
		    "\tgoto pc+0\n"
		    "\texit\n");
	T_EQ_INT(unit.n_progs, 2);
	T_EQ_INT(unit.progs[0].start, 0);
	T_EQ_INT(unit.progs[0].count, 11);
	T_EQ_INT(unit.progs[1].start, 11);
	T_EQ_INT(unit.progs[1].count, 4);
	check_insn(1, 0x05, 0, 0, 2, 0);	/* goto out: 4 - 2 */
	check_insn(3, 0xa5, 0, 0, -2, 10);	/* back is 2: 2 - 4 */
	check_insn(4, 0x16, 0, 0, -3, 3);
	check_insn(5, 0x06, 0, 0, 0, -2);	/* gotol: the offset is imm */
	check_insn(6, 0x85, 0, 1, 0, 1);	/* bpf-to-bpf call to sub (8) */
	check_insn(9, 0x85, 0, 1, 0, -2);	/* call one (8) from 9 */
	check_insn(12, 0x05, 0, 0, -2, 0);	/* b's own "out" */
	check_insn(13, 0x05, 0, 0, 0, 0);
	asm_unit_free(&unit);
	/* a label shadows a helper of the same name */
	assemble_ok(".prog p socket_filter\ncall ktime_get_ns\ncall bpf_ktime_get_ns\nexit\nktime_get_ns: exit\n");
	check_insn(0, 0x85, 0, 1, 0, 2);
	check_insn(1, 0x85, 0, 0, 0, 5);
	asm_unit_free(&unit);
}

/* ---- maps and relocations ------------------------------------------------ */
/* Map i of the unit: its type, key and value sizes, max_entries, flags. */
static void check_map(uint32_t i, uint32_t type, uint32_t key, uint32_t value, uint32_t max,
		      uint32_t flags)
{
	const struct asm_map *m = &unit.maps[i];

	T_ASSERT(i < unit.n_maps, "map index past the unit");
	T_EQ_INT(m->type, type);
	T_EQ_INT(m->key_size, key);
	T_EQ_INT(m->value_size, value);
	T_EQ_INT(m->max_entries, max);
	T_EQ_INT(m->flags, flags);
}

/* Relocation k: map `map` loaded by instruction insn. */
static void check_reloc(uint32_t k, uint32_t insn, uint32_t map)
{
	T_ASSERT(k < unit.n_relocs, "relocation index past the unit");
	T_EQ_INT(unit.relocs[k].insn, insn);
	T_EQ_INT(unit.relocs[k].map, map);
}

static void test_maps(void)
{
	/* the kernel's map type ids, by the names .map takes */
	static const struct {
		uint32_t type;
		const char *name;
	} types[] = {
		{ 1, "hash" },
		{ 2, "array" },
		{ 3, "prog_array" },
		{ 4, "perf_event_array" },
		{ 5, "percpu_hash" },
		{ 6, "percpu_array" },
		{ 7, "stack_trace" },
		{ 9, "lru_hash" },
		{ 10, "lru_percpu_hash" },
		{ 11, "lpm_trie" },
		{ 22, "queue" },
		{ 27, "ringbuf" },
	};
	char src[256];

	assemble_ok(".map events ringbuf key=0 value=0 max=4096*64\n"
		    ".map counts percpu_array max=1 value=8 key=4 flags=1 << 10\n"
		    ".prog p tracepoint syscalls/sys_enter_openat\n"
		    "\tr1 = events ll\n"
		    "\tr2 = counts ll\n"
		    "\tr3 = events ll\n"
		    "\tr4 = map_fd(7) ll\n"
		    "\texit\n");
	T_EQ_INT(unit.n_maps, 2);
	T_EQ_STR(unit.maps[0].name, "events");
	check_map(0, 27, 0, 0, 262144, 0);
	check_map(1, 6, 4, 8, 1, 1024);
	T_EQ_INT(unit.maps[1].loc.line, 2);
	T_EQ_INT(unit.n_relocs, 3);
	check_reloc(0, 0, 0);
	check_reloc(1, 2, 1);
	check_reloc(2, 4, 0);
	check_insn(0, 0x18, 1, 1, 0, 0);
	check_insn(1, 0x00, 0, 0, 0, 0);
	check_insn(6, 0x18, 4, 1, 0, 7);
	T_EQ_INT(asm_find_map(&unit, "counts"), 1);
	T_EQ_INT(asm_find_map(&unit, "nope"), -ENOENT);
	T_EQ_INT(asm_find_prog(&unit, "p"), 0);
	T_EQ_INT(asm_find_prog(&unit, "q"), -ENOENT);
	asm_unit_free(&unit);
	for (size_t i = 0; i < sizeof(types) / sizeof(types[0]); i++) {
		snprintf(src, sizeof(src), ".map m %s key=4 value=4 max=8\n", types[i].name);
		assemble_ok(src);
		T_EQ_INT(unit.maps[0].type, types[i].type);
		asm_unit_free(&unit);
	}
	expect_err(".map m nosuch key=4 value=4 max=1\n",
		   "t.S:1:8: error: unknown map type 'nosuch' (hash array percpu_hash percpu_array lru_hash lru_percpu_hash ringbuf perf_event_array prog_array stack_trace queue lpm_trie)");
	expect_err(".map m hash key=4 value=4\n", "t.S:1:1: error: .map m needs max=");
	expect_err(".map m hash key=4 key=4 value=4 max=1\n", "t.S:1:19: error: key= given twice");
	expect_err(".map m hash key=4 value=4 max=1 size=3\n",
		   "t.S:1:33: error: unknown .map parameter 'size' (key= value= max= flags=)");
	expect_err(".map m hash key=4 value=-1 max=1\n",
		   "t.S:1:25: error: value=-1 out of range 0..4294967295");
	expect_err(".map m hash key=4 value=4 max=1\n.map m array key=4 value=4 max=1\n",
		   "t.S:2:1: error: duplicate map 'm'");
	expect_err(".map r1 hash key=4 value=4 max=1\n",
		   "t.S:1:6: error: 'r1' is reserved and cannot name a map");
	expect_err(".prog p socket_filter\nr1 = nomap ll\n",
		   "t.S:2:6: error: unknown map 'nomap' (declare it with .map before its use)");
	expect_err(".map m hash key=4 value=4 max=1\n.prog p socket_filter\nw1 = m ll\n",
		   "t.S:3:1: error: 64-bit loads (ll) take an r register");
	expect_err(".prog p socket_filter\nr1 = map_fd(-1) ll\n",
		   "t.S:2:6: error: map_fd(-1): not a file descriptor");
}

/* ---- a 32-bit kernel's long and pointer fields, read with u64 loads ------ */
static void test_fields_32(void)
{
	/* signed (ret): u32 load, << 32, s>> 32; a pointer: the u32 load; a
	 * label past them counts the three instructions */
	assemble_ok(".prog x tracepoint syscalls/sys_exit_read\n"
		    "\tr1 = *(u64 *)(r1 + field(ret))\n"
		    "\tif r1 s< 0 goto out\n"
		    "\tr0 = 1\n"
		    "out:\n"
		    "\texit\n"
		    ".prog e tracepoint syscalls/sys_enter_read\n"
		    "\tr2 = *(u64 *)(r1 + field(buf))\n"
		    "\texit\n");
	T_EQ_INT(unit.progs[0].count, 6);
	CHECK_INSNS(0, { 0x61, 1, 1, 12, 0 }, { 0x67, 1, 0, 0, 32 }, { 0xc7, 1, 0, 0, 32 },
		    { 0xc5, 1, 0, 1, 0 });
	check_insn(6, 0x61, 2, 1, 16, 0);
	T_EQ_INT(unit.progs[1].count, 2);
	asm_unit_free(&unit);
	/* the sign-extending s32 form stays what it says */
	assemble_ok(".prog x tracepoint syscalls/sys_exit_read\n\tr1 = *(s32 *)(r1 + field(ret))\n\texit\n");
	T_EQ_INT(unit.progs[0].count, 2);
	check_insn(0, 0x81, 1, 1, 12, 0);
	asm_unit_free(&unit);
}

/* ---- tracepoint fields --------------------------------------------------- */
static void test_fields(void)
{
	field_calls = 0;
	assemble_ok(".prog open tracepoint syscalls/sys_enter_openat\n"
		    "\tr6 = r1\n"
		    "\tr1 = *(u64 *)(r6 + field(filename))\n"
		    "\tr2 = *(u32 *)(r6 + field(__syscall_nr))\n"
		    "\tr3 = *(u16 *)(r6 + field(common_type))\n"
		    "\tr4 = sizeof(filename)\n"
		    "\tr5 = has_field(filename) + has_field(nope) * 2\n"
		    "\tr0 = *(u32 *)(r6 + field(flags) + 4)\n"
		    "\texit\n"
		    ".prog exec tracepoint sched/sched_process_exec\n"
		    "\tr2 = *(u32 *)(r1 + field(filename))\n"
		    "\tr2 = *(s32 *)(r1 + field(pid))\n"
		    "\texit\n"
		    ".prog sw tracepoint sched/sched_switch\n"
		    "\tr1 = *(u64 *)(r1 + field(prev_comm) + 8)\n"
		    "\texit\n");
	check_insn(1, 0x79, 1, 6, 24, 0);
	check_insn(2, 0x61, 2, 6, 8, 0);
	check_insn(3, 0x69, 3, 6, 0, 0);
	check_insn(4, 0xb7, 4, 0, 0, 8);
	check_insn(5, 0xb7, 5, 0, 0, 1);
	check_insn(6, 0x61, 0, 6, 36, 0);
	check_insn(8, 0x61, 2, 1, 8, 0);
	check_insn(9, 0x81, 2, 1, 12, 0);
	check_insn(11, 0x79, 1, 1, 16, 0);
	T_EQ_STR(unit.progs[1].target, "sched/sched_process_exec");
	T_EQ_INT(field_calls, 10);
	asm_unit_free(&unit);

	expect_err(".prog p tracepoint syscalls/sys_enter_openat\nr1 = *(u64 *)(r1 + field(common_type))\n",
		   "t.S:2:20: error: u64 load is wider than field 'common_type' of tracepoint 'syscalls/sys_enter_openat' (2 bytes)");
	expect_err(".prog p tracepoint sched/sched_process_exec\nr1 = *(u64 *)(r1 + field(filename))\n",
		   "t.S:2:20: error: u64 load is wider than field 'filename' of tracepoint 'sched/sched_process_exec' (4 bytes)");
	expect_err(".prog p tracepoint syscalls/sys_exit_read\nr1 = *(u64 *)(r1 + field(ret) - 4)\n",
		   "t.S:2:20: error: u64 load at offset 8 reads outside field 'ret' of tracepoint 'syscalls/sys_exit_read' (4 bytes at offset 12)");
	expect_err(".prog p tracepoint sched/sched_switch\nr1 = *(u64 *)(r1 + field(prev_comm) + 12)\n",
		   "t.S:2:20: error: u64 load at offset 20 reads outside field 'prev_comm' of tracepoint 'sched/sched_switch' (16 bytes at offset 8)");
	expect_err(".prog p tracepoint sched/sched_switch\nr1 = *(u8 *)(r1 - field(prev_comm))\n",
		   "t.S:2:17: error: u8 load at offset -8 reads outside field 'prev_comm' of tracepoint 'sched/sched_switch' (16 bytes at offset 8)");
	expect_err(".prog p tracepoint syscalls/sys_enter_openat\nr1 = *(u32 *)(r1 + field(nope))\n",
		   "t.S:2:26: error: unknown field 'nope' of tracepoint 'syscalls/sys_enter_openat'");
	expect_err(".prog k kprobe do_sys_open\nr1 = *(u32 *)(r1 + field(fd))\n",
		   "t.S:2:20: error: field(fd) in program 'k', which is not a tracepoint");
	expect_err(".prog n tracepoint\nr1 = sizeof(fd)\n",
		   "t.S:2:6: error: sizeof(fd) in program 'n', which names no tracepoint (.prog n tracepoint CATEGORY/EVENT)");
	expect_err(".prog p tracepoint broken/tp\nr1 = field(x)\n",
		   "t.S:2:12: error: cannot read the format of tracepoint 'broken/tp' for field 'x': Permission denied");
	expect_err_res(".prog p tracepoint a/b\nr1 = field(x)\n", NULL,
		       "t.S:2:6: error: field(x) needs tracepoint formats, but no field resolver was given");
	expect_err(".if has_field(x)\n.endif\n",
		   "t.S:1:5: error: has_field(x) outside a program: fields belong to a .prog tracepoint");
	expect_err(".prog p tracepoint a/b\nr1 = field(r1 + 1)\n",
		   "t.S:2:15: error: expected ')' in a field reference, found '+'");
}

/* ---- constants and expressions ------------------------------------------- */
static void test_expressions(void)
{
	static const struct {
		const char *expr;
		int32_t v;
	} cases[] = {
		{ "1 + 2 * 3", 7 },
		{ "(1 + 2) * 3", 9 },
		{ "1 << 4 | 1", 17 },
		{ "~0 & 0xff", 255 },
		{ "-8 / 3", -2 },
		{ "-8 % 3", -2 },
		{ "7 ^ 2", 5 },
		{ "-16 >> 2", -4 },
		{ "10 - 2 - 3", 5 },
		{ "100 / 10 / 5", 2 },
		{ "1U << 3", 8 },
		{ "0xffULL", 255 },
		{ "$PAGE_SIZE * 2 - 1", 8191 },
		{ "-$NEG", 5 },
		{ "- -3", 3 },
		{ "0x10 + 010", 26 },
		{ "6 & 3 ^ 1 | 8", 11 },
		{ "(1 << 63) >> 63", -1 },
		{ "(-9223372036854775807 - 1) % -1", 0 },
	};
	char src[256];

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		snprintf(src, sizeof(src), ".prog p socket_filter\nr1 = %s\n", cases[i].expr);
		assemble_ok(src);
		if (unit.insns[0].imm != cases[i].v)
			T_FAILF("%s = %d, want %d", cases[i].expr, unit.insns[0].imm, cases[i].v);
		asm_unit_free(&unit);
	}
	/* INT64_MIN / -1 wraps as the 64-bit arithmetic does, no trap */
	assemble_ok(".prog p socket_filter\nr1 = (-9223372036854775807 - 1) / -1 ll\n");
	check_insn(0, 0x18, 1, 0, 0, 0);
	check_insn(1, 0x00, 0, 0, 0, INT32_MIN);
	asm_unit_free(&unit);
	assemble_ok(".map m array key=4 value=$PAGE_SIZE max=1\n.prog p socket_filter\nr3 = $BIG ll\n"
		    "*(u32 *)(r10 - $PAGE_SIZE / 1024) = $NEG\nexit\n");
	T_EQ_INT(unit.maps[0].value_size, 4096);
	check_insn(0, 0x18, 3, 0, 0, 0);
	check_insn(1, 0x00, 0, 0, 0, 1);
	check_insn(2, 0x62, 10, 0, -4, -5);
	asm_unit_free(&unit);

	expect_err(".prog p socket_filter\nr1 = $NOPE\n", "t.S:2:6: error: unknown constant '$NOPE'");
	expect_err(".prog p socket_filter\nr1 = $FAIL\n",
		   "t.S:2:6: error: cannot resolve constant '$FAIL': Input/output error");
	expect_err_res(".prog p socket_filter\nr1 = $X\n", NULL,
		       "t.S:2:6: error: constant '$X' needs a resolver, but none was given");
	expect_err(".prog p socket_filter\nr1 = 4 / (2 - 2)\n",
		   "t.S:2:8: error: division by zero in a constant expression");
	expect_err(".prog p socket_filter\nr1 = 4 % 0\n",
		   "t.S:2:8: error: division by zero in a constant expression");
	expect_err(".prog p socket_filter\nr1 = 1 << 64\n", "t.S:2:8: error: shift count 64 out of range 0..63");
	expect_err(".prog p socket_filter\nr1 = $BIG\n",
		   "t.S:2:6: error: immediate 4294967296 out of range for 32 bits (a 64-bit constant is written rD = N ll)");
	/* 64-bit operations sign-extend: 0x80000000..0xffffffff are refused */
	expect_err(".prog p socket_filter\nr3 = 0xffffffff\n",
		   "t.S:2:6: error: immediate 4294967295 would be sign-extended to 64 bits as -1: write -1, or use a 64-bit load (rD = 4294967295 ll)");
	expect_err(".prog p socket_filter\nr3 &= 0x80000000\n",
		   "t.S:2:7: error: immediate 2147483648 would be sign-extended to 64 bits as -2147483648: write -2147483648, or use a 64-bit load (rD = 2147483648 ll)");
	expect_err(".prog p socket_filter\n*(u64 *)(r10 - 8) = 0xffffffffU\n",
		   "t.S:2:21: error: immediate 4294967295 would be sign-extended to 64 bits as -1: write -1, or use a 64-bit load (rD = 4294967295 ll)");
	assemble_ok(".prog p socket_filter\nw3 = 0xffffffff\nw3 &= 0x80000000\n*(u32 *)(r10 - 4) = 0xffffffff\n"
		    "if r3 == 0xffffffff goto +0\nr3 = 0xffffffff ll\nexit\n");
	check_insn(0, 0xb4, 3, 0, 0, -1);
	check_insn(1, 0x54, 3, 0, 0, INT32_MIN);
	check_insn(2, 0x62, 10, 0, -4, -1);
	check_insn(3, 0x15, 3, 0, 0, -1);
	check_insn(4, 0x18, 3, 0, 0, -1);
	check_insn(5, 0x00, 0, 0, 0, 0);
	asm_unit_free(&unit);
	expect_err(".prog p socket_filter\nif r1 > $BIG goto +1\n",
		   "t.S:2:9: error: immediate 4294967296 out of range for 32 bits");
	expect_err(".prog p socket_filter\n*(u64 *)(r10 - 8) = -2147483649\n",
		   "t.S:2:21: error: immediate -2147483649 out of range for 32 bits");
	expect_err(".prog p socket_filter\nr1 += -2147483649\n",
		   "t.S:2:7: error: immediate -2147483649 out of range for 32 bits");
	expect_err(".prog p socket_filter\nr1 = 18446744073709551616 ll\n",
		   "t.S:2:6: error: number '18446744073709551616 ll' does not fit in 64 bits");
	expect_err(".prog p socket_filter\nr1 = 12ab\n", "t.S:2:6: error: bad number '12ab'");
	expect_err(".prog p socket_filter\nr1 = (1 + 2\n",
		   "t.S:2:12: error: expected ')' in an expression, found end of line");
	expect_err(".prog p socket_filter\nr1 = 1 + foo\n",
		   "t.S:2:10: error: unknown operand 'foo' in an expression");
	char deep[300];
	int k = snprintf(deep, sizeof(deep), ".prog p socket_filter\nr1 = ");

	for (int i = 0; i < 70; i++)
		deep[k++] = '(';
	deep[k++] = '1';
	deep[k++] = '\n';
	deep[k] = 0;
	expect_err(deep, "t.S:2:70: error: expression nested more than 64 deep");
}

/* ---- conditional assembly ------------------------------------------------- */
static void test_conditionals(void)
{
	assemble_ok(".prog p tracepoint syscalls/sys_enter_openat\n"
		    ".if 1\n"
		    "  r0 = 1\n"
		    ".else\n"
		    "  r0 = 2\n"
		    "  this line is never parsed ~~~ \x01\n"
		    ".endif\n"
		    ".if 0\n"
		    "  .if $UNKNOWN\n"
		    "    r0 = 3\n"
		    "  .else\n"
		    "    r0 = 4\n"
		    "  .endif\n"
		    ".elif has_field(filename)\n"
		    "  r0 = 5\n"
		    "  .if has_field(nope)\n"
		    "    r0 = 6\n"
		    "  .elif $PAGE_SIZE - 4096\n"
		    "    r0 = 66\n"
		    "  .elif 2\n"
		    "    r0 = 7\n"
		    "  .elif $UNKNOWN / 0\n"
		    "  .else\n"
		    "    r0 = 77\n"
		    "  .endif\n"
		    ".else\n"
		    "  r0 = 8\n"
		    ".endif\n"
		    "exit\n");
	T_EQ_INT(unit.n_insns, 4);
	CHECK_INSNS(0, { 0xb7, 0, 0, 0, 1 }, { 0xb7, 0, 0, 0, 5 }, { 0xb7, 0, 0, 0, 7 },
		    { 0x95, 0, 0, 0, 0 });
	T_EQ_INT(unit.locs[2].line, 21);
	asm_unit_free(&unit);
	/* a label before a conditional in a skipped region does not hide it */
	assemble_ok(".prog p socket_filter\n"
		    ".if 0\n"
		    "  a: .if 1\n"
		    "    r0 = 9\n"
		    "  .endif\n"
		    "  r0 = 3\n"
		    "  b : c:.if 0 ; .endif\n"
		    ".else\n"
		    "  r0 = 2\n"
		    ".endif\n"
		    "exit\n");
	T_EQ_INT(unit.n_insns, 2);
	check_insn(0, 0xb7, 0, 0, 0, 2);
	asm_unit_free(&unit);
	/* a whole program can be conditional */
	assemble_ok(".if 0\n.prog a socket_filter\nexit\n.endif\n.prog b socket_filter\nexit\n");
	T_EQ_INT(unit.n_progs, 1);
	T_EQ_STR(unit.progs[0].name, "b");
	asm_unit_free(&unit);

	expect_err(".prog p socket_filter\n.else\n", "t.S:2:1: error: .else without .if");
	expect_err(".prog p socket_filter\n  .endif\n", "t.S:2:3: error: .endif without .if");
	expect_err(".elif 1\n", "t.S:1:1: error: .elif without .if");
	expect_err(".if 1\n.else\n.elif 1\n.endif\n", "t.S:3:1: error: .elif after .else");
	expect_err(".if 0\n.else\n.else\n.endif\n", "t.S:3:1: error: .else after .else");
	expect_err(".prog p socket_filter\n.if 1\nexit\n.if 0\n.endif\n",
		   "t.S:2:1: error: unterminated .if: no .endif before the end of the text");
	expect_err(".if\n.endif\n", "t.S:1:4: error: .if needs an expression");
	expect_err(".if 1 2\n.endif\n", "t.S:1:7: error: unexpected '2' after .if");
	expect_err(".if 1\n.endif junk\n", "t.S:2:8: error: unexpected 'junk' after .endif");
	char deep[400] = "";

	for (int i = 0; i < 33; i++)
		strcat(deep, ".if 1\n");
	expect_err(deep, "t.S:33:1: error: .if nested more than 32 deep");
}

/* ---- linemarkers and locations ------------------------------------------- */
static void test_linemarkers(void)
{
	assemble_ok("# 0 \"kern/open.S\"\n"
		    "# 0 \"<built-in>\"\n"
		    "# 0 \"<command-line>\"\n"
		    "# 1 \"/usr/include/stdc-predef.h\" 1 3 4\n"
		    "# 0 \"<command-line>\" 2\n"
		    "# 1 \"kern/open.S\"\n"
		    ".prog p socket_filter\n"
		    "# 1 \"kern/common.h\" 1\n"
		    "\n"
		    "  r0 = 0\n"
		    "# 7 \"kern/open.S\" 2\n"
		    "\t\tr1 = 0x123 ll\n"
		    "#line 40 \"kern/a\\\\b.S\"\n"
		    "exit # a comment\n");
	T_EQ_INT(unit.n_files, 3);
	T_EQ_STR(unit.files[0], "kern/open.S");
	T_EQ_STR(unit.files[1], "kern/common.h");
	T_EQ_STR(unit.files[2], "kern/a\\b.S");
	T_EQ_INT(unit.progs[0].loc.file, 0);
	T_EQ_INT(unit.progs[0].loc.line, 1);
	T_EQ_INT(unit.locs[0].file, 1);
	T_EQ_INT(unit.locs[0].line, 2);
	T_EQ_INT(unit.locs[0].col, 3);
	for (int i = 1; i <= 2; i++) {	/* both halves of ld_imm64 */
		T_EQ_INT(unit.locs[i].file, 0);
		T_EQ_INT(unit.locs[i].line, 7);
		T_EQ_INT(unit.locs[i].col, 3);
	}
	T_EQ_INT(unit.locs[3].file, 2);
	T_EQ_INT(unit.locs[3].line, 40);
	asm_unit_free(&unit);
	/* no linemarkers: the name given, lines from 1, CRLF and comments */
	assemble_ok("// first\r\n.prog p socket_filter // c\r\n  r0 = 0 // c\r\n# c\r\n\texit\r\n");
	T_EQ_INT(unit.n_files, 1);
	T_EQ_STR(unit.files[0], "t.S");
	T_EQ_INT(unit.locs[0].line, 3);
	T_EQ_INT(unit.locs[1].line, 5);
	T_EQ_INT(unit.locs[1].col, 2);
	asm_unit_free(&unit);
	/* ';' separates statements on a line (cpp macros expand to one
	 * line); columns stay those of the physical line */
	assemble_ok(".license \"a;b\" ; .prog p socket_filter\n r0 = 0 ; r1 = 1;exit // x ; y\n");
	T_EQ_STR(unit.license, "a;b");
	T_EQ_INT(unit.n_insns, 3);
	for (int i = 0; i < 3; i++)
		T_EQ_INT(unit.locs[i].line, 2);
	T_EQ_INT(unit.locs[0].col, 2);
	T_EQ_INT(unit.locs[1].col, 11);
	T_EQ_INT(unit.locs[2].col, 18);
	asm_unit_free(&unit);
	expect_err(".prog p socket_filter\n r0 = 0 ; foo r1\n", "t.S:2:11: error: unknown mnemonic 'foo'");
	expect_err(".prog p socket_filter\n# 40 \"kern/x.S\" 1 3\n\tfoo r1\n",
		   "kern/x.S:40:2: error: unknown mnemonic 'foo'");
	expect_err("# 4 \"kern/x.S\"\n.prog p socket_filter\n\n# 12 \"kern/y.h\"\n  goto nowhere\n# 9 \"kern/x.S\"\nexit\n",
		   "kern/y.h:12:8: error: unresolved label 'nowhere' (not defined in program 'p')");
	expect_err("# 99999999999 \"x\"\n", "t.S:1:1: error: linemarker line number out of range");
	expect_err("# 5 \"\"\nfoo\n", "t.S:5:1: error: instruction before any .prog (start a program with .prog NAME TYPE [TARGET])");
	expect_err("# 5 \"\\101\\102\"\n# 7\nfoo\n", "AB:7:1: error: instruction before any .prog (start a program with .prog NAME TYPE [TARGET])");
}

/* ---- every other error, with its exact location -------------------------- */
static void test_errors(void)
{
	static const struct {
		const char *src, *want;
	} cases[] = {
		{ "r0 = 0\n", "t.S:1:1: error: instruction before any .prog (start a program with .prog NAME TYPE [TARGET])" },
		{ "x: r0 = 0\n", "t.S:1:1: error: label 'x' before any .prog" },
		{ ".prog p socket_filter\n  foo r1\n", "t.S:2:3: error: unknown mnemonic 'foo'" },
		{ ".prog p socket_filter\n(r1)\n", "t.S:2:1: error: unknown mnemonic '('" },
		{ ".prog p socket_filter\nr1 = bar\n", "t.S:2:6: error: unknown operand 'bar' (a map load is written rD = MAP ll)" },
		{ ".prog p socket_filter\nx: r0 = 0\nx: exit\n", "t.S:3:1: error: duplicate label 'x' (first defined at t.S:2:1)" },
		{ ".prog p socket_filter\nr1: exit\n", "t.S:2:1: error: 'r1' is a register name, not a label" },
		{ ".prog p socket_filter\ngoto +40000\n", "t.S:2:6: error: jump offset 40000 out of the 16-bit range -32768..32767 (use gotol)" },
		{ ".prog p socket_filter\nif r1 > 2 goto pc-32769\n", "t.S:2:16: error: jump offset -32769 out of the 16-bit range -32768..32767 (use gotol)" },
		{ ".prog p socket_filter\ngoto r1\n", "t.S:2:6: error: expected a jump target (a label, 1f, 1b, +N, -N or pc+N), found 'r1'" },
		{ ".prog p socket_filter\ngoto +x\n", "t.S:2:7: error: expected an instruction count after '+'" },
		{ ".prog p socket_filter\nr1 = 0x100000000\n", "t.S:2:6: error: immediate 4294967296 out of range for 32 bits (a 64-bit constant is written rD = N ll)" },
		{ ".prog p socket_filter\ncall bpf_nope\nexit\n", "t.S:2:6: error: unknown helper 'bpf_nope' (no such helper, and no label 'bpf_nope' in program 'p')" },
		{ ".prog p socket_filter\ncall bpf_map_lookup_elem#2\n", "t.S:2:26: error: helper 'bpf_map_lookup_elem' has id 1, not '2'" },
		{ ".prog p socket_filter\ncall nope#2\n", "t.S:2:6: error: unknown helper 'nope'" },
		{ ".prog p socket_filter\nr11 = 1\n", "t.S:2:1: error: no register r11: registers are r0..r10 (w0..w10 for their low 32 bits)" },
		{ ".prog p socket_filter\nr1 = r01\n", "t.S:2:6: error: no register r01: registers are r0..r10 (w0..w10 for their low 32 bits)" },
		{ ".prog p socket_filter\nr1 = *(u32 *)(r2 + 40000)\n", "t.S:2:20: error: offset 40000 out of range for 16 bits (-32768..32767)" },
		{ ".prog p socket_filter\nr1 = *(u32 *)(w2 + 4)\n", "t.S:2:15: error: expected an r register as the base of a memory operand" },
		{ ".prog p socket_filter\nr1 = *(u128 *)(r2 + 4)\n", "t.S:2:8: error: expected a size (u8 u16 u32 u64, or s8 s16 s32 for sign-extending loads), found 'u128'" },
		{ ".prog p socket_filter\nr1 += w2\n", "t.S:2:7: error: w2 mixes 32-bit (w) and 64-bit (r) registers" },
		{ ".prog p socket_filter\nr1 = w2\n", "t.S:2:6: error: a move mixes 32-bit (w) and 64-bit (r) registers" },
		{ ".prog p socket_filter\nif w1 == r2 goto +1\n", "t.S:2:10: error: r2 mixes 32-bit (w) and 64-bit (r) registers" },
		{ ".prog p socket_filter\nr1 ~= 2\n", "t.S:2:4: error: expected an assignment (= += -= *= /= %= |= &= ^= <<= >>= s>>= s/= s%=), found '~'" },
		{ ".prog p socket_filter\nif r1 ~ r2 goto +1\n", "t.S:2:7: error: expected a comparison (== != > >= < <= s> s>= s< s<= &), found '~'" },
		{ ".prog p socket_filter\nif r1 == r2 +1\n", "t.S:2:13: error: expected 'goto' after the comparison, found '+'" },
		{ ".prog p socket_filter\nr1 = 5 6\n", "t.S:2:8: error: unexpected '6' after the instruction" },
		{ ".prog p socket_filter\nr1 = 5 \x01\n", "t.S:2:8: error: unexpected byte 0x01" },
		{ ".prog p socket_filter\nr1 = be16 r2\n", "t.S:2:1: error: a byte swap works in place: write r1 = be16 r1" },
		{ ".prog p socket_filter\nr1 = -r2\n", "t.S:2:7: error: negation works in place: write r1 = -r1" },
		{ ".prog p socket_filter\nw1 = (s32)w2\n", "t.S:2:7: error: w registers sign-extend from s8 or s16 only" },
		{ ".prog p socket_filter\nr2 = atomic_fetch_add((u64 *)(r1 + 0), r3)\n", "t.S:2:1: error: atomic_fetch_add returns into its source register: write r3 = atomic_fetch_add(..., r3)" },
		{ ".prog p socket_filter\nr1 = cmpxchg_64(r1 + 0, r0, r2)\n", "t.S:2:1: error: cmpxchg returns into r0 (r0 = cmpxchg_64(...))" },
		{ ".prog p socket_filter\nr0 = cmpxchg_64(r1 + 0, r3, r2)\n", "t.S:2:1: error: cmpxchg compares with r0" },
		{ ".prog p socket_filter\nr2 = atomic64_xchg((u32 *)(r1 + 0), r2)\n", "t.S:2:1: error: atomic64_xchg takes (u64 *)" },
		{ ".prog p socket_filter\nlock *(u16 *)(r1 + 0) += r2\n", "t.S:2:1: error: atomic operations are u32 or u64" },
		{ ".prog p socket_filter\nlock *(u64 *)(r1 + 0) -= r2\n", "t.S:2:23: error: expected += &= |= or ^= after lock *(...), found '-='" },
		{ ".prog p socket_filter\nlock *(u64 *)(r1 + 0) += w2\n", "t.S:2:23: error: a u64 atomic operation takes an r register" },
		{ ".prog p socket_filter\nr1 = *(u32 *)skb[4]\n", "t.S:2:1: error: skb[] loads always load into r0" },
		{ ".prog p socket_filter\nr0 = *(u64 *)skb[4]\n", "t.S:2:1: error: skb[] loads are u8, u16 or u32" },
		{ ".prog p socket_filter\nw1 = *(u64 *)(r1 + 0)\n", "t.S:2:1: error: a w register takes u8, u16 or u32 loads" },
		{ ".prog p socket_filter\n*(u64 *)(r1 + 0) = w1\n", "t.S:2:20: error: a u64 store takes an r register" },
		{ ".prog p socket_filter\n*(s8 *)(r1 + 0) = 1\n", "t.S:2:1: error: stores take u8 u16 u32 or u64, not a signed size" },
		{ ".prog p socket_filter\nw1 = 5 ll\n", "t.S:2:1: error: 64-bit loads (ll) take an r register" },
		{ ".prog p socket_filter\ncall pc+1 junk\n", "t.S:2:11: error: unexpected 'junk' after the instruction" },
		{ ".prog p socket_filter\n.prog q socket_filter\nexit\n", "t.S:1:1: error: program 'p' has no instructions" },
		{ ".prog p socket_filter\nexit\n.prog p socket_filter\nexit\n", "t.S:3:1: error: duplicate program 'p'" },
		{ ".prog p nosuch\n", "t.S:1:9: error: unknown program type 'nosuch' (tracepoint raw_tracepoint kprobe kretprobe uprobe uretprobe socket_filter)" },
		{ ".prog p tracepoint bad\n", "t.S:1:20: error: bad tracepoint target 'bad': expected category/event" },
		{ ".prog p tracepoint a/b/c\n", "t.S:1:20: error: bad tracepoint target 'a/b/c': expected category/event" },
		{ ".prog p uprobe /bin/x\n", "t.S:1:16: error: uprobe programs take no target here (it is given when attaching)" },
		{ ".prog p kprobe f x\n", "t.S:1:18: error: unexpected 'x' after .prog" },
		{ ".prog abcdefghijabcdefghijabcdefghijabcdefghijabcdefghij kprobe f\n", "t.S:1:7: error: program name 'abcdefghijabcdefghijabcdefghijabcdefghij...' is longer than 47 characters" },
		{ ".license GPL\n", "t.S:1:10: error: expected a quoted string after .license, found 'GPL'" },
		{ ".license \"GPL\"\n.license \"GPL\"\n", "t.S:2:1: error: duplicate .license" },
		{ ".license \"GPL\n", "t.S:1:10: error: unterminated string" },
		{ ".bogus 1\n", "t.S:1:1: error: unknown directive '.bogus' (.map .prog .license .if .elif .else .endif)" },
		{ ". prog p kprobe f\n", "t.S:1:1: error: expected a directive name after '.'" },
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
		expect_err(cases[i].src, cases[i].want);
	/* err.h's convention too: the same message, without "error: " */
	struct asm_unit u;
	struct asm_error e;

	T_EQ_INT(asm_assemble("r0 = 0", 6, "x.S", NULL, &u, &e), -EINVAL);
	T_EQ_STR(err_msg(), "x.S:1:1: instruction before any .prog (start a program with .prog NAME TYPE [TARGET])");
	T_EQ_INT(asm_assemble(NULL, 1, "x", NULL, &u, &e), -EINVAL);
	T_EQ_INT(asm_assemble("", 0, "x", NULL, NULL, &e), -EINVAL);
}

/* "JUMP far", 40000 instructions, "far: exit" */
static char *far_jump(const char *jump)
{
	size_t n = 40000;
	char *src = malloc(64 + n * 7), *p = src;

	if (!src)
		return NULL;
	p += sprintf(p, ".prog p socket_filter\n%s far\n", jump);
	for (size_t i = 0; i < n; i++)
		p += sprintf(p, "r0 = 0\n");
	sprintf(p, "far: exit\n");
	return src;
}

static void test_jump_range(void)
{
	char *src = far_jump("goto");

	T_ASSERT(src);
	expect_err(src, "t.S:2:6: error: jump to 'far' is 40000 instructions away: out of the 16-bit offset range -32768..32767 (use gotol)");
	free(src);
	src = far_jump("gotol");	/* the same distance through gotol works */
	T_ASSERT(src);
	assemble_ok(src);
	check_insn(0, 0x06, 0, 0, 0, 40000);
	asm_unit_free(&unit);
	free(src);
}

static void test_too_many_insns(void)
{
	size_t n = 1000000, len = 32 + (n + 1) * 5;
	char *src = malloc(len);
	char *p = src;

	T_ASSERT(src);
	p += sprintf(p, ".prog p socket_filter\n");
	for (size_t i = 0; i < n; i++, p += 5)
		memcpy(p, "exit\n", 5);
	*p = 0;
	assemble_ok(src);
	T_EQ_INT(unit.n_insns, n);
	asm_unit_free(&unit);
	memcpy(p, "exit\n", 6);
	expect_err(src, "t.S:1000002:1: error: program 'p' has more than 1000000 instructions");
	free(src);
}

static void test_misc(void)
{
	static const struct {
		const char *kind;
		enum asm_prog_kind k;
		uint32_t type;
		const char *target;
	} kinds[] = {
		{ "tracepoint", ASM_PROG_TRACEPOINT, 5, "sched/sched_switch" },
		{ "raw_tracepoint", ASM_PROG_RAW_TRACEPOINT, 17, "sched_switch" },
		{ "kprobe", ASM_PROG_KPROBE, 2, "do_sys_openat2" },
		{ "kretprobe", ASM_PROG_KRETPROBE, 2, "tcp_v4_connect.isra.0" },
		{ "uprobe", ASM_PROG_UPROBE, 2, "" },
		{ "uretprobe", ASM_PROG_URETPROBE, 2, "" },
		{ "socket_filter", ASM_PROG_SOCKET_FILTER, 1, "" },
	};
	char src[128], buf[64];

	for (size_t i = 0; i < sizeof(kinds) / sizeof(kinds[0]); i++) {
		snprintf(src, sizeof(src), ".prog p %s %s\nexit\n", kinds[i].kind, kinds[i].target);
		assemble_ok(src);
		T_EQ_INT(unit.progs[0].kind, kinds[i].k);
		T_EQ_INT(unit.progs[0].prog_type, kinds[i].type);
		T_EQ_STR(unit.progs[0].target, kinds[i].target);
		T_EQ_STR(unit.license, "GPL");
		asm_unit_free(&unit);
	}
	assemble_ok(".license \"Dual BSD/GPL\"\n");
	T_EQ_STR(unit.license, "Dual BSD/GPL");
	T_EQ_INT(unit.n_progs, 0);
	asm_unit_free(&unit);
	T_EQ_INT(asm_helper_id("ringbuf_output"), 130);
	T_EQ_INT(asm_helper_id("bpf_ringbuf_output"), 130);
	T_EQ_INT(asm_helper_id("bpf_cgrp_storage_delete"), 211);
	T_EQ_INT(asm_helper_id("nope"), -ENOENT);
	T_EQ_INT(asm_helper_id("bpf_"), -ENOENT);
	T_EQ_INT(asm_helper_id(NULL), -ENOENT);
	T_EQ_STR(asm_helper_name(130), "ringbuf_output");
	T_EQ_STR(asm_helper_name(1), "map_lookup_elem");
	T_CHECK(asm_helper_name(0) == NULL);
	T_CHECK(asm_helper_name(212) == NULL);
	T_CHECK(asm_helper_name(-1) == NULL);
	struct asm_error e = { "f.S", 3, 4, "boom" };

	T_EQ_INT(asm_error_format(&e, buf, sizeof(buf)), 20);
	T_EQ_STR(buf, "f.S:3:4: error: boom");
	asm_unit_free(NULL);
}

/* kern/null.S as the build embeds it (after cpp, with linemarkers). */
static void test_kern_null(void)
{
	size_t len;
	const char *text = kern_find("null", &len);
	struct asm_error e;

	T_ASSERT(text, "kern/null.S is not embedded");
	T_EQ_INT(asm_assemble(text, len, "null", &res, &unit, &e), 0);
	T_EQ_INT(unit.n_progs, 2);
	T_EQ_STR(unit.progs[0].name, "null");
	T_EQ_INT(unit.progs[0].prog_type, 5);	/* tracepoint */
	T_EQ_STR(unit.progs[1].name, "null_up");
	T_EQ_INT(unit.progs[1].prog_type, 2);	/* kprobe type, for uprobes */
	T_EQ_INT(unit.n_insns, 4);
	check_insn(0, 0xb7, 0, 0, 0, 0);
	check_insn(1, 0x95, 0, 0, 0, 0);
	T_EQ_STR(unit.files[unit.locs[0].file], "kern/null.S");
	asm_unit_free(&unit);
}

/* A unit of ~500 instructions like the kern/ programs: report the time. */
static void test_speed(void)
{
	size_t cap = 64 * 1024, len = 0;
	char *src = malloc(cap);
	struct timespec a, b;
	int reps = 200;

	T_ASSERT(src);
	len += (size_t)sprintf(src + len, ".map events ringbuf key=0 value=0 max=262144\n");
	for (int p = 0; p < 5; p++) {
		len += (size_t)sprintf(src + len, ".prog p%d tracepoint syscalls/sys_enter_openat\n\tr6 = r1\n", p);
		for (int i = 0; i < 12; i++)
			len += (size_t)sprintf(src + len,
				"\tr1 = *(u64 *)(r6 + field(filename))\n"
				"\t*(u64 *)(r10 - 8) = r1\n"
				"\tr2 = r10\n"
				"\tr2 += -8\n"
				"\tr1 = events ll\n"
				"\tcall bpf_map_lookup_elem\n"
				"\tif r0 == 0 goto out%d_%d\n"
				"\tlock *(u64 *)(r0 + 0) += r1\n"
				"out%d_%d:\n", p, i, p, i);
		len += (size_t)sprintf(src + len, "\tr0 = 0\n\texit\n");
	}
	clock_gettime(CLOCK_MONOTONIC, &a);
	for (int i = 0; i < reps; i++) {
		assemble_ok(src);
		if (i + 1 < reps)
			asm_unit_free(&unit);
	}
	clock_gettime(CLOCK_MONOTONIC, &b);
	double us = ((double)(b.tv_sec - a.tv_sec) * 1e9 + (double)(b.tv_nsec - a.tv_nsec)) / 1e3 / reps;

	printf("# %u instructions assemble in %.1f us (this build)\n", unit.n_insns, us);
	T_CHECK(unit.n_insns > 500);
	T_CHECK(us < 5000, "far too slow even for a sanitizer build");
	asm_unit_free(&unit);
	free(src);
}

int main(void)
{
	T_RUN(test_labels);
	T_RUN(test_maps);
	T_RUN(test_fields);
	T_RUN(test_fields_32);
	T_RUN(test_expressions);
	T_RUN(test_conditionals);
	T_RUN(test_linemarkers);
	T_RUN(test_errors);
	T_RUN(test_jump_range);
	T_RUN(test_too_many_insns);
	T_RUN(test_misc);
	T_RUN(test_kern_null);
	T_RUN(test_speed);
	return t_done();
}

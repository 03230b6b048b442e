/* The assembler's numeric local labels ("1:" ... "goto 1f" / "goto 1b")
 * and the comparison operators of constant expressions (! == !=), which
 * kern/ uses so that no jump counts instructions and no .if needs an empty
 * branch. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "rawtel/asm.h"
#include "rawtel/kern.h"
#include "t.h"

static int const_of(void *ctx, const char *name, int64_t *val)
{
	(void)ctx;
	if (strcmp(name, "two"))
		return -ENOENT;
	*val = 2;
	return 0;
}

static const struct asm_resolver res = { NULL, const_of, NULL };

/* Assembles src into *u; on failure the formatted error goes to err (and
 * the result is -EINVAL). */
static int assemble(const char *src, struct asm_unit *u, char *err, size_t size)
{
	struct asm_error e;
	int ret = asm_assemble(src, strlen(src), "t.S", &res, u, &e);

	err[0] = 0;
	if (ret)
		asm_error_format(&e, err, size);
	return ret;
}

/* The jump offsets (off, or imm for gotol) of every instruction of the
 * single-program source src, "." for one that is not a jump. */
static void offsets(const char *src, char *out, size_t size)
{
	struct asm_unit u;
	char err[600];
	size_t n = 0;

	out[0] = 0;
	if (assemble(src, &u, err, sizeof(err))) {
		snprintf(out, size, "%s", err);
		return;
	}
	for (uint32_t i = 0; i < u.n_insns && n + 12 < size; i++) {
		const struct rt_bpf_insn *in = &u.insns[i];
		int cls = in->code & 7, op = in->code & 0xf0;
		bool jump = (cls == RT_BPF_JMP || cls == RT_BPF_JMP32) &&
			    op != RT_BPF_CALL && op != RT_BPF_EXIT;

		if (!jump)
			n += (size_t)snprintf(out + n, size - n, "%s.", i ? " " : "");
		else
			n += (size_t)snprintf(out + n, size - n, "%s%d", i ? " " : "",
					      in->code == (RT_BPF_JMP32 | RT_BPF_JA) ?
					      in->imm : in->off);
	}
	asm_unit_free(&u);
}

static void expect_offsets(const char *src, const char *want)
{
	char got[600];

	offsets(src, got, sizeof(got));
	if (strcmp(got, want))
		T_FAILF("\n  src:  %.200s\n  got:  %s\n  want: %s", src, got, want);
}

static void expect_err(const char *src, const char *want)
{
	struct asm_unit u;
	char err[600];
	int ret = assemble(src, &u, err, sizeof(err));

	T_EQ_INT(ret, -EINVAL);
	if (!ret)
		asm_unit_free(&u);
	else if (strcmp(err, want))
		T_FAILF("\n  got:  %.200s\n  want: %.200s", err, want);
}

#define P ".prog p socket_filter\n"

static void test_forward_backward(void)
{
	/* 1f: the nearest 1 after; 1b: the nearest 1 before */
	expect_offsets(P "if r1 == 0 goto 1f\nr0 = 1\n1: r0 = 2\n1: goto 1b\nexit\n",
		       "1 . . -1 .");
	expect_offsets(P "1: r0 = 1\ngoto 1f\ngoto 1b\n1: exit\n",
		       ". 1 -3 .");
	/* a label on the jump's own line is before it */
	expect_offsets(P "r0 = 0\n1: goto 1b\nexit\n", ". -1 .");
	/* several numbers, several labels on one line, named labels mixed in */
	expect_offsets(P "goto 2f\ngoto 1f\n1: 2: out: r0 = 0\nif w0 != 3 goto 1b\n"
			 "gotol 2b\ngoto out\nexit\n", "1 0 . -2 -3 -4 .");
	/* the same number on a ';' line, as a cpp macro expands */
	expect_offsets(P "if r1 > 9 goto 1f ; r1 = 9 ; 1: r2 = r1 ; "
			 "if r2 > 9 goto 1f ; r2 = 9 ; 1: exit\n", "1 . . 1 . .");
	/* every program has its own */
	expect_offsets(".prog a socket_filter\n1: exit\n.prog b socket_filter\n"
		       "goto 1f\n1: goto 1b\nexit\n", ". 0 -1 .");
}

/* A macro expanded twice: each expansion's jumps land in that expansion. */
static void test_macro_twice(void)
{
	static const char src[] = P
		"# 1 \"m.S\"\n"
		"if r1 <= 0xffff goto 1f ; r1 = 0xffff ; 1: *(u16 *)(r9 + 0) = r1\n"
		"if r1 <= 0xffff goto 1f ; r1 = 0xffff ; 1: *(u16 *)(r9 + 2) = r1\n"
		"exit\n";

	expect_offsets(src, "1 . . 1 . . .");
}

/* Many numbers at once (the table by number grows): jump i goes to the
 * i-th label from the end, defined in reverse order. */
static void test_many_numbers(void)
{
	enum { N = 300 };
	static char src[N * 3 * 32 + 64];
	struct asm_unit u;
	char err[600];
	size_t n = (size_t)sprintf(src, P);

	for (int i = 0; i < N; i++)
		n += (size_t)sprintf(src + n, "goto %df\n", 1000 + i);
	for (int i = N - 1; i >= 0; i--)
		n += (size_t)sprintf(src + n, "%d: r0 = %d\n", 1000 + i, i);
	for (int i = 0; i < N; i++)
		n += (size_t)sprintf(src + n, "if r0 == %d goto %db\n", i, 1000 + i);
	sprintf(src + n, "exit\n");
	T_ASSERT(!assemble(src, &u, err, sizeof(err)), "does not assemble");
	for (int i = 0; i < N; i++) {
		/* goto i at i lands on label i at N + (N - 1 - i) */
		int fwd = u.insns[i].off, want_fwd = N + (N - 1 - i) - i - 1;
		/* if at 2N + i goes back to N + (N - 1 - i) */
		int back = u.insns[2 * N + i].off, want_back = (N + (N - 1 - i)) - (2 * N + i) - 1;

		if (fwd != want_fwd || back != want_back) {
			T_FAILF("number %d: forward %d (want %d), back %d (want %d)",
				1000 + i, fwd, want_fwd, back, want_back);
			break;
		}
	}
	asm_unit_free(&u);
}

static void test_local_errors(void)
{
	expect_err(P "goto 1f\nexit\n",
		   "t.S:2:6: error: no local label '1:' after '1f' in program 'p'");
	expect_err(P "goto 1b\n1: exit\n",
		   "t.S:2:6: error: no local label '1:' before '1b' in program 'p'");
	/* a label in another program does not count */
	expect_err(P "1: exit\n.prog q socket_filter\nif r0 == 0 goto 1b\nexit\n",
		   "t.S:4:17: error: no local label '1:' before '1b' in program 'q'");
	expect_err(P "goto 2f\ngoto 1f\n2: exit\n",
		   "t.S:3:6: error: no local label '1:' after '1f' in program 'p'");
	expect_err("1: r0 = 0\n", "t.S:1:1: error: label '1' before any .prog");
	expect_err(P "0x1: exit\n", "t.S:2:1: error: local label '0x1' is not a decimal number");
	expect_err(P "1u: exit\n", "t.S:2:1: error: local label '1u' is not a decimal number");
	expect_err(P "4294967296: exit\n",
		   "t.S:2:1: error: local label 4294967296 is larger than 4294967295");
	expect_err(P "goto 1fx\n", "t.S:2:6: error: bad number '1fx'");
	expect_err(P "goto 1\n",
		   "t.S:2:6: error: expected a jump target (a label, 1f, 1b, +N, -N or pc+N), found '1'");
	/* a forward reference out of the 16-bit range */
	char *src = malloc(40000 * 8 + 64);
	size_t n;

	T_ASSERT(src);
	n = (size_t)sprintf(src, P "goto 1f\n");
	for (int i = 0; i < 40000; i++)
		n += (size_t)sprintf(src + n, "r0 = 0\n");
	sprintf(src + n, "1: exit\n");
	expect_err(src, "t.S:2:6: error: jump to '1f' is 40000 instructions away: out of the 16-bit offset range -32768..32767 (use gotol)");
	free(src);
}

static void test_compare_ops(void)
{
	static const struct {
		const char *expr;
		int32_t v;
	} cases[] = {
		{ "!0", 1 }, { "!5", 0 }, { "!!7", 1 }, { "!$two", 0 },
		{ "2 == 2", 1 }, { "2 == 3", 0 }, { "2 != 3", 1 }, { "$two != 2", 0 },
		/* C precedence: == binds looser than << and +, tighter than & */
		{ "1 + 1 == 2", 1 }, { "1 << 1 == 2", 1 }, { "3 & 2 == 2", 1 },
		{ "(3 & 2) == 2", 1 }, { "-1 == ~0", 1 }, { "!0 + 1", 2 },
	};
	char src[256];

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		snprintf(src, sizeof(src), P "r1 = %s\nexit\n", cases[i].expr);
		struct asm_unit u;
		char err[600];

		if (assemble(src, &u, err, sizeof(err))) {
			T_FAILF("%s: %s", cases[i].expr, err);
			continue;
		}
		if (u.insns[0].imm != cases[i].v)
			T_FAILF("%s = %d, want %d", cases[i].expr, u.insns[0].imm,
				cases[i].v);
		asm_unit_free(&u);
	}
	/* .if !X replaces an empty .if X / .else */
	expect_offsets(P ".if !$two\nr0 = 1\n.else\ngoto 1f\n1: r0 = 2\n.endif\n"
			 ".if $two == 2\nexit\n.endif\n", "0 . .");
	expect_err(P ".if !\n.endif\n", "t.S:2:6: error: expected an expression, found end of line");
	expect_err(P "r1 = 1 ==\n", "t.S:2:10: error: expected an expression, found end of line");
}

/* kern/ jumps to labels only: a counted "goto +N" over a macro lands
 * inside it, silently, once the macro grows. */
static void test_kern_no_counted_jumps(void)
{
	int units = 0;

	for (const struct kern_text *k = kern_texts; k->name; k++, units++) {
		size_t len;
		const char *text = kern_find(k->name, &len);

		T_ASSERT(text, "an embedded unit cannot be unpacked");
		for (const char *p = text; (p = memmem(p, (size_t)(text + len - p),
							 "goto", 4)); p += 4) {
			const char *q = p + 4;

			while (q < text + len && *q == ' ')
				q++;
			if (q + 2 < text + len && q[0] == 'p' && q[1] == 'c')
				q += 2;
			if (q < text + len && (*q == '+' || *q == '-'))
				T_FAILF("kern/%s: counted jump '%.20s'", k->name, p);
		}
	}
	T_CHECK(units >= 10, "fewer kern/ units than expected");
}

int main(void)
{
	T_RUN(test_forward_backward);
	T_RUN(test_macro_twice);
	T_RUN(test_many_numbers);
	T_RUN(test_local_errors);
	T_RUN(test_compare_ops);
	T_RUN(test_kern_no_counted_jumps);
	return t_done();
}

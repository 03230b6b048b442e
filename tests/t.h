/* Minimal test framework for rawtel's C tests.
 *
 * A test binary runs cases with T_RUN(fn); each case prints one line that
 * tests/run.sh counts: "PASS name", "FAIL name: why" or "SKIP name: why".
 * T_CHECK records a failure (with file:line) and continues; T_ASSERT also
 * ends the case. t_require_bpf() skips a case when BPF is not usable, or
 * fails it when RAWTEL_REQUIRE_BPF=1 (CI), so BPF tests never skip silently
 * there. */
#ifndef RAWTEL_T_H
#define RAWTEL_T_H

#include <errno.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <stdint.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "rt_bpf.h"

static int t_failed_cases, t_passed_cases;
static int t_case_failed, t_case_skipped;
static char t_why[512];
static jmp_buf t_jmp;

#define T_FAILF(...)                                                        \
	do {                                                                \
		if (!t_case_failed) {                                       \
			int t_n_ = snprintf(t_why, sizeof(t_why),           \
					    "%s:%d: ", __FILE__, __LINE__); \
			if (t_n_ > 0 && (size_t)t_n_ < sizeof(t_why))       \
				snprintf(t_why + t_n_,                      \
					 sizeof(t_why) - (size_t)t_n_,      \
					 __VA_ARGS__);                      \
		}                                                           \
		t_case_failed = 1;                                          \
	} while (0)

/* The condition is evaluated once; the optional note is a string. */
#define T_CHECK(cond, ...)                                                  \
	do {                                                                \
		if (!(cond)) {                                              \
			T_FAILF("check failed: %s", #cond);                 \
			t_note_(__VA_ARGS__ "");                            \
		}                                                           \
	} while (0)

#define T_ASSERT(cond, ...)                                                 \
	do {                                                                \
		if (!(cond)) {                                              \
			T_FAILF("assertion failed: %s", #cond);             \
			t_note_(__VA_ARGS__ "");                            \
			longjmp(t_jmp, 1);                                  \
		}                                                           \
	} while (0)

#define T_EQ_INT(a, b)                                                      \
	do {                                                                \
		long long t_a_ = (long long)(a), t_b_ = (long long)(b);     \
		if (t_a_ != t_b_)                                           \
			T_FAILF("%s == %s: %lld != %lld", #a, #b, t_a_, t_b_); \
	} while (0)

#define T_EQ_STR(a, b)                                                      \
	do {                                                                \
		const char *t_a_ = (a), *t_b_ = (b);                        \
		if (!t_a_ || !t_b_ || strcmp(t_a_, t_b_))                   \
			T_FAILF("%s == %s: \"%s\" != \"%s\"", #a, #b,       \
				t_a_ ? t_a_ : "(null)",                     \
				t_b_ ? t_b_ : "(null)");                    \
	} while (0)

/* Appends an optional printf-style note to the failure reason. */
static inline void t_note_(const char *s)
{
	size_t n = strlen(t_why);

	if (s && *s && n + 3 < sizeof(t_why))
		snprintf(t_why + n, sizeof(t_why) - n, " (%s)", s);
}

/* Skip the current case (counts as a failure under RAWTEL_REQUIRE_BPF=1
 * when `bpf` is set). */
static inline void t_skip_(int bpf, const char *why)
{
	const char *req = getenv("RAWTEL_REQUIRE_BPF");

	if (bpf && req && strcmp(req, "1") == 0) {
		snprintf(t_why, sizeof(t_why),
			 "BPF required (RAWTEL_REQUIRE_BPF=1) but: %s", why);
		t_case_failed = 1;
	} else {
		snprintf(t_why, sizeof(t_why), "%s", why);
		t_case_skipped = 1;
	}
	longjmp(t_jmp, 1);
}
#define T_SKIP(why) t_skip_(0, why)

/* BPF usable for tracing: a trivial tracepoint program loads (that needs
 * the bpf syscall and CAP_BPF+CAP_PERFMON or root). Independent of rawtel's
 * own loader so a loader bug cannot turn into a skip. */
static inline int t_bpf_usable(char *why, size_t size)
{
	struct rt_bpf_insn prog[2] = {
		{ .code = RT_BPF_ALU64 | RT_BPF_MOV | RT_BPF_K, .dst_reg = 0 },
		{ .code = RT_BPF_JMP | RT_BPF_EXIT },
	};
	struct rt_bpf_prog_load_attr a;
	long fd;

	memset(&a, 0, sizeof(a));
	a.prog_type = RT_BPF_PROG_TYPE_TRACEPOINT;
	a.insn_cnt = 2;
	a.insns = (uint64_t)(uintptr_t)prog;
	a.license = (uint64_t)(uintptr_t)"GPL";
	fd = syscall(RT_NR_bpf, RT_BPF_PROG_LOAD, &a, sizeof(a));
	if (fd < 0) {
		snprintf(why, size, "cannot load a BPF program: %s%s",
			 strerror(errno),
			 errno == EPERM ? " (run as root)" : "");
		return 0;
	}
	close((int)fd);
	return 1;
}
#define T_REQUIRE_BPF()                                                     \
	do {                                                                \
		char t_bw_[256];                                            \
		if (!t_bpf_usable(t_bw_, sizeof(t_bw_)))                    \
			t_skip_(1, t_bw_);                                  \
	} while (0)

static inline void t_run_(const char *name, void (*fn)(void))
{
	t_case_failed = 0;
	t_case_skipped = 0;
	t_why[0] = 0;
	fflush(stdout);
	if (setjmp(t_jmp) == 0)
		fn();
	if (t_case_failed) {
		printf("FAIL %s: %s\n", name, t_why);
		t_failed_cases++;
	} else if (t_case_skipped) {
		printf("SKIP %s: %s\n", name, t_why);
	} else {
		printf("PASS %s\n", name);
		t_passed_cases++;
	}
	fflush(stdout);
}
#define T_RUN(fn) t_run_(#fn, fn)

static inline int t_done(void)
{
	return t_failed_cases ? 1 : 0;
}

#endif

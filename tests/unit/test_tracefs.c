/* tracefs format parsing: fixed texts with every field shape, malformed
 * texts, and every format file of the running kernel (robustness plus
 * layout invariants). */
#include <dirent.h>
#include <stdlib.h>

#include "rawtel/err.h"
#include "rawtel/tracefs.h"
#include "t.h"

static const char fork_fmt[] =
	"name: sched_process_fork\nID: 366\nformat:\n"
	"\tfield:unsigned short common_type;\toffset:0;\tsize:2;\tsigned:0;\n"
	"\tfield:unsigned char common_flags;\toffset:2;\tsize:1;\tsigned:0;\n"
	"\tfield:unsigned char common_preempt_count;\toffset:3;\tsize:1;\tsigned:0;\n"
	"\tfield:int common_pid;\toffset:4;\tsize:4;\tsigned:1;\n\n"
	"\tfield:__data_loc char[] parent_comm;\toffset:8;\tsize:4;\tsigned:0;\n"
	"\tfield:pid_t parent_pid;\toffset:12;\tsize:4;\tsigned:1;\n"
	"\tfield:char comm[16];\toffset:16;\tsize:16;\tsigned:0;\n"
	"\tfield:const char *const * argv;\toffset:32;\tsize:8;\tsigned:0;\n"
	"\tfield:__rel_loc char[] rel;\toffset:40;\tsize:4;\tsigned:0;\n"
	"\nprint fmt: \"comm=%s pid=%d field:fake;\", REC->x\n";

static void test_parse_shapes(void)
{
	struct tp_format f;
	const struct tp_field *x;

	T_ASSERT(tp_format_parse(fork_fmt, sizeof(fork_fmt) - 1, &f) == 0);
	T_EQ_INT(f.id, 366);
	T_EQ_INT(f.n_fields, 9);	/* the print fmt line is not a field */
	x = tp_format_field(&f, "common_pid");
	T_ASSERT(x);
	T_EQ_INT(x->offset, 4);
	T_EQ_INT(x->size, 4);
	T_CHECK(x->is_signed);
	x = tp_format_field(&f, "parent_comm");
	T_ASSERT(x);
	T_CHECK(x->is_data_loc && !x->is_array);
	T_EQ_INT(x->offset, 8);
	x = tp_format_field(&f, "comm");
	T_ASSERT(x);
	T_CHECK(x->is_array && !x->is_data_loc && !x->is_signed);
	T_EQ_INT(x->size, 16);
	x = tp_format_field(&f, "argv");
	T_ASSERT(x);
	T_EQ_INT(x->offset, 32);
	T_EQ_INT(x->size, 8);
	x = tp_format_field(&f, "rel");
	T_ASSERT(x);
	T_CHECK(x->is_rel_loc);
	T_CHECK(tp_format_field(&f, "nope") == NULL);
	tp_format_free(&f);
}

static void bad(const char *text, const char *why)
{
	struct tp_format f;

	if (tp_format_parse(text, strlen(text), &f) != -EINVAL)
		T_FAILF("accepted: %s", why);
	T_CHECK(f.fields == NULL);
}

static void test_parse_malformed(void)
{
	char big[40000];
	size_t n;

	bad("", "empty");
	bad("ID: 5\nformat:\n", "no fields");
	bad("format:\n\tfield:int x;\toffset:8;\tsize:4;\tsigned:1;\n", "no ID");
	bad("ID: 5\n\tfield:int x;\toffset:8;\tsize:0;\tsigned:1;\n", "zero size");
	bad("ID: 5\n\tfield:int x;\toffset:70000;\tsize:4;\tsigned:1;\n", "offset too big");
	bad("ID: 5\n\tfield:int x;\toffset:65534;\tsize:4;\tsigned:1;\n", "past the record");
	bad("ID: 5\n\tfield:int x;\toffset:-1;\tsize:4;\tsigned:1;\n", "negative");
	bad("ID: 5\n\tfield:int x\toffset:8;\tsize:4;\tsigned:1;\n", "no semicolon");
	bad("ID: 5\n\tfield:int ;\toffset:8;\tsize:4;\tsigned:1;\n", "no name");
	bad("ID: 5\n\tfield:int x[;\toffset:8;\tsize:4;\tsigned:1;\n", "bad array");
	bad("ID: 5\n\tfield:int x;\toffset:8;\tsize:4\n", "truncated");
	bad("ID: 0\n\tfield:int x;\toffset:8;\tsize:4;\tsigned:1;\n", "zero id");
	bad("ID: 99999999999\n\tfield:int x;\toffset:8;\tsize:4;\tsigned:1;\n", "huge id");
	/* more fields than any event has: refused, not grown without bound */
	n = (size_t)snprintf(big, sizeof(big), "ID: 5\n");
	for (int i = 0; i < 300 && n < sizeof(big) - 80; i++)
		n += (size_t)snprintf(big + n, sizeof(big) - n,
				      "\tfield:int f%d;\toffset:8;\tsize:4;\tsigned:1;\n", i);
	bad(big, "too many fields");
	/* a field name longer than we keep */
	memset(big, 'a', 200);
	big[200] = 0;
	char line[400];
	snprintf(line, sizeof(line), "ID: 5\n\tfield:int %s;\toffset:8;\tsize:4;\tsigned:1;\n", big);
	bad(line, "long name");
}

/* Every format file on this kernel parses; fields lie inside the record and
 * do not overlap. */
static void test_live_formats(void)
{
	const char *root;
	char path[600];
	DIR *cats, *evs;
	struct dirent *c, *e;
	int parsed = 0;

	if (tracefs_root(&root))
		T_SKIP("no tracefs here");
	snprintf(path, sizeof(path), "%s/events", root);
	cats = opendir(path);
	T_ASSERT(cats);
	while ((c = readdir(cats)) && parsed < 5000) {
		if (c->d_name[0] == '.')
			continue;
		snprintf(path, sizeof(path), "%s/events/%s", root, c->d_name);
		evs = opendir(path);
		if (!evs)
			continue;
		while ((e = readdir(evs))) {
			char tp[TP_NAME_MAX];
			const struct tp_format *f;

			if (e->d_name[0] == '.' || e->d_type != DT_DIR)
				continue;
			snprintf(tp, sizeof(tp), "%s/%s", c->d_name, e->d_name);
			if (tracefs_format(tp, &f) != 0) {
				T_FAILF("%s: %s", tp, err_msg());
				continue;
			}
			parsed++;
			for (uint32_t i = 1; i < f->n_fields; i++)
				if (f->fields[i].offset < f->fields[i - 1].offset + f->fields[i - 1].size)
					T_FAILF("%s: field %s overlaps %s", tp, f->fields[i].name,
						f->fields[i - 1].name);
		}
		closedir(evs);
	}
	closedir(cats);
	T_CHECK(parsed > 100, "too few tracepoints parsed");
	tracefs_cache_free();
}

static void test_known_fields(void)
{
	const struct tp_format *f;
	struct asm_field af;
	const char *root;

	if (tracefs_root(&root))
		T_SKIP("no tracefs here");
	T_ASSERT(tracefs_format("syscalls/sys_enter_openat", &f) == 0);
	T_ASSERT(tracefs_asm_field(NULL, "syscalls/sys_enter_openat", "filename", &af) == 0);
	T_EQ_INT(af.size, 8);
	T_EQ_INT(af.offset, 24);
	T_EQ_INT(tracefs_asm_field(NULL, "syscalls/sys_enter_openat", "nope", &af), -ENOENT);
	T_EQ_INT(tracefs_asm_field(NULL, "nope/none", "x", &af), -ENOENT);
	/* asked twice: the cached negative answer, same code */
	T_EQ_INT(tracefs_format("nope/none", &f), -ENOENT);
	T_EQ_INT(tracefs_format("../../etc/passwd", &f), -EINVAL);
	T_EQ_INT(tracefs_format("sched", &f), -EINVAL);
	tracefs_cache_free();
}

int main(void)
{
	T_RUN(test_parse_shapes);
	T_RUN(test_parse_malformed);
	T_RUN(test_live_formats);
	T_RUN(test_known_fields);
	return t_done();
}

/* Verifier rejections, explained at the kern/ source line that caused them. */
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "rawtel/bpf.h"
#include "rawtel/err.h"
#include "rawtel/fmt.h"
#include "vlog.h"

#define VLOG_MIN (256u << 10)
#define VLOG_MAX (16u << 20)

/* "12: (bf) r6 = r1" -> 12; state-only lines "12: R1=ctx()" -> -1 */
static int insn_line(const char *s, size_t n)
{
	size_t i = 0;
	long v = 0;

	while (i < n && isdigit((unsigned char)s[i]) && v < 10000000)
		v = v * 10 + (s[i++] - '0');
	if (i == 0 || i + 3 > n || s[i] != ':' || s[i + 1] != ' ' || s[i + 2] != '(')
		return -1;
	return (int)v;
}

static int starts(const char *s, size_t n, const char *p)
{
	size_t l = strlen(p);

	return n >= l && !memcmp(s, p, l);
}

/* Lines that carry no complaint: state dumps, source comments, stats. */
static int noise(const char *s, size_t n)
{
	size_t i = 0;

	if (n == 0 || s[0] == ';' || starts(s, n, "processed ") || starts(s, n, "func#") ||
	    starts(s, n, "verification time") || starts(s, n, "stack depth") ||
	    starts(s, n, "from ") || starts(s, n, "last_idx") || starts(s, n, "regs=") ||
	    starts(s, n, "parent ") || starts(s, n, "mark_precise"))
		return 1;
	while (i < n && isdigit((unsigned char)s[i]))
		i++;
	return i > 0 && i < n && s[i] == ':';	/* "12: ..." */
}

/* The verifier's complaint and the index of the instruction it names:
 * the last "N: (..) ..." line before the first line that is neither an
 * instruction nor register state. */
static int vlog_parse(const char *log, int *insn, char *why, size_t why_size)
{
	const char *p = log;
	int last_insn = -1, why_insn = -1;

	why[0] = 0;
	while (*p) {
		const char *nl = strchr(p, '\n');
		size_t n = nl ? (size_t)(nl - p) : strlen(p);
		int k = insn_line(p, n);

		if (k >= 0) {
			last_insn = k;
		} else if (!noise(p, n)) {
			/* the last complaint wins: earlier ones can be notes */
			size_t c = n < why_size - 1 ? n : why_size - 1;
			memcpy(why, p, c);
			why[c] = 0;
			why_insn = last_insn;
		}
		p = nl ? nl + 1 : p + n;
	}
	*insn = why_insn;
	return why[0] ? 0 : -ENOENT;
}

/* Line `line` of `file` in cpp output `text` (tracking linemarkers, also
 * the `# N` without a name that keeps the file: scripts/kern-pack.c writes
 * them), for showing the source of an instruction; 0 or -ENOENT. */
int vlog_source_line(const char *text, size_t len, const char *file, uint32_t line,
		     char *out, size_t size)
{
	const char *p = text, *end = text + len;
	char cur[256] = "";
	uint32_t cur_line = 1;

	while (p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		const char *le = nl ? nl : end;

		if (le - p > 2 && p[0] == '#' && p[1] == ' ' && isdigit((unsigned char)p[2])) {
			/* linemarker: # LINE "FILE" flags, or # LINE */
			char *q;
			long l = strtol(p + 2, &q, 10);
			const char *f = memchr(p, '"', (size_t)(le - p));
			const char *fe = f ? memchr(f + 1, '"', (size_t)(le - f - 1)) : NULL;
			if (!f) {
				cur_line = (uint32_t)l;
			} else if (fe && (size_t)(fe - f - 1) < sizeof(cur)) {
				memcpy(cur, f + 1, (size_t)(fe - f - 1));
				cur[fe - f - 1] = 0;
				cur_line = (uint32_t)l;
			}
		} else {
			if (cur_line == line && !strcmp(cur, file)) {
				size_t n = (size_t)(le - p) < size - 1 ? (size_t)(le - p) : size - 1;
				memcpy(out, p, n);
				out[n] = 0;
				for (size_t i = 0; i < n; i++)
					if (out[i] == '\t')
						out[i] = ' ';
				return 0;
			}
			cur_line++;
		}
		p = nl ? nl + 1 : end;
	}
	return -ENOENT;
}

static void save_log(const char *log)
{
	const char *path = getenv("RAWTEL_VERIFIER_LOG");
	int fd;

	if (!path || !*path)
		return;
	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	if (fd < 0)
		return;
	if (write(fd, log, strlen(log)) < 0) {
		/* best effort: the error message itself still says why */
	}
	close(fd);
}

int vlog_load_explain(const struct bpf_obj_unit *un, const struct asm_prog *p,
		      const struct rt_bpf_insn *insns, const char *license,
		      int first_err)
{
	char why[300], text[200], src[200] = "", where[300] = "";
	char *log = NULL;
	uint32_t size = VLOG_MIN;
	int fd = first_err, insn = -1;

	while (size <= VLOG_MAX) {
		char *nl = realloc(log, size);
		if (!nl)
			break;
		log = nl;
		fd = bpf_prog_load(p->prog_type, insns, p->count, license, p->name, 1, log, size);
		if (fd >= 0) {
			/* accepted the second time (a transient failure, such as
			 * memory): that is success */
			free(log);
			return fd;
		}
		if (fd != -ENOSPC)
			break;
		size *= 4;	/* the log did not fit */
	}
	if (!log || vlog_parse(log, &insn, why, sizeof(why)))
		fmt_snprintf(why, sizeof(why), "%s", strerror(-fd));
	if (log)
		save_log(log);
	free(log);
	if (insn >= 0 && (uint32_t)insn < p->count) {
		const struct asm_loc *l = &un->u.locs[p->start + (uint32_t)insn];
		const char *file = l->file < un->u.n_files ? un->u.files[l->file] : un->name;

		if (asm_disasm_insn(un->u.insns + p->start + insn, p->count - (uint32_t)insn,
				    text, sizeof(text)) < 0)
			fmt_snprintf(text, sizeof(text), "?");
		fmt_snprintf(where, sizeof(where), "%s:%u:%u: ", file, l->line, l->col);
		if (vlog_source_line(un->text, un->len, file, l->line, src, sizeof(src)) == 0)
			return err_set(-fd, "%sthe kernel's verifier rejected program '%s' at "
				       "instruction %d `%s`: %s\n    %u | %s\n(set "
				       "RAWTEL_VERIFIER_LOG=FILE for the whole log)", where, p->name,
				       insn, text, why, l->line, src);
		return err_set(-fd, "%sthe kernel's verifier rejected program '%s' at instruction "
			       "%d `%s`: %s", where, p->name, insn, text, why);
	}
	return err_set(-fd, "the kernel's verifier rejected program '%s' (kern/%s.S): %s "
		       "(set RAWTEL_VERIFIER_LOG=FILE for the whole log)", p->name, un->name, why);
}

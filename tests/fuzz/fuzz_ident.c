/* libFuzzer target for the /proc identity parsers (user/util/ident.c):
 * /proc/PID/cgroup, status and environ are the observed system's bytes.
 * The input: byte 0 the output size for the service name (1 to 256,
 * allocated exactly: a byte written past it is an ASan report), the rest
 * given whole to each parser. Checked: no crash or sanitizer report, every
 * output NUL-terminated within its buffer; a container id is 64 hex digits
 * (or an nspawn machine's name, with its runtime), a pod uid 36 bytes in
 * the dashed form, a found NSpid in 1..2^30-1; and the parse of the same
 * cgroup text with a known docker v2 line in front of it finds that line's
 * container. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "rawtel/ident.h"

#define H64 "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"

static void die(const char *why)
{
	fprintf(stderr, "fuzz_ident: %s\n", why);
	abort();
}

static void terminated(const char *s, size_t size, const char *what)
{
	if (!memchr(s, 0, size))
		die(what);
}

static void check_cgroup(const struct ident_cgroup *cg, int found)
{
	size_t n;

	terminated(cg->id, sizeof(cg->id), "id not terminated");
	terminated(cg->name, sizeof(cg->name), "name not terminated");
	terminated(cg->pod_uid, sizeof(cg->pod_uid), "pod uid not terminated");
	terminated(cg->path, sizeof(cg->path), "path not terminated");
	n = strlen(cg->id);
	if (n && n != 64 && (!cg->runtime || strcmp(cg->runtime, "systemd-nspawn")))
		die("an id neither 64 hex digits nor a machine name");
	if (n == 64 && strspn(cg->id, "0123456789abcdefABCDEF") != 64 && !cg->name[0])
		die("a 64-byte id that is not hex");
	n = strlen(cg->pod_uid);
	if (n && (n != 36 || strchr(cg->pod_uid, '_') || cg->pod_uid[8] != '-'))
		die("a pod uid not in the dashed form");
	if (!found && (cg->id[0] || cg->pod_uid[0]))
		die("found nothing but filled the id");
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t len)
{
	static char text[8192];
	struct ident_cgroup cg;
	const char *t;
	size_t tl, cap;
	uint32_t ns = 0;
	char *out;
	int r;

	if (len < 1 || len > 4096)
		return 0;
	cap = (size_t)data[0] + 1;
	t = (const char *)data + 1;
	tl = len - 1;
	check_cgroup(&cg, ident_cgroup(t, tl, &cg));
	r = ident_nspid(t, tl, &ns);
	if (r > 0 && (ns == 0 || ns > 0x3fffffff))
		die("NSpid out of range");
	if ((out = malloc(cap))) {
		r = ident_service(t, tl, out, cap);
		terminated(out, cap, "service not terminated");
		if (!r && out[0])
			die("no service but a name");
		free(out);
	}
	/* a known v2 line first: the v2 line is the first "0::" one */
	tl = (size_t)snprintf(text, sizeof(text), "0::/system.slice/docker-%s.scope\n%.*s", H64,
			      (int)tl, t);
	if (tl < sizeof(text)) {
		r = ident_cgroup(text, tl, &cg);
		check_cgroup(&cg, r);
		if (r != 1 || strcmp(cg.id, H64) || strcmp(cg.runtime, "docker"))
			die("the known docker line was not found");
	}
	return 0;
}

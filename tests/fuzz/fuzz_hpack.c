/* libFuzzer target for the HPACK decoder (user/proto/hpack_*.c). The input:
 *   byte 0: bits 0-1 pick the SETTINGS limit (4096, 256, 8192, 65536),
 *   bits 2-7 the block k before which the second decoder loses its table
 *   then blocks, each a length byte and that many bytes.
 * Checked: no crash or sanitizer report; every field is bounded (name at
 * most HPACK_NAME_MAX, value at most HPACK_VALUE_MAX, no value for hidden
 * or unknown fields, known flags); and a second decoder that lost its
 * table before block k (joined late) decodes every block from k
 * without error where the first one does, to the same fields or to
 * unknown ones, never to other names or values. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "rawtel/hpack.h"

#define MAXF 64

struct fields {
	int n;
	unsigned flags[MAXF];
	size_t nlen[MAXF], vlen[MAXF];
	char name[MAXF][HPACK_NAME_MAX], value[MAXF][HPACK_VALUE_MAX];
};

static void die(const char *why)
{
	fprintf(stderr, "fuzz_hpack: %s\n", why);
	abort();
}

static void on_field(void *arg, const struct hpack_field *f)
{
	struct fields *l = arg;

	if (f->nlen > HPACK_NAME_MAX || f->vlen > HPACK_VALUE_MAX || f->vlen > f->vlen_wire)
		die("field over its bound");
	if ((f->flags & (HPACK_F_HIDDEN | HPACK_F_UNKNOWN)) && f->vlen)
		die("a hidden or unknown value passed on");
	if ((f->flags & HPACK_F_UNKNOWN) && f->nlen)
		die("an unknown field has a name");
	if (f->flags >> 5)
		die("unknown flag");
	if (l->n < MAXF) {
		l->flags[l->n] = f->flags;
		l->nlen[l->n] = f->nlen;
		l->vlen[l->n] = f->vlen;
		memcpy(l->name[l->n], f->name, f->nlen);
		memcpy(l->value[l->n], f->value, f->vlen);
	}
	l->n++;
}

static int agree(const struct fields *a, const struct fields *b)
{
	if (a->n != b->n)
		return 0;
	for (int i = 0; i < a->n && i < MAXF; i++) {
		if (b->flags[i] & HPACK_F_UNKNOWN)
			continue;
		if (a->flags[i] != b->flags[i] || a->nlen[i] != b->nlen[i] ||
		    a->vlen[i] != b->vlen[i] || memcmp(a->name[i], b->name[i], a->nlen[i]) ||
		    memcmp(a->value[i], b->value[i], a->vlen[i]))
			return 0;
	}
	return 1;
}

static struct hpack_dec fresh, late;
static struct fields fa, fb;

int LLVMFuzzerTestOneInput(const uint8_t *d, size_t n)
{
	static const uint32_t limits[] = { 4096, 256, 8192, 65536 };
	size_t starts[64], lens[64];
	int nb = 0, from;

	if (!n)
		return 0;
	for (size_t i = 1; i < n && nb < 64;) {
		size_t len = d[i] < n - i - 1 ? d[i] : n - i - 1;

		starts[nb] = i + 1;
		lens[nb++] = len;
		i += 1 + len;
	}
	from = (d[0] >> 2) % (nb + 1);
	hpack_init(&fresh);
	hpack_init(&late);
	hpack_set_limit(&fresh, limits[d[0] & 3]);
	hpack_set_limit(&late, limits[d[0] & 3]);
	for (int k = 0; k < nb; k++) {
		int ra, rb;

		if (k == from)
			hpack_lose(&late);
		fa.n = fb.n = 0;
		ra = hpack_decode(&fresh, d + starts[k], lens[k], on_field, &fa);
		rb = hpack_decode(&late, d + starts[k], lens[k], on_field, &fb);
		if (ra < 0)
			break;	/* malformed: the encoder is not a real one */
		if (rb < 0)
			die("the late decoder failed where the fresh one did not");
		if (!agree(&fa, &fb))
			die("the late decoder gave another field");
	}
	return 0;
}

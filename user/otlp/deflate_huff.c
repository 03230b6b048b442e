/* Huffman codes for the DEFLATE encoder: code lengths from frequencies
 * (limited in length), canonical codes, the length and distance tables. */
#include <stdlib.h>
#include <string.h>

#include "deflate_int.h"
#include "rawtel/util.h"

void df_put(struct df_bits *w, uint32_t bits, unsigned n)
{
	w->acc |= (uint64_t)bits << w->nbits;
	w->nbits += n;
	while (w->nbits >= 8) {
		if (w->o < w->cap)
			w->out[w->o++] = (uint8_t)w->acc;
		else
			w->full = 1;
		w->acc >>= 8;
		w->nbits -= 8;
	}
}

void df_align(struct df_bits *w)
{
	if (w->nbits)
		df_put(w, 0, 8 - w->nbits);
}

struct df_node {
	uint32_t freq;
	int sym;		/* leaf: its symbol; -1 for a joined node */
};

static int by_freq(const void *a, const void *b)
{
	const struct df_node *x = a, *y = b;

	if (x->freq != y->freq)
		return x->freq < y->freq ? -1 : 1;
	return x->sym - y->sym;
}

/* Huffman's construction with two queues: leaves sorted by frequency, and
 * joined nodes, which are made in order of weight. */
static void df_tree(struct df_node *nodes, int nleaf, int *parent, uint8_t *depth)
{
	int lq = 0, jq = nleaf, next = nleaf;

	if (nleaf < 2 || nleaf > DF_NLL)
		return;		/* df_lengths gives it two leaves at least */
	for (int k = 0; k < nleaf - 1; k++) {
		int pick[2];

		for (int t = 0; t < 2; t++) {
			if (lq < nleaf && (jq >= next || nodes[lq].freq <= nodes[jq].freq))
				pick[t] = lq++;
			else
				pick[t] = jq++;
		}
		nodes[next] = (struct df_node){ nodes[pick[0]].freq + nodes[pick[1]].freq, -1 };
		parent[pick[0]] = parent[pick[1]] = next++;
	}
	depth[next - 1] = 0;
	for (int x = next - 2; x >= 0; x--)
		depth[x] = (uint8_t)(depth[parent[x]] + 1 > 255 ? 255 : depth[parent[x]] + 1);
}

/* Lengths over the limit are cut to it; then, while the code is
 * oversubscribed (Kraft sum over 1), the deepest code that can still grow
 * (the least frequent among equals) grows by one bit; then any room left
 * is given back. */
static void df_limit(const uint32_t *freq, int n, int limit, uint8_t *len)
{
	uint32_t kraft = 0, one = 1u << limit;

	for (int s = 0; s < n; s++) {
		if (len[s] > limit)
			len[s] = (uint8_t)limit;
		if (len[s])
			kraft += one >> len[s];
	}
	while (kraft > one) {
		int pick = -1;

		for (int s = 0; s < n; s++)
			if (len[s] && len[s] < limit &&
			    (pick < 0 || len[s] > len[pick] ||
			     (len[s] == len[pick] && freq[s] < freq[pick])))
				pick = s;
		kraft -= one >> (len[pick] + 1);
		len[pick]++;
	}
	/* inflaters want complete codes: the deficit is a multiple of the
	 * deepest code's share, so shortening deepest codes (the most frequent
	 * among equals) fills it exactly */
	while (kraft < one) {
		int pick = -1;

		for (int s = 0; s < n; s++)
			if (len[s] > 1 && (pick < 0 || len[s] > len[pick] ||
					   (len[s] == len[pick] && freq[s] > freq[pick])))
				pick = s;
		kraft += one >> len[pick];
		len[pick]--;
	}
}

void df_lengths(const uint32_t *freq, int n, int limit, uint8_t *len)
{
	struct df_node nodes[2 * DF_NLL];
	int parent[2 * DF_NLL];
	uint8_t depth[2 * DF_NLL];
	int used = 0;

	memset(len, 0, (size_t)n);
	for (int s = 0; s < n; s++)
		if (freq[s])
			nodes[used++] = (struct df_node){ freq[s], s };
	/* one code or none: a complete two-code tree of one-bit codes */
	for (int s = 0; used < 2 && s < n; s++)
		if (!freq[s])
			nodes[used++] = (struct df_node){ 0, s };
	util_sort(nodes, (size_t)used, sizeof(nodes[0]), by_freq);
	df_tree(nodes, used, parent, depth);
	for (int x = 0; x < used; x++)
		len[nodes[x].sym] = depth[x];
	df_limit(freq, n, limit, len);
}

void df_codes(const uint8_t *len, int n, uint16_t *code)
{
	uint16_t count[16] = { 0 }, next[16];
	unsigned c = 0;

	for (int s = 0; s < n; s++)
		count[len[s]]++;
	count[0] = 0;
	for (int b = 1; b < 16; b++) {
		c = (c + count[b - 1]) << 1;
		next[b] = (uint16_t)c;
	}
	for (int s = 0; s < n; s++) {
		unsigned v = len[s] ? next[len[s]]++ : 0, r = 0;

		for (int b = 0; b < len[s]; b++)
			r |= ((v >> b) & 1u) << (len[s] - 1 - b);
		code[s] = (uint16_t)r;
	}
}

static const uint16_t len_base[29] = {
	3, 4, 5, 6, 7, 8, 9, 10, 11, 13, 15, 17, 19, 23, 27, 31,
	35, 43, 51, 59, 67, 83, 99, 115, 131, 163, 195, 227, 258
};
static const uint16_t dist_base[30] = {
	1, 2, 3, 4, 5, 7, 9, 13, 17, 25, 33, 49, 65, 97, 129, 193,
	257, 385, 513, 769, 1025, 1537, 2049, 3073, 4097, 6145, 8193, 12289, 16385, 24577
};

/* The last base not above v: its index. */
static int df_base(const uint16_t *base, int n, unsigned v)
{
	int lo = 0, hi = n - 1;

	while (lo < hi) {
		int mid = (lo + hi + 1) / 2;

		if (base[mid] <= v)
			lo = mid;
		else
			hi = mid - 1;
	}
	return lo;
}

int df_len_code(unsigned len, unsigned *extra_bits, unsigned *extra)
{
	int i = df_base(len_base, 29, len);

	/* codes 265..284 carry (i - 4) / 4 extra bits; 258 has its own, none */
	*extra_bits = i < 8 || i == 28 ? 0 : (unsigned)(i - 4) / 4;
	*extra = len - len_base[i];
	return 257 + i;
}

int df_dist_code(unsigned dist, unsigned *extra_bits, unsigned *extra)
{
	int i = df_base(dist_base, 30, dist);

	*extra_bits = i < 4 ? 0 : (unsigned)(i - 2) / 2;
	*extra = dist - dist_base[i];
	return i;
}

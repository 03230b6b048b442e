/* xoshiro256** seeded from getrandom (see include/rawtel/rand.h). */
#include <string.h>
#include <sys/random.h>
#include <time.h>
#include <unistd.h>

#include "rawtel/rand.h"

static uint64_t st[4];
static int seeded;

static uint64_t rotl(uint64_t x, int k)
{
	return (x << k) | (x >> (64 - k));
}

static void seed(void)
{
	if (getrandom(st, sizeof(st), GRND_NONBLOCK) != (ssize_t)sizeof(st)) {
		/* no entropy yet (early boot): time and pid still differ per run */
		struct timespec ts;
		clock_gettime(CLOCK_REALTIME, &ts);
		st[0] = (uint64_t)ts.tv_nsec * 0x9e3779b97f4a7c15ULL;
		st[1] = (uint64_t)ts.tv_sec ^ ((uint64_t)getpid() << 32);
		st[2] = 0x6a09e667f3bcc909ULL;
		st[3] = 0xbb67ae8584caa73bULL;
	}
	if (!(st[0] | st[1] | st[2] | st[3]))
		st[0] = 1;
	seeded = 1;
}

static uint64_t rand_u64(void)
{
	uint64_t r, t;

	if (!seeded)
		seed();
	r = rotl(st[1] * 5, 7) * 9;
	t = st[1] << 17;
	st[2] ^= st[0];
	st[3] ^= st[1];
	st[1] ^= st[2];
	st[0] ^= st[3];
	st[2] ^= t;
	st[3] = rotl(st[3], 45);
	return r;
}

void rand_id(uint8_t *id, int n)
{
	uint64_t any;

	/* whole words copied as words: a copy of a length unknown when
	 * compiled was a `rep movsb` in the static build, whose start-up cost
	 * more than the generator (three per span) */
	do {
		any = 0;
		for (int i = 0; i < n; i += 8) {
			uint64_t r = rand_u64();

			if (n - i >= 8) {
				memcpy(id + i, &r, 8);
				any |= r;
				continue;
			}
			for (int k = 0; k < n - i; k++, r >>= 8) {
				id[i + k] = (uint8_t)r;
				any |= (uint8_t)r;
			}
		}
	} while (!any);
}

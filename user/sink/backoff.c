/* Retry delays: exponential with "equal jitter" so many agents that lost
 * the same collector do not come back in lockstep. */
#include <stdint.h>
#include <sys/random.h>
#include <time.h>
#include <unistd.h>

#include "rawtel/sink_parts.h"

uint64_t backoff_delay_ms(uint32_t attempt, uint32_t initial_ms, uint32_t max_ms,
			  uint32_t rnd)
{
	uint64_t step = initial_ms ? initial_ms : 1;

	for (uint32_t i = 0; i < attempt && step < max_ms; i++)
		step *= 2;
	if (step > max_ms)
		step = max_ms;
	uint64_t half = step / 2;

	return step - half + (half ? rnd % (half + 1) : 0);
}

uint32_t backoff_rand(void)
{
	static uint32_t state;

	if (!state) {
		uint32_t seed = 0;
		struct timespec ts;

		if (getrandom(&seed, sizeof(seed), GRND_NONBLOCK) != sizeof(seed)) {
			clock_gettime(CLOCK_MONOTONIC, &ts);
			seed = (uint32_t)ts.tv_nsec ^ (uint32_t)getpid() << 16;
		}
		state = seed ? seed : 0x9e3779b9u;
	}
	state ^= state << 13;
	state ^= state >> 17;
	state ^= state << 5;
	return state;
}

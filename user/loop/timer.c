/* Timers: a fixed-size min-heap of deadlines behind one timerfd armed with
 * the earliest deadline (absolute, CLOCK_MONOTONIC). */
#include <errno.h>
#include <string.h>
#include <sys/timerfd.h>
#include <time.h>

#include "loop_int.h"
#include "rawtel/err.h"

uint64_t loop_now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000u + (uint64_t)ts.tv_nsec / 1000000u;
}

static int before(const struct loop *l, int a, int b)
{
	return l->timers[l->heap[a]].deadline < l->timers[l->heap[b]].deadline;
}

static void swap(struct loop *l, int a, int b)
{
	int t = l->heap[a];

	l->heap[a] = l->heap[b];
	l->heap[b] = t;
	l->timers[l->heap[a]].heap_pos = a;
	l->timers[l->heap[b]].heap_pos = b;
}

static void sift_up(struct loop *l, int i)
{
	while (i > 0 && before(l, i, (i - 1) / 2)) {
		swap(l, i, (i - 1) / 2);
		i = (i - 1) / 2;
	}
}

static void sift_down(struct loop *l, int i)
{
	for (;;) {
		int c = 2 * i + 1, m = i;

		if (c < l->nheap && before(l, c, m))
			m = c;
		if (c + 1 < l->nheap && before(l, c + 1, m))
			m = c + 1;
		if (m == i)
			return;
		swap(l, i, m);
		i = m;
	}
}

static void heap_remove(struct loop *l, int pos)
{
	int last = --l->nheap;

	if (pos != last) {
		swap(l, pos, last);
		sift_down(l, pos);
		sift_up(l, pos);
	}
}

/* Every loop iteration ends here: when the earliest deadline is the one
 * the timerfd already holds (a ring wakeup, most of them at load), the
 * timerfd_settime is skipped. */
int loop_timer_arm(struct loop *l)
{
	struct itimerspec its;
	uint64_t want = l->nheap ? l->timers[l->heap[0]].deadline + 1 : 0;

	if (want == l->armed)
		return 0;
	memset(&its, 0, sizeof(its));
	if (l->nheap) {
		uint64_t d = want - 1;

		its.it_value.tv_sec = (time_t)(d / 1000);
		its.it_value.tv_nsec = (long)(d % 1000) * 1000000L;
		/* zero would disarm: a deadline at 0 ms is simply due */
		if (!its.it_value.tv_sec && !its.it_value.tv_nsec)
			its.it_value.tv_nsec = 1;
	}
	if (timerfd_settime(l->tfd, TFD_TIMER_ABSTIME, &its, NULL) < 0)
		return err_set(errno, "cannot arm the loop's timerfd: %s",
			       strerror(errno));
	l->armed = want;
	return 0;
}

int loop_timer_add(struct loop *l, uint64_t delay_ms, uint64_t period_ms,
		   loop_timer_fn fn, void *arg)
{
	int slot;

	for (slot = 0; slot < LOOP_MAX_TIMERS; slot++)
		if (!l->timers[slot].id)
			break;
	if (slot == LOOP_MAX_TIMERS)
		return err_set(ENOSPC, "too many timers (%d pending); this is a bug in rawtel",
			       LOOP_MAX_TIMERS);
	if (delay_ms > UINT32_MAX || period_ms > UINT32_MAX)
		return err_set(EINVAL, "timer delay %llu ms / period %llu ms out of range",
			       (unsigned long long)delay_ms,
			       (unsigned long long)period_ms);
	struct loop_timer *t = &l->timers[slot];

	l->timer_gen = (l->timer_gen + 1) % (0x7fffffff / LOOP_MAX_TIMERS);
	t->id = (int)l->timer_gen * LOOP_MAX_TIMERS + slot + 1;
	t->deadline = loop_now_ms() + delay_ms;
	t->period = period_ms;
	t->fn = fn;
	t->arg = arg;
	t->heap_pos = l->nheap;
	l->heap[l->nheap++] = slot;
	sift_up(l, t->heap_pos);
	if (t->heap_pos == 0) {
		int ret = loop_timer_arm(l);

		if (ret < 0) {
			heap_remove(l, t->heap_pos);
			t->id = 0;
			return ret;
		}
	}
	return t->id;
}

int loop_timer_cancel(struct loop *l, int id)
{
	int slot = (id - 1) % LOOP_MAX_TIMERS;

	if (id <= 0 || l->timers[slot].id != id)
		return -ENOENT;
	heap_remove(l, l->timers[slot].heap_pos);
	l->timers[slot].id = 0;
	return 0;
}

int loop_timer_dispatch(struct loop *l)
{
	uint64_t now = loop_now_ms();
	int ran = 0;

	/* Bounded: a periodic timer re-queued behind `now` waits for the next
	 * dispatch, so a tiny period cannot spin here. */
	for (int budget = LOOP_MAX_TIMERS; budget > 0 && l->nheap; budget--) {
		int slot = l->heap[0];
		struct loop_timer *t = &l->timers[slot];

		if (t->deadline > now)
			break;
		loop_timer_fn fn = t->fn;
		void *arg = t->arg;

		if (t->period) {
			t->deadline += t->period;
			if (t->deadline <= now)	/* missed ticks are skipped */
				t->deadline = now + t->period;
			sift_down(l, 0);
		} else {
			heap_remove(l, 0);
			t->id = 0;
		}
		fn(l, arg);
		ran++;
	}
	return ran;
}

/* Internals shared by the files of user/loop/. */
#ifndef RAWTEL_LOOP_INT_H
#define RAWTEL_LOOP_INT_H

#include <signal.h>
#include <stdint.h>

#include "rawtel/loop.h"

struct loop_fd {
	int fd;			/* -1 when the slot is free */
	uint32_t gen;		/* bumped on reuse: stale events are ignored */
	loop_fd_fn fn;
	void *arg;
};

struct loop_timer {
	int id;			/* 0 when the slot is free */
	int heap_pos;
	uint64_t deadline;	/* monotonic ms */
	uint64_t period;
	loop_timer_fn fn;
	void *arg;
};

struct loop {
	int epfd, tfd, efd, sfd;
	int stopped;
	struct loop_fd fds[LOOP_MAX_FDS];
	int fds_hi;		/* slots [0, fds_hi) may be in use */
	struct loop_timer timers[LOOP_MAX_TIMERS];
	int heap[LOOP_MAX_TIMERS];	/* timer slot indices, min-heap on deadline */
	int nheap;
	uint64_t armed;		/* the timerfd's deadline + 1; 0: disarmed (or fired) */
	uint32_t timer_gen;
	loop_signal_fn sig_fn;
	void *sig_arg;
	sigset_t sig_old;	/* mask to restore in loop_free */
};

/* Re-arm the timerfd for the earliest pending timer (user/loop/timer.c),
 * unless it is already set for that deadline. */
int loop_timer_arm(struct loop *l);
/* Run the timers that are due; returns how many ran. */
int loop_timer_dispatch(struct loop *l);

#endif

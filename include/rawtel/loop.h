/* The agent's one event loop (user/loop/): epoll over file descriptors with
 * callbacks, one-shot and periodic timers on CLOCK_MONOTONIC (a bounded
 * min-heap behind one timerfd), a signalfd for the signals the agent
 * handles, and an eventfd with which loop_stop() wakes a blocked wait.
 * Single-threaded: every function must be called from the thread that runs
 * the loop. */
#ifndef RAWTEL_LOOP_H
#define RAWTEL_LOOP_H

#include <stdint.h>

#define LOOP_MAX_FDS 1024	/* registered fds, besides the loop's own */
#define LOOP_MAX_TIMERS 256	/* timers pending at once */

struct loop;

/* `events` are EPOLLIN/EPOLLOUT/EPOLLERR/EPOLLHUP bits as epoll reports. */
typedef void (*loop_fd_fn)(struct loop *l, int fd, uint32_t events, void *arg);
typedef void (*loop_timer_fn)(struct loop *l, void *arg);
typedef void (*loop_signal_fn)(struct loop *l, int signo, void *arg);

/* Create a loop (epoll, timerfd, eventfd). */
int loop_new(struct loop **out);
/* Close the loop's own fds and free it; registered fds are not closed. */
void loop_free(struct loop *l);

/* Watch `fd` for `events` (EPOLLIN, EPOLLOUT); `fn` runs when it is ready. */
int loop_add_fd(struct loop *l, int fd, uint32_t events, loop_fd_fn fn, void *arg);
/* Change the events watched on a registered fd. */
int loop_mod_fd(struct loop *l, int fd, uint32_t events);
/* Stop watching `fd` (call before closing it). Events already collected
 * for it in this iteration are not delivered. */
int loop_del_fd(struct loop *l, int fd);

/* Run `fn` after `delay_ms`, then every `period_ms` if that is non-zero.
 * Returns a timer id (> 0) or -errno. */
int loop_timer_add(struct loop *l, uint64_t delay_ms, uint64_t period_ms,
		   loop_timer_fn fn, void *arg);
/* Cancel a pending timer; -ENOENT when it already fired (one-shot) or was
 * cancelled. A timer may cancel itself from its callback. */
int loop_timer_cancel(struct loop *l, int id);

/* Block `signos` (n of them) in this thread and deliver them through a
 * signalfd to `fn`. One handler set per loop. */
int loop_signals(struct loop *l, const int *signos, int n, loop_signal_fn fn,
		 void *arg);

/* Make loop_run return after the current iteration. */
void loop_stop(struct loop *l);

/* Wait up to `timeout_ms` (-1: no limit, 0: poll) and dispatch what is
 * ready. Returns the number of callbacks run, or -errno. */
int loop_run_once(struct loop *l, int timeout_ms);
/* Dispatch until loop_stop(). Returns 0 or -errno. */
int loop_run(struct loop *l);

/* CLOCK_MONOTONIC in milliseconds. */
uint64_t loop_now_ms(void);

#endif

/* The event loop: epoll with one slot per registered fd. Each epoll entry
 * carries (generation << 32 | slot) so an event collected for an fd that a
 * callback removed in the same iteration is recognised and dropped. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/signalfd.h>
#include <sys/timerfd.h>
#include <unistd.h>

#include "loop_int.h"
#include "rawtel/err.h"

/* epoll tags for the loop's own fds, past every slot index */
enum { TAG_TIMER = LOOP_MAX_FDS, TAG_WAKE, TAG_SIGNAL };

static int watch(struct loop *l, int op, int fd, uint32_t events, uint64_t tag)
{
	struct epoll_event ev;

	memset(&ev, 0, sizeof(ev));
	ev.events = events;
	ev.data.u64 = tag;
	if (epoll_ctl(l->epfd, op, fd, &ev) < 0)
		return err_set(errno, "epoll_ctl(%s, fd %d): %s",
			       op == EPOLL_CTL_ADD ? "add" : "mod", fd,
			       strerror(errno));
	return 0;
}

int loop_new(struct loop **out)
{
	struct loop *l = calloc(1, sizeof(*l));
	int ret;

	if (!l)
		return err_set(ENOMEM, "out of memory for the event loop");
	l->tfd = l->efd = l->sfd = -1;
	for (int i = 0; i < LOOP_MAX_FDS; i++)
		l->fds[i].fd = -1;
	l->epfd = epoll_create1(EPOLL_CLOEXEC);
	if (l->epfd < 0) {
		ret = err_set(errno, "epoll_create1: %s", strerror(errno));
		goto fail;
	}
	l->tfd = timerfd_create(CLOCK_MONOTONIC, TFD_NONBLOCK | TFD_CLOEXEC);
	if (l->tfd < 0) {
		ret = err_set(errno, "timerfd_create: %s", strerror(errno));
		goto fail;
	}
	l->efd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
	if (l->efd < 0) {
		ret = err_set(errno, "eventfd: %s", strerror(errno));
		goto fail;
	}
	ret = watch(l, EPOLL_CTL_ADD, l->tfd, EPOLLIN, TAG_TIMER);
	if (!ret)
		ret = watch(l, EPOLL_CTL_ADD, l->efd, EPOLLIN, TAG_WAKE);
	if (ret)
		goto fail;
	*out = l;
	return 0;
fail:
	loop_free(l);
	return ret;
}

void loop_free(struct loop *l)
{
	if (!l)
		return;
	if (l->sfd >= 0) {
		close(l->sfd);
		sigprocmask(SIG_SETMASK, &l->sig_old, NULL);
	}
	if (l->efd >= 0)
		close(l->efd);
	if (l->tfd >= 0)
		close(l->tfd);
	if (l->epfd >= 0)
		close(l->epfd);
	free(l);
}

static int find_fd(const struct loop *l, int fd)
{
	for (int i = 0; i < l->fds_hi; i++)
		if (l->fds[i].fd == fd)
			return i;
	return -1;
}

static uint64_t fd_tag(const struct loop *l, int slot)
{
	return (uint64_t)l->fds[slot].gen << 32 | (uint32_t)slot;
}

int loop_add_fd(struct loop *l, int fd, uint32_t events, loop_fd_fn fn, void *arg)
{
	int slot;

	if (fd < 0 || !fn)
		return err_set(EINVAL, "loop_add_fd: bad fd %d or no callback", fd);
	if (find_fd(l, fd) >= 0)
		return err_set(EEXIST, "loop_add_fd: fd %d is already watched", fd);
	for (slot = 0; slot < LOOP_MAX_FDS; slot++)
		if (l->fds[slot].fd < 0)
			break;
	if (slot == LOOP_MAX_FDS)
		return err_set(ENOSPC, "too many fds in the event loop (%d)",
			       LOOP_MAX_FDS);
	l->fds[slot].gen++;
	int ret = watch(l, EPOLL_CTL_ADD, fd, events, fd_tag(l, slot));

	if (ret)
		return ret;
	l->fds[slot].fd = fd;
	l->fds[slot].fn = fn;
	l->fds[slot].arg = arg;
	if (slot >= l->fds_hi)
		l->fds_hi = slot + 1;
	return 0;
}

int loop_mod_fd(struct loop *l, int fd, uint32_t events)
{
	int slot = find_fd(l, fd);

	if (slot < 0)
		return err_set(ENOENT, "loop_mod_fd: fd %d is not watched", fd);
	return watch(l, EPOLL_CTL_MOD, fd, events, fd_tag(l, slot));
}

int loop_del_fd(struct loop *l, int fd)
{
	int slot = find_fd(l, fd);

	if (slot < 0)
		return err_set(ENOENT, "loop_del_fd: fd %d is not watched", fd);
	/* may fail harmlessly if the caller already closed fd */
	epoll_ctl(l->epfd, EPOLL_CTL_DEL, fd, NULL);
	l->fds[slot].fd = -1;
	l->fds[slot].gen++;
	while (l->fds_hi > 0 && l->fds[l->fds_hi - 1].fd < 0)
		l->fds_hi--;
	return 0;
}

int loop_signals(struct loop *l, const int *signos, int n, loop_signal_fn fn,
		 void *arg)
{
	sigset_t set;

	if (l->sfd >= 0)
		return err_set(EEXIST, "loop_signals: signals are already handled");
	sigemptyset(&set);
	for (int i = 0; i < n; i++)
		if (sigaddset(&set, signos[i]) < 0)
			return err_set(EINVAL, "loop_signals: bad signal %d", signos[i]);
	if (sigprocmask(SIG_BLOCK, &set, &l->sig_old) < 0)
		return err_set(errno, "sigprocmask: %s", strerror(errno));
	l->sfd = signalfd(-1, &set, SFD_NONBLOCK | SFD_CLOEXEC);
	if (l->sfd < 0) {
		int e = errno;

		sigprocmask(SIG_SETMASK, &l->sig_old, NULL);
		return err_set(e, "signalfd: %s", strerror(e));
	}
	int ret = watch(l, EPOLL_CTL_ADD, l->sfd, EPOLLIN, TAG_SIGNAL);

	if (ret) {
		close(l->sfd);
		l->sfd = -1;
		sigprocmask(SIG_SETMASK, &l->sig_old, NULL);
		return ret;
	}
	l->sig_fn = fn;
	l->sig_arg = arg;
	return 0;
}

/* Make a blocked loop_run/loop_run_once return; async-signal-safe. */
static void loop_wake(struct loop *l)
{
	uint64_t one = 1;
	ssize_t r = write(l->efd, &one, sizeof(one));

	(void)r;	/* EAGAIN: the counter is already non-zero, a wake is pending */
}

void loop_stop(struct loop *l)
{
	l->stopped = 1;
	loop_wake(l);
}

static int dispatch_signals(struct loop *l)
{
	struct signalfd_siginfo si;
	int ran = 0;

	while (read(l->sfd, &si, sizeof(si)) == (ssize_t)sizeof(si)) {
		if (l->sig_fn)
			l->sig_fn(l, (int)si.ssi_signo, l->sig_arg);
		ran++;
	}
	return ran;
}

int loop_run_once(struct loop *l, int timeout_ms)
{
	struct epoll_event evs[64];
	uint64_t junk;
	int n, ran = 0;

	n = epoll_wait(l->epfd, evs, 64, timeout_ms);
	if (n < 0) {
		if (errno == EINTR)
			return 0;
		return err_set(errno, "epoll_wait: %s", strerror(errno));
	}
	for (int i = 0; i < n; i++) {
		uint64_t tag = evs[i].data.u64;
		uint32_t slot = (uint32_t)tag, gen = (uint32_t)(tag >> 32);

		/* one read empties a timerfd or an eventfd (its count): a
		 * second only returned EAGAIN, once per wakeup */
		if (slot == TAG_TIMER) {
			if (read(l->tfd, &junk, sizeof(junk)) > 0)
				l->armed = 0;	/* a one-shot timerfd that fired is disarmed */
			ran += loop_timer_dispatch(l);
		} else if (slot == TAG_WAKE) {
			ssize_t r = read(l->efd, &junk, sizeof(junk));

			(void)r;	/* EAGAIN: nothing left to clear */
		} else if (slot == TAG_SIGNAL) {
			ran += dispatch_signals(l);
		} else if (slot < LOOP_MAX_FDS && l->fds[slot].fd >= 0 &&
			   l->fds[slot].gen == gen) {
			l->fds[slot].fn(l, l->fds[slot].fd, evs[i].events,
					l->fds[slot].arg);
			ran++;
		}
	}
	/* the heap may have changed under callbacks; one re-arm covers it */
	int ret = loop_timer_arm(l);

	return ret < 0 ? ret : ran;
}

int loop_run(struct loop *l)
{
	while (!l->stopped) {
		int ret = loop_run_once(l, -1);

		if (ret < 0)
			return ret;
	}
	l->stopped = 0;	/* the loop can be run again */
	return 0;
}

/* TLS functions in files first seen after rawtel started
 * (user/probes/tls_late.c): a program exec'd later that carries its own
 * OpenSSL (node), a libssl copy no process mapped at start (a container's,
 * or one dlopen'd later). The session opens it once the start-time
 * targets are attached, hands it the records it wants, and closes it. */
#ifndef RAWTEL_TLS_LATE_H
#define RAWTEL_TLS_LATE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct session;

/* After the start-time uprobes are on: remember their files; 0 or -ENOMEM */
int tls_late_open(struct session *s);
/* A record off the ring: true when it was tls_late's own (EV_TLS_EXEC,
 * consumed); a socket record of a process exec'd after start also makes
 * it look at that process's libraries again (once), and is passed on */
bool tls_late_record(struct session *s, const void *rec, size_t len);
/* Before each read of the ring, NOW on the event clock: the libraries
 * of new executables exec'd long enough ago */
void tls_late_tick(struct session *s, uint64_t now);
/* Its uprobes off (session_detach), then everything freed */
void tls_late_detach(struct session *s);
void tls_late_free(struct session *s);
/* The TLS library files probed, at start and later, attached and failed */
void tls_late_libs(const struct session *s, unsigned *attached, unsigned *failed);
/* Target T's return probe (where it has one), then its entry probe, at
 * ATT[*N] and ATT[*N + 1] (room for two needed): 0 and *N moved past
 * them, or -errno (-ENOEXEC: programs missing), with nothing left on
 * (user/probes/session.c) */
struct uprobe_target;
struct attach;
int session_attach_target(struct session *s, struct uprobe_target *t, uint64_t cookie,
			  struct attach *att, int *n);
/* Target I (a TLS function) failed to attach with R, not for its file or
 * process gone: its whole file left out, the attachments of its earlier
 * functions closed, with one line on stderr saying why (counted as a
 * failed library: none of its targets attached); the index of the file's
 * last target, where the session goes on after it */
int tls_file_left_out(struct session *s, int i, int r);

#endif

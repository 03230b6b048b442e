/* A gRPC call's status from its HTTP/2 stream (user/proto/h2_grpc.c):
 * grpc-timeout values, gRPC's HTTP/2 mapping, and the deadline rule that
 * makes a RST_STREAM(CANCEL) seen once the timeout ran out
 * DEADLINE_EXCEEDED, as gRPC's libraries report it; and the recorded
 * deadline call (python3-grpcio: 0.2 s sent as "200m" or "201m"). */
#include "t.h"
#include "t_fmt.h"
#include "test_h2_t.h"

#define MS 1000000ull

static void timeouts(void)
{
	static const struct { const char *v; uint64_t ns; } tab[] = {
		{ "201m", 201 * MS }, { "1S", 1000 * MS }, { "2M", 120000 * MS },
		{ "1H", 3600000 * MS }, { "250u", 250000 }, { "7n", 7 },
		{ "5124095H", 5124095ull * 3600000 * MS }, { "5124096H", UINT64_MAX }, { "0m", 0 },
		/* malformed: no unit, no digits, 9 digits, another unit, a sign */
		{ "200", 0 }, { "m", 0 }, { "", 0 }, { "123456789m", 0 }, { "5s", 0 },
		{ "-5m", 0 }, { "5 m", 0 } };

	for (size_t i = 0; i < sizeof(tab) / sizeof(tab[0]); i++)
		T_CHECKF(h2_grpc_timeout(tab[i].v, strlen(tab[i].v)) == tab[i].ns, "%s", tab[i].v);
}

static struct h2_exchange call(uint32_t flags, uint32_t code, uint16_t status, uint64_t ms)
{
	struct h2_exchange x;

	memset(&x, 0, sizeof(x));
	x.flags = flags | H2_X_GRPC;
	x.error_code = code;
	x.status = status;
	x.grpc_status = -1;
	x.start_ns = 5000 * MS;
	x.end_ns = x.start_ns + ms * MS;
	return x;
}

static void mapping(void)
{
	struct h2_exchange x = call(0, 0, 200, 3);

	x.grpc_status = 5;
	T_EQ_INT(h2_grpc_status(&x), 5);
	x.flags |= H2_X_RESET;		/* grpc-status wins over a later reset */
	x.error_code = 8;
	T_EQ_INT(h2_grpc_status(&x), 5);
	x = call(H2_X_UNKNOWN_FIELDS | H2_X_RESET, 8, 0, 3);
	T_EQ_INT(h2_grpc_status(&x), -1);	/* it may have been in the lost block */
	x = call(H2_X_GOAWAY, 0, 0, 3);
	T_EQ_INT(h2_grpc_status(&x), 14);
	x = call(H2_X_RESET, 7, 0, 3);		/* REFUSED_STREAM */
	T_EQ_INT(h2_grpc_status(&x), 14);
	x = call(H2_X_RESET, 5, 0, 3);		/* STREAM_CLOSED: no mapping */
	T_EQ_INT(h2_grpc_status(&x), -1);
	x = call(H2_X_RESET, 11, 0, 3);
	T_EQ_INT(h2_grpc_status(&x), 8);
	x = call(H2_X_RESET, 99, 0, 3);
	T_EQ_INT(h2_grpc_status(&x), 13);
	x = call(0, 0, 404, 3);
	T_EQ_INT(h2_grpc_status(&x), 12);
	x = call(0, 0, 200, 3);			/* ended without grpc-status */
	T_EQ_INT(h2_grpc_status(&x), 2);
	x = call(H2_X_RESP_OPEN, 0, 200, 3);
	T_EQ_INT(h2_grpc_status(&x), -1);
	x = call(0, 0, 0, 3);
	T_EQ_INT(h2_grpc_status(&x), -1);
}

/* CANCEL: CANCELLED before the deadline, DEADLINE_EXCEEDED from the
 * timeout less the slack (201 ms: 1 ms + 201/64 ms, from 196.86 ms) */
static void deadline(void)
{
	static const struct { uint64_t timeout, ms; int want; } tab[] = {
		{ 0, 500, 1 }, { 201 * MS, 3, 1 }, { 201 * MS, 196, 1 }, { 201 * MS, 197, 4 },
		{ 201 * MS, 201, 4 }, { 201 * MS, 5000, 4 }, { 10 * 1000 * MS, 9800, 1 },
		{ 10 * 1000 * MS, 9900, 4 } };

	for (size_t i = 0; i < sizeof(tab) / sizeof(tab[0]); i++) {
		struct h2_exchange x = call(H2_X_RESET | H2_X_NO_RESPONSE, 8, 0, tab[i].ms);

		x.grpc_timeout_ns = tab[i].timeout;
		T_CHECKF(h2_grpc_status(&x) == tab[i].want, "#%zu: %d", i, h2_grpc_status(&x));
	}
	/* an end before the start (clocks of two CPUs) is no deadline */
	{
		struct h2_exchange x = call(H2_X_RESET, 8, 0, 0);

		x.grpc_timeout_ns = 201 * MS;
		x.end_ns = x.start_ns - 1;
		T_EQ_INT(h2_grpc_status(&x), 1);
	}
}

/* The recordings: the client's reset came first in grpc_calls.txt (the
 * fed times are 1 ns apart: long before the deadline), the server's
 * DEADLINE_EXCEEDED in grpc_deadline.txt */
static void recorded(void)
{
	static const struct { const char *file; uint64_t timeout; int want; } tab[] = {
		{ "tests/fixtures/h2/grpc_calls.txt", 200 * MS, 1 },
		{ "tests/fixtures/h2/grpc_deadline.txt", 201 * MS, 4 } };
	static struct conv cv;
	static struct xlines l;

	for (size_t i = 0; i < sizeof(tab) / sizeof(tab[0]); i++) {
		T_ASSERTF(!conv_load(&cv, tab[i].file), "cannot read %s (run from the top)", tab[i].file);
		for (int role = 0; role < 2; role++) {
			conv_run(&cv, (enum proto_role)role, SIZE_MAX, 0, 0, &l);
			T_ASSERTF(l.n == 4, "%s: %d calls", tab[i].file, l.n);
			for (int k = 0; k < 3; k++)
				T_CHECKF(l.x[k].grpc_timeout_ns == 0, "%s #%d", tab[i].file, k);
			T_CHECKF(l.x[3].grpc_timeout_ns == tab[i].timeout, "%s: %llu", tab[i].file,
				 (unsigned long long)l.x[3].grpc_timeout_ns);
			T_CHECKF(h2_grpc_status(&l.x[3]) == tab[i].want, "%s role %d: %d", tab[i].file,
				 role, h2_grpc_status(&l.x[3]));
		}
		for (int k = 0; k < cv.n; k++)
			free(cv.r[k].b);
	}
}

int main(void)
{
	T_RUN(timeouts);
	T_RUN(mapping);
	T_RUN(deadline);
	T_RUN(recorded);
	return t_done();
}

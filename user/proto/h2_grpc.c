/* The status of a gRPC call from what its HTTP/2 stream showed (rawtel/h2.h
 * h2_grpc_status): grpc-status when it was seen, else gRPC's HTTP/2
 * mapping (PROTOCOL-HTTP2.md, "Errors") of a refusing GOAWAY, a RST_STREAM
 * code or the HTTP status; and the request's grpc-timeout, which tells a
 * deadline from a cancel.
 *
 * RST_STREAM(CANCEL) ends a call both when the client's library gives up
 * at the deadline and when the application cancels: the wire is the same.
 * gRPC's own implementations tell them apart by the clock (the C core's
 * status conversion maps CANCEL to CANCELLED only while the deadline has
 * not passed; grpc-go turns such a cancel into DEADLINE_EXCEEDED), so a
 * reset seen once the grpc-timeout has run out since the request is
 * DEADLINE_EXCEEDED here too. Which comes first at a deadline, the
 * client's reset or the server's trailers, is a race; this rule gives
 * both sides the same answer whichever wins. The timeout is measured from
 * the request's first syscall on this side, less H2_DEADLINE_SLACK: an
 * encoder rounds the timeout up to its unit (grpc-core writes 0.2 s as
 * "201m"), and the deadline began before the request was written. */
#include "h2_int.h"

/* grpc-timeout (1 to 8 digits, then H M S m u n) in ns, saturated (8
 * digits of hours do not fit); 0 when malformed */
uint64_t h2_grpc_timeout(const char *v, size_t n)
{
	static const struct { char unit; uint64_t ns; } units[] = {
		{ 'H', 3600000000000ull }, { 'M', 60000000000ull }, { 'S', 1000000000ull },
		{ 'm', 1000000ull }, { 'u', 1000ull }, { 'n', 1ull } };
	uint64_t t = 0;

	if (n < 2 || n > 9)
		return 0;
	for (size_t i = 0; i + 1 < n; i++) {
		if (v[i] < '0' || v[i] > '9')
			return 0;
		t = t * 10 + (uint64_t)(v[i] - '0');
	}
	for (size_t i = 0; i < sizeof(units) / sizeof(units[0]); i++)
		if (v[n - 1] == units[i].unit)
			return t > UINT64_MAX / units[i].ns ? UINT64_MAX : t * units[i].ns;
	return 0;
}

/* RST_STREAM(CANCEL) on a call whose grpc-timeout had run out */
static int past_deadline(const struct h2_exchange *x)
{
	uint64_t t = x->grpc_timeout_ns;

	return t && x->end_ns >= x->start_ns && x->end_ns - x->start_ns + H2_DEADLINE_SLACK(t) >= t;
}

static int from_reset(const struct h2_exchange *x)
{
	/* by RST_STREAM code (RFC 9113 7): INTERNAL but STREAM_CLOSED
	 * (none), REFUSED_STREAM (UNAVAILABLE), CANCEL (CANCELLED),
	 * ENHANCE_YOUR_CALM (RESOURCE_EXHAUSTED), INADEQUATE_SECURITY
	 * (PERMISSION_DENIED) */
	static const int8_t rst[14] = { 13, 13, 13, 13, 13, -1, 13, 14, 1, 13, 13, 8, 7, 13 };

	if (x->error_code == 8 && past_deadline(x))
		return 4;
	return x->error_code < 14 ? rst[x->error_code] : 13;
}

int h2_grpc_status(const struct h2_exchange *x)
{
	if (x->grpc_status >= 0)
		return x->grpc_status;
	if (x->flags & (H2_X_UNKNOWN_FIELDS | H2_X_HEADERS_LOST))
		return -1;
	if (x->flags & H2_X_GOAWAY)
		return 14;
	if (x->flags & H2_X_RESET)
		return from_reset(x);
	switch (x->status) {
	case 0:
		return -1;
	case 400:
		return 13;
	case 401:
		return 16;
	case 403:
		return 7;
	case 404:
		return 12;
	case 429: case 502: case 503: case 504:
		return 14;
	default:
		/* a response that ended without grpc-status */
		return x->flags & H2_X_RESP_OPEN ? -1 : 2;
	}
}

const char *h2_grpc_name(int code)
{
	static const char *const names[17] = { "OK", "CANCELLED", "UNKNOWN", "INVALID_ARGUMENT",
		"DEADLINE_EXCEEDED", "NOT_FOUND", "ALREADY_EXISTS", "PERMISSION_DENIED",
		"RESOURCE_EXHAUSTED", "FAILED_PRECONDITION", "ABORTED", "OUT_OF_RANGE",
		"UNIMPLEMENTED", "INTERNAL", "UNAVAILABLE", "DATA_LOSS", "UNAUTHENTICATED" };

	return code >= 0 && code < 17 ? names[code] : NULL;
}

const char *h2_error_name(uint32_t code)
{
	static const char *const names[14] = { "NO_ERROR", "PROTOCOL_ERROR", "INTERNAL_ERROR",
		"FLOW_CONTROL_ERROR", "SETTINGS_TIMEOUT", "STREAM_CLOSED", "FRAME_SIZE_ERROR",
		"REFUSED_STREAM", "CANCEL", "COMPRESSION_ERROR", "CONNECT_ERROR",
		"ENHANCE_YOUR_CALM", "INADEQUATE_SECURITY", "HTTP_1_1_REQUIRED" };

	return code < 14 ? names[code] : NULL;
}

/* Fixture scripts: each is a connection's syscalls (f_NAME) followed by
 * the exchanges it must give (w_NAME), one line each in http1_t.h's x_fmt,
 * so a script and what it must give are read together. */
#define N(a) (sizeof(a) / sizeof((a)[0]))

struct fixture {
	const char *name;
	const struct step *steps;
	size_t n;
	const char *const *want;
	int done;		/* http1_conn_state at the end is HTTP1_DONE */
};
#define FIX(nm, st, w, d) { nm, st, sizeof(st) / sizeof(struct step), w, d }
/* the response most fixtures answer with: 38 bytes, no body */
#define OK_EMPTY "HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n"

static const struct step f_get[] = {
	{ 'q', "GET /index.html HTTP/1.1\r\nHost: example.com\r\nUser-Agent: curl/8.5.0\r\nAccept: */*\r\n\r\n" },
	{ 'r', "HTTP/1.1 200 OK\r\nContent-Length: 5\r\nContent-Type: text/plain\r\n\r\nhello" },
};
static const char *const w_get[] = {
	"GET /index.html 200 1/1 host=example.com ua=curl/8.5.0 req=84/0 resp=69/5 cl=-1/5 t=1,1,2,2",
	NULL
};
static const struct step f_keepalive[] = {
	{ 'q', "GET /a HTTP/1.1\r\nHost: h\r\n\r\n" },
	{ 'r', "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok" },
	{ 'q', "POST /b?x=1&y=2 HTTP/1.1\r\nHost: h\r\nContent-Length: 11\r\n\r\nhello world" },
	{ 'r', "HTTP/1.1 201 Created\r\nContent-Length: 0\r\n\r\n" },
	{ 'q', "DELETE /c/42 HTTP/1.1\r\nHost: h\r\n\r\n" },
	{ 'r', "HTTP/1.1 404 Not Found\r\nTransfer-Encoding: chunked\r\n\r\n4\r\nnope\r\n0\r\n\r\n" },
};
static const char *const w_keepalive[] = {
	"GET /a 200 1/1 host=h ua= req=28/0 resp=40/2 cl=-1/2 t=1,1,2,2",
	"POST /b?x=REDACTED&y=REDACTED 201 1/1 host=h ua= req=68/11 resp=43/0 cl=11/0 t=3,3,4,4",
	"DELETE /c/42 404 1/1 host=h ua= req=34/0 resp=68/14 cl=-1/-1 t=5,5,6,6",
	NULL
};
static const struct step f_chunked[] = {
	{ 'q', "POST /up HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\n"
	       "5;ext=1;q=\"a b\"\r\nhello\r\nA \r\n0123456789\r\n0\r\nX-Sum: 9\r\n\r\n" },
	{ 'r', "HTTP/1.1 200 OK\r\nTransfer-Encoding: gzip, chunked\r\n\r\n"
	       "1a\r\nabcdefghijklmnopqrstuvwxyz\r\nFf\r\n" },
	{ 'r', "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"
	       "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx\r\n" },
	{ 'r', "0\r\n\r\n" },
};
static const char *const w_chunked[] = {
	"POST /up 200 1/1 host=h ua= req=113/55 resp=350/297 cl=-1/-1 t=1,1,2,4",
	NULL
};
static const struct step f_pipeline[] = {
	{ 'q', "GET /1 HTTP/1.1\r\nHost: h\r\n\r\nGET /2 HTTP/1.1\r\nHost: h\r\n\r\nHEAD /3 HTTP/1.1\r\nHost: h\r\n\r\n" },
	{ 'r', "HTTP/1.1 200 OK\r\nContent-Length: 1\r\n\r\n1HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\n22" },
	{ 'r', "HTTP/1.1 200 OK\r\nContent-Length: 3\r\n\r\n" },
};
static const char *const w_pipeline[] = {
	"GET /1 200 1/1 host=h ua= req=28/0 resp=39/1 cl=-1/1 t=1,1,2,2",
	"GET /2 200 1/1 host=h ua= req=28/0 resp=40/2 cl=-1/2 t=1,1,2,2",
	"HEAD /3 200 1/1 host=h ua= req=29/0 resp=38/0 cl=-1/3 t=1,1,3,3",
	NULL
};
static const struct step f_continue[] = {
	{ 'q', "PUT /f HTTP/1.1\r\nHost: h\r\nExpect: 100-continue\r\nContent-Length: 4\r\n\r\n" },
	{ 'r', "HTTP/1.1 100 Continue\r\n\r\n" },
	{ 'q', "data" },
	{ 'r', "HTTP/1.1 204 No Content\r\n\r\n" },
};
static const char *const w_continue[] = {
	"PUT /f 204 1/1 host=h ua= req=73/4 resp=27/0 cl=4/-1 t=1,3,2,4 INTERIM",
	NULL
};
static const struct step f_head[] = {
	{ 'q', "HEAD /big HTTP/1.1\r\nHost: h\r\n\r\n" },
	{ 'r', "HTTP/1.1 200 OK\r\nContent-Length: 1000000\r\n\r\n" },
	{ 'q', "GET /small HTTP/1.1\r\nHost: h\r\n\r\n" },
	{ 'r', "HTTP/1.1 200 OK\r\nContent-Length: 3\r\n\r\nabc" },
};
static const char *const w_head[] = {
	"HEAD /big 200 1/1 host=h ua= req=31/0 resp=44/0 cl=-1/1000000 t=1,1,2,2",
	"GET /small 200 1/1 host=h ua= req=32/0 resp=41/3 cl=-1/3 t=3,3,4,4",
	NULL
};
static const struct step f_204_304[] = {
	{ 'q', "GET /nc HTTP/1.1\r\n\r\n" },
	{ 'r', "HTTP/1.1 204 No Content\r\nContent-Length: 10\r\n\r\n" },
	{ 'q', "GET /cached HTTP/1.1\r\nIf-None-Match: \"x\"\r\n\r\n" },
	{ 'r', "HTTP/1.1 304 Not Modified\r\nContent-Length: 500\r\nTransfer-Encoding: chunked\r\n\r\n" },
	{ 'q', "GET /after HTTP/1.1\r\n\r\n" },
	{ 'r', OK_EMPTY },
};
static const char *const w_204_304[] = {
	"GET /nc 204 1/1 host= ua= req=20/0 resp=47/0 cl=-1/10 t=1,1,2,2",
	"GET /cached 304 1/1 host= ua= req=44/0 resp=78/0 cl=-1/500 t=3,3,4,4",
	"GET /after 200 1/1 host= ua= req=23/0 resp=38/0 cl=-1/0 t=5,5,6,6",
	NULL
};
static const struct step f_http10[] = {
	{ 'q', "GET /old HTTP/1.0\r\nUser-Agent: Wget/1.21\r\n\r\n" },
	{ 'r', "HTTP/1.0 200 OK\r\nServer: x\r\n\r\n" },
	{ 'r', "all of this until the close" },
	{ 'r', "and more" },
	{ 'c' },
};
static const char *const w_http10[] = {
	"GET /old 200 0/0 host= ua=Wget/1.21 req=44/0 resp=65/35 cl=-1/-1 t=1,1,2,4 CLOSE_DELIM",
	NULL
};
static const struct step f_connect[] = {
	{ 'q', "CONNECT example.com:443 HTTP/1.1\r\nHost: example.com:443\r\n\r\n" },
	{ 'r', "HTTP/1.1 200 Connection Established\r\n\r\n" },
	{ 'q', "\x16\x03\x01\x02\x00\x01\x00\x01\xfc\x03\x03", 11 },
};
static const char *const w_connect[] = {
	"CONNECT example.com:443 200 1/1 host=example.com:443 ua= req=59/0 resp=39/0 cl=-1/-1 t=1,1,2,2 UPGRADED",
	NULL
};
static const struct step f_ws[] = {
	{ 'q', "GET /chat HTTP/1.1\r\nHost: h\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n\r\n" },
	{ 'r', "HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\n\r\n\x81\x05hello" },
};
static const char *const w_ws[] = {
	"GET /chat 101 1/1 host=h ua= req=72/0 resp=56/0 cl=-1/-1 t=1,1,2,2 UPGRADED",
	NULL
};
static const struct step f_other_method[] = {
	{ 'q', "PROPFIND /dav/ HTTP/1.1\r\nHost: h\r\nDepth: 1\r\nContent-Length: 0\r\n\r\n" },
	{ 'r', "HTTP/1.1 207 Multi-Status\r\nContent-Length: 0\r\n\r\n" },
	{ 'q', "QUERY /q HTTP/1.1\r\nContent-Length: 2\r\n\r\n{}" },
	{ 'r', OK_EMPTY },
};
static const char *const w_other_method[] = {
	"PROPFIND /dav/ 207 1/1 host=h ua= req=65/0 resp=48/0 cl=0/0 t=1,1,2,2 OTHER",
	"QUERY /q 200 1/1 host= ua= req=42/2 resp=38/0 cl=2/0 t=3,3,4,4",
	NULL
};
static const struct step f_trace[] = {
	{ 'q', "GET /t HTTP/1.1\r\nTraceParent: 00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01\r\n"
	       "tracestate: rojo=00f067aa0ba902b7\r\ntracestate:\r\nTRACESTATE:  congo=t61rcWkgMzE \t\r\n\r\n" },
	{ 'r', "HTTP/1.1 500 Internal Server Error\r\nContent-Length: 0\r\n\r\n" },
	{ 'q', "GET /t2 HTTP/1.1\r\ntraceparent: 00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01\r\n"
	       "traceparent: 00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01\r\n\r\n" },
	{ 'r', OK_EMPTY },
};
static const char *const w_trace[] = {
	"GET /t 500 1/1 host= ua= req=171/0 resp=57/0 cl=-1/0 t=1,1,2,2 tp=00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01 ts=rojo=00f067aa0ba902b7,congo=t61rcWkgMzE",
	"GET /t2 200 1/1 host= ua= req=160/0 resp=38/0 cl=-1/0 t=3,3,4,4 tp=invalid",
	NULL
};
static const struct step f_absolute[] = {
	{ 'q', "GET http://Example.COM:8080/p/q?s=1 HTTP/1.1\r\nHost: other\r\n\r\n" },
	{ 'r', OK_EMPTY },
	{ 'q', "OPTIONS * HTTP/1.1\r\nHost: h\r\n\r\n" },
	{ 'r', OK_EMPTY },
	{ 'q', "GET https://h2 HTTP/1.1\r\n\r\n" },
	{ 'r', OK_EMPTY },
};
static const char *const w_absolute[] = {
	"GET /p/q?s=REDACTED 200 1/1 host=Example.COM:8080 ua= req=61/0 resp=38/0 cl=-1/0 t=1,1,2,2",
	"OPTIONS * 200 1/1 host=h ua= req=31/0 resp=38/0 cl=-1/0 t=3,3,4,4",
	"GET / 200 1/1 host=h2 ua= req=27/0 resp=38/0 cl=-1/0 t=5,5,6,6",
	NULL
};
static const struct step f_lf_only[] = {
	{ 'q', "\r\nGET /lf HTTP/1.1\nHost: h\n\n" },
	{ 'r', "HTTP/1.1 200\nContent-Length: 1\n\nx" },
	{ 'q', "GET /fold HTTP/1.1\r\nUser-Agent: a\r\n b\r\nHost: \t h \t \r\n\r\n" },
	{ 'r', "HTTP/1.1 200 \r\nContent-Length: 1, 1\r\n\r\ny" },
};
static const char *const w_lf_only[] = {
	"GET /lf 200 1/1 host=h ua= req=26/0 resp=33/1 cl=-1/1 t=1,1,2,2",
	"GET /fold 200 1/1 host=h ua=a req=55/0 resp=40/1 cl=-1/1 t=3,3,4,4",
	NULL
};
static const struct step f_close_pending[] = {
	{ 'q', "GET /slow HTTP/1.1\r\nHost: h\r\n\r\nGET /slow2 HTTP/1.1\r\nHost: h\r\n\r\n" },
	{ 'r', "HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\n01234" },
	{ 'c', .ts = 9 },
};
static const char *const w_close_pending[] = {
	"GET /slow 200 1/1 host=h ua= req=31/0 resp=44/5 cl=-1/10 t=1,1,2,2 RESP_SIZE? ABORTED",
	"GET /slow2 0 1/-1 host=h ua= req=32/0 resp=0/0 cl=-1/-1 t=1,1,0,9 NO_RESPONSE",
	NULL
};
static const struct step f_noreq[] = {
	{ 'r', "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok" },
	{ 'q', "GET /x HTTP/1.1\r\n\r\n" },
	{ 'r', "HTTP/1.1 304 Not Modified\r\n\r\n" },
};
static const char *const w_noreq[] = {
	"-  200 -1/1 host= ua= req=0/0 resp=40/2 cl=-1/2 t=1,0,1,1 NO_REQUEST",
	"GET /x 304 1/1 host= ua= req=19/0 resp=29/0 cl=-1/-1 t=2,2,3,3",
	NULL
};
static const struct step f_pipeline_overflow[] = {
	{ 'q', "GET /1 HTTP/1.1\r\n\r\nGET /2 HTTP/1.1\r\n\r\nGET /3 HTTP/1.1\r\n\r\n"
	       "GET /4 HTTP/1.1\r\n\r\nGET /5 HTTP/1.1\r\n\r\nGET /6 HTTP/1.1\r\n\r\n" },
	{ 'r', "HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\nHTTP/1.1 201 OK\r\nContent-Length: 0\r\n\r\n"
	       "HTTP/1.1 202 OK\r\nContent-Length: 0\r\n\r\nHTTP/1.1 203 OK\r\nContent-Length: 0\r\n\r\n" },
	{ 'q', "GET /7 HTTP/1.1\r\n\r\n" },
	{ 'r', "HTTP/1.1 204 OK\r\n\r\nHTTP/1.1 205 OK\r\nContent-Length: 0\r\n\r\nHTTP/1.1 206 OK\r\nContent-Length: 0\r\n\r\n" },
};
static const char *const w_pipeline_overflow[] = {
	"GET /1 200 1/1 host= ua= req=19/0 resp=38/0 cl=-1/0 t=1,1,2,2",
	"GET /2 201 1/1 host= ua= req=19/0 resp=38/0 cl=-1/0 t=1,1,2,2",
	"GET /3 202 1/1 host= ua= req=19/0 resp=38/0 cl=-1/0 t=1,1,2,2",
	"GET /4 203 1/1 host= ua= req=19/0 resp=38/0 cl=-1/0 t=1,1,2,2",
	"-  204 -1/1 host= ua= req=0/0 resp=19/0 cl=-1/-1 t=4,0,4,4 NO_REQUEST",
	"-  205 -1/1 host= ua= req=0/0 resp=38/0 cl=-1/0 t=4,0,4,4 NO_REQUEST",
	"GET /7 206 1/1 host= ua= req=19/0 resp=38/0 cl=-1/0 t=3,3,4,4",
	NULL
};
static const struct step f_interim_103[] = {
	{ 'q', "GET /early HTTP/1.1\r\n\r\n" },
	{ 'r', "HTTP/1.1 103 Early Hints\r\nLink: </s.css>; rel=preload\r\n\r\n" },
	{ 'r', "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nhi" },
};
static const char *const w_interim_103[] = {
	"GET /early 200 1/1 host= ua= req=23/0 resp=40/2 cl=-1/2 t=1,1,2,3 INTERIM",
	NULL
};

static const struct fixture fixtures[] = {
	FIX("get", f_get, w_get, 0),
	FIX("keepalive", f_keepalive, w_keepalive, 0),
	FIX("chunked", f_chunked, w_chunked, 0),
	FIX("pipeline", f_pipeline, w_pipeline, 0),
	FIX("continue", f_continue, w_continue, 0),
	FIX("head", f_head, w_head, 0),
	FIX("204_304", f_204_304, w_204_304, 0),
	FIX("http10", f_http10, w_http10, 1),
	FIX("connect", f_connect, w_connect, 1),
	FIX("websocket", f_ws, w_ws, 1),
	FIX("other_method", f_other_method, w_other_method, 0),
	FIX("traceparent", f_trace, w_trace, 0),
	FIX("absolute", f_absolute, w_absolute, 0),
	FIX("lf_only_fold", f_lf_only, w_lf_only, 0),
	FIX("close_pending", f_close_pending, w_close_pending, 1),
	FIX("no_request", f_noreq, w_noreq, 0),
	FIX("pipeline_overflow", f_pipeline_overflow, w_pipeline_overflow, 0),
	FIX("interim_103", f_interim_103, w_interim_103, 0),
};

/* TLS handshakes in rawtel run: the facts the connection layer read from
 * the wire (rawtel/tls_hello.h) become tls.* attributes of the
 * connection's spans (HTTP, HTTP/2, gRPC, databases) and a point of the
 * rawtel.tls.handshake.duration histogram (no semantic convention has
 * one), for every TLS connection, also those whose plaintext no probe
 * reads (the histogram then is all there is).
 *
 * Attributes (the semantic conventions' tls registry): tls.protocol.name
 * "tls", tls.protocol.version, tls.cipher (IANA name), tls.next_protocol
 * (the ALPN protocol: the ServerHello's in TLS <= 1.2; in TLS 1.3 it is
 * encrypted, so it is the one the plaintext spoke when the client offered
 * it, else not set), tls.resumed (when known), tls.established; the SNI as
 * rawtel.tls.server_name (the conventions retired tls.client.server_name
 * for server.address, which HTTP spans take from the Host header).
 *
 * Facts are kept in a direct-mapped table by connection (bounded: a
 * connection pushed out loses its attributes, never gains another's). */
#include <stdlib.h>
#include <string.h>

#include "agent_int.h"
#include "http.h"
#include "rawtel/tls.h"
#include "rawtel/tls_hello.h"

#define ATLS_SLOTS 4096		/* power of two */

struct atls_slot {
	uint64_t conn;
	uint32_t pid;
	struct tls_facts f;
	char cipher[TLS_CIPHER_STR];
};

struct atls {
	struct atls_slot s[ATLS_SLOTS];
};

static struct atls_slot *slot(struct atls *t, uint64_t conn)
{
	return &t->s[(conn * 0x9e3779b97f4a7c15ULL) >> 40 & (ATLS_SLOTS - 1)];
}

static void record(struct ahttp_state *h, struct ahttp_proc *p, const struct tls_facts *f)
{
	struct agent *a = h->a;
	struct otlp_kv kv[3];
	const char *v = tls_version_str(f->version);
	uint32_t n = 0;
	char comm[17];
	int res;

	if (!(f->flags & TLS_F_ESTABLISHED) || !f->start_ns)
		return;
	kv[n++] = otlp_kv_str("tls.protocol.name", "tls");
	if (v)
		kv[n++] = otlp_kv_str("tls.protocol.version", v);
	if (f->flags & TLS_F_RESUMED_KNOWN)
		kv[n++] = otlp_kv_bool("tls.resumed", !!(f->flags & TLS_F_RESUMED));
	pfmt_comm(comm, p->comm);
	res = agent_proc_agg(a, procs_get(&a->procs, p->pid, comm));
	if (res >= 0)
		otlp_agg_record_double(a->agg, res, a->inst[INST_TLS_HANDSHAKE], kv, n,
				       (double)(f->end_ns - f->start_ns) / 1e9);
}

void atls_on_tls(void *arg, uint64_t id, const struct tls_facts *f)
{
	struct ahttp_state *h = arg;
	struct atls_slot *s;

	if (!h->cur || h->quiet)
		return;
	h->ev[f->flags & TLS_F_ESTABLISHED ? HEV_TLS_HANDSHAKE : HEV_TLS_UNFINISHED]++;
	record(h, h->cur, f);
	if (!h->tls && !(h->tls = calloc(1, sizeof(*h->tls))))
		return;
	s = slot(h->tls, id);
	s->conn = id;
	s->pid = h->cur->pid;
	s->f = *f;
	tls_cipher_str(f->cipher, s->cipher);
}

/* TLS 1.3's ALPN from the protocol spoken, if the client offered it */
static const char *alpn_of(const struct tls_facts *f, enum proto_id proto)
{
	const char *want = proto == PROTO_HTTP2 ? "h2" : proto == PROTO_HTTP1 ? "http/1.1" : NULL;
	size_t n = want ? strlen(want) : 0;

	if (f->alpn[0] || f->version != 0x0304)
		return f->alpn[0] ? f->alpn : NULL;
	for (const char *o = f->offered; want && *o;) {
		const char *e = strchr(o, ',');
		size_t k = e ? (size_t)(e - o) : strlen(o);

		if (k == n && !memcmp(o, want, n))
			return want;
		o += k + (e ? 1 : 0);
	}
	return NULL;
}

uint32_t atls_attrs(const struct ahttp_state *h, uint32_t pid, uint64_t conn,
		    enum proto_id proto, struct otlp_kv *kv, uint32_t n, uint32_t max)
{
	const struct atls_slot *s = h->tls ? slot(h->tls, conn) : NULL;
	const struct tls_facts *f;
	const char *v, *alpn;

	/* plaintext no connection was proven for: no handshake facts either
	 * (they are the ciphertext's connection's) */
	if (conn & TLS_SSL_ID) {
		if (n < max)
			kv[n++] = otlp_kv_str("rawtel.tls.binding", "unproven");
		return n;
	}
	if (!s || s->conn != conn || s->pid != pid || n + 7 > max)
		return n;
	f = &s->f;
	kv[n++] = otlp_kv_str("tls.protocol.name", "tls");
	if ((v = tls_version_str(f->version)))
		kv[n++] = otlp_kv_str("tls.protocol.version", v);
	if (f->cipher)
		kv[n++] = otlp_kv_str("tls.cipher", s->cipher);
	if ((alpn = alpn_of(f, proto)))
		kv[n++] = otlp_kv_str("tls.next_protocol", alpn);
	if (f->flags & TLS_F_RESUMED_KNOWN)
		kv[n++] = otlp_kv_bool("tls.resumed", !!(f->flags & TLS_F_RESUMED));
	kv[n++] = otlp_kv_bool("tls.established", !!(f->flags & TLS_F_ESTABLISHED));
	if (f->sni[0])
		kv[n++] = otlp_kv_str("rawtel.tls.server_name", f->sni);
	return n;
}

void atls_free(struct ahttp_state *h)
{
	free(h->tls);
	h->tls = NULL;
}

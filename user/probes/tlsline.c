/* rawtel trace tls: one line per TLS library call that moved plaintext
 * (SSL_read/SSL_write and their _ex forms, gnutls_record_recv/send) and
 * one per handshake read from the wire (any TLS connection, whatever its
 * library: rawtel/tls_hello.h). The records are the http probe's (one
 * capture, user/probes/htline.c, which calls these).
 *
 * A call's line: the library and function, the bytes, the call's latency,
 * the connection the kernel bound it to ("-" when none could be proven: a
 * memory BIO, say; never a guessed one), its peer and the server name its
 * handshake sent. The plaintext itself only with --data (escaped, at most
 * the captured bytes); rawtel never exports it. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "rawtel/fmt.h"
#include "rawtel/probes.h"
#include "rawtel/tls_hello.h"
#include "rawtel/util.h"

#define TL_SNI 1024		/* server names remembered (direct-mapped) */

/* On the heap at the first handshake (270 KB): in .bss it pushed the
 * static aarch64 image past the 1 MB its tiny code model can address */
static struct sni_slot {
	uint64_t conn;
	char sni[TLS_SNI_MAX];
} *sni_of;

static unsigned slot(uint64_t conn)
{
	return (unsigned)((conn * 0x9e3779b97f4a7c15ULL) >> 54) & (TL_SNI - 1);
}

static const char *sni_get(uint64_t conn)
{
	unsigned i = slot(conn);

	return conn && sni_of && sni_of[i].conn == conn ? sni_of[i].sni : "";
}

static void kv_s(const struct probe_out *o, const char *k, const char *v)
{
	fmt_fprintf(o->f, o->json ? ",\"%s\":" : " %s=", k);
	if (o->json)
		pfmt_json_str(o->f, v, TLS_SNI_MAX);
	else
		fputs(v[0] ? v : "-", o->f);
}

void tlsline_header(const struct probe_out *o)
{
	fmt_fprintf(o->f, "%-12s %-7s %-16s %-9s %-18s %8s %11s %-21s %s\n", "TIME", "PID", "COMM",
		"LIB", "CALL", "BYTES", "LATENCY(ms)", "PEER", "SNI / DETAILS");
}

static const char *const calls[] = { "SSL_read", "SSL_write", "SSL_read_ex", "SSL_write_ex",
	"gnutls_record_recv", "gnutls_record_send" };

/* The plaintext, escaped (--data) */
static void bytes(const struct probe_out *o, const uint8_t *b, size_t n)
{
	fputs(o->json ? ",\"data\":\"" : " data=\"", o->f);
	for (size_t i = 0; i < n; i++) {
		if (b[i] == '"' || b[i] == '\\')
			fmt_fprintf(o->f, "\\%c", b[i]);
		else if (b[i] >= 0x20 && b[i] < 0x7f)
			fputc(b[i], o->f);
		else
			fmt_fprintf(o->f, o->json ? "\\u%04x" : "\\x%02x", b[i]);
	}
	fputc('"', o->f);
}

void tlsline_call(const struct probe_out *o, const struct ev_sock *s, const struct ev_data *d,
		  size_t cap, const char *comm)
{
	int k = d->call - DATA_CALL_SSL_READ;
	const char *fn = k >= 0 && k < 6 ? calls[k] : "?";
	const char *lib = k >= 4 ? "gnutls" : "openssl";
	uint64_t lat = d->h.ts > d->start ? d->h.ts - d->start : 0;
	char pb[64] = "-";

	if (s)
		htline_addr(s, false, pb, sizeof(pb));
	if (!o->json) {
		pfmt_prefix(o, "tls", d->start, d->h.pid, comm);
		fmt_fprintf(o->f, "%-9s %-18s %8llu %11.3f %-21s %s", lib, fn,
			(unsigned long long)d->total, (double)lat / 1e6, d->conn ? pb : "unbound",
			sni_get(d->conn)[0] ? sni_get(d->conn) : "-");
	} else {
		pfmt_json_prefix(o, "tls", d->start, d->h.pid, d->h.tid, comm);
		fmt_fprintf(o->f, ",\"kind\":\"%s\",\"library\":\"%s\",\"function\":\"%s\",\"bytes\":%llu,"
			"\"latency_ns\":%llu,\"conn\":%llu,\"bound\":%s", d->dir ? "write" : "read",
			lib, fn, (unsigned long long)d->total, (unsigned long long)lat,
			(unsigned long long)d->conn, d->conn ? "true" : "false");
		kv_s(o, "peer", d->conn ? pb : "");
		kv_s(o, "sni", sni_get(d->conn));
	}
	if (o->tls_data)
		bytes(o, d->bytes, cap);
	fputs(o->json ? "}\n" : "\n", o->f);
}

/* The handshake's facts, text */
static void hs_text(const struct probe_out *o, const struct tls_facts *f, const char *peer,
		    const char *v, const char *cipher, uint64_t dur)
{
	fmt_fprintf(o->f, "%-9s %-18s %8s %11.3f %-21s %s", "wire", "handshake", "-",
		(double)dur / 1e6, peer, f->sni[0] ? f->sni : "-");
	fmt_fprintf(o->f, " version=%s cipher=%s alpn=%s", v ? v : "?", f->cipher ? cipher : "?",
		f->alpn[0] ? f->alpn : f->version == 0x0304 && f->offered[0] ? "?" : "-");
	if (f->offered[0])
		fmt_fprintf(o->f, " offered=%s", f->offered);
	fmt_fprintf(o->f, " resumed=%s established=%s\n",
		f->flags & TLS_F_RESUMED_KNOWN ? (f->flags & TLS_F_RESUMED ? "yes" : "no") : "?",
		f->flags & TLS_F_ESTABLISHED ? "yes" : "no");
}

void tlsline_handshake(const struct probe_out *o, const struct ev_sock *s, uint64_t conn,
		       const struct tls_facts *f)
{
	unsigned i = slot(conn);
	const char *v = tls_version_str(f->version);
	uint64_t dur = f->flags & TLS_F_ESTABLISHED ? f->end_ns - f->start_ns : 0;
	char comm[17] = "?", pb[64] = "-", cb[TLS_CIPHER_STR];

	if (!sni_of)
		sni_of = calloc(TL_SNI, sizeof(*sni_of));	/* none: lines show no SNI */
	if (sni_of) {
		sni_of[i].conn = conn;
		memcpy(sni_of[i].sni, f->sni, sizeof(f->sni));
	}
	if (!o->tls_lines)
		return;
	if (s) {
		pfmt_comm(comm, s->comm);
		htline_addr(s, false, pb, sizeof(pb));
	}
	tls_cipher_str(f->cipher, cb);
	if (!o->json) {
		pfmt_prefix(o, "tls", f->start_ns, s ? s->h.pid : 0, comm);
		hs_text(o, f, pb, v, cb, dur);
		return;
	}
	pfmt_json_prefix(o, "tls", f->start_ns, s ? s->h.pid : 0, s ? s->h.tid : 0, comm);
	fmt_fprintf(o->f, ",\"kind\":\"handshake\",\"conn\":%llu,\"role\":\"%s\",\"established\":%s,"
		"\"duration_ns\":%llu", (unsigned long long)conn,
		!s ? "" : s->role == SOCK_ROLE_CLIENT ? "client" : "server",
		f->flags & TLS_F_ESTABLISHED ? "true" : "false", (unsigned long long)dur);
	kv_s(o, "peer", s ? pb : "");
	kv_s(o, "sni", f->sni);
	kv_s(o, "version", v ? v : "");
	kv_s(o, "cipher", f->cipher ? cb : "");
	kv_s(o, "alpn", f->alpn);
	kv_s(o, "alpn_offered", f->offered);
	if (f->flags & TLS_F_RESUMED_KNOWN)
		fmt_fprintf(o->f, ",\"resumed\":%s", f->flags & TLS_F_RESUMED ? "true" : "false");
	fputs(f->flags & TLS_F_CUT ? ",\"hello_cut\":true}\n" : "}\n", o->f);
}

void tlsline_comm(uint32_t pid, char comm[17])
{
	static struct { uint32_t pid; char comm[17]; } seen[16];
	unsigned i = pid & 15;
	char path[32];
	size_t n;
	int r;

	if (seen[i].pid == pid && pid) {
		memcpy(comm, seen[i].comm, 17);
		return;
	}
	fmt_snprintf(path, sizeof(path), "/proc/%u/comm", pid);
	r = util_read_file(path, comm, 17);
	n = r > 0 ? (size_t)r : 0;
	while (n && (comm[n - 1] == '\n' || comm[n - 1] == 0))
		n--;
	comm[n] = 0;
	if (!n)
		memcpy(comm, "?", 2);
	seen[i].pid = pid;
	memcpy(seen[i].comm, comm, 17);
}

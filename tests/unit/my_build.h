/* Builders of MySQL packets for test_mysql*.c: a conversation is made
 * of syscalls (mflush) holding packets (mp) whose payloads these build. */
#ifndef RAWTEL_MY_BUILD_H
#define RAWTEL_MY_BUILD_H

#include "my_t.h"

struct mb {
	size_t n;
	uint8_t b[1 << 16];
};

static struct mb mb_pkt, mb_sys;

/* payload bytes */
static inline void pb(const void *p, size_t n)
{
	memcpy(mb_pkt.b + mb_pkt.n, p, n);
	mb_pkt.n += n;
}
static inline void pbyte(uint8_t v)
{
	pb(&v, 1);
}
static inline void ple(uint64_t v, int n)
{
	for (int i = 0; i < n; i++)
		pbyte(i < 8 ? (uint8_t)(v >> (8 * i)) : 0);
}
static inline void pstr(const char *s)
{
	pb(s, strlen(s));
}
static inline void plenenc(uint64_t v)
{
	if (v < 0xfb) {
		pbyte((uint8_t)v);
	} else if (v < 0x10000) {
		pbyte(0xfc);
		ple(v, 2);
	} else {
		pbyte(0xfd);
		ple(v, 3);
	}
}
static inline void plstr(const char *s)
{
	plenenc(strlen(s));
	pstr(s);
}

/* the payload built so far becomes a packet of the syscall being made */
static inline void mp(uint8_t seq)
{
	mb_sys.n += mpkt(mb_sys.b + mb_sys.n, seq, mb_pkt.b, mb_pkt.n);
	mb_pkt.n = 0;
}

/* the packets made so far are one syscall of `who` */
static inline void mflush(struct mconv *cv, char who, uint64_t gap)
{
	mstep_add(cv, who, mb_sys.b, mb_sys.n, gap);
	mb_sys.n = 0;
}

/* whole packets */
static inline void p_ok(uint8_t seq, uint64_t affected, uint16_t status)
{
	pbyte(0);
	plenenc(affected);
	pbyte(0);
	ple(status, 2);
	ple(0, 2);
	mp(seq);
}
static inline void p_ok_fe(uint8_t seq, uint16_t status)
{
	pbyte(0xfe);
	pbyte(0);
	pbyte(0);
	ple(status, 2);
	ple(0, 2);
	mp(seq);
}
static inline void p_eof(uint8_t seq, uint16_t status)
{
	pbyte(0xfe);
	ple(0, 2);
	ple(status, 2);
	mp(seq);
}
static inline void p_err(uint8_t seq, uint16_t code, const char *state, const char *msg)
{
	pbyte(0xff);
	ple(code, 2);
	if (state) {
		pbyte('#');
		pstr(state);
	}
	pstr(msg);
	mp(seq);
}
static inline void p_coldef(uint8_t seq, const char *name)
{
	plstr("def");
	plstr("shop");
	plstr("items");
	plstr("items");
	plstr(name);
	plstr(name);
	pbyte(0x0c);
	ple(33, 2);
	ple(40, 4);
	pbyte(0xfd);
	ple(0, 2);
	pbyte(0);
	ple(0, 2);
	mp(seq);
}
static inline void p_row(uint8_t seq, const char *a, const char *b)
{
	plstr(a);
	plstr(b);
	mp(seq);
}
static inline void p_cmd(uint8_t cmd, const char *text)
{
	pbyte(cmd);
	if (text)
		pstr(text);
	mp(0);
}
/* a COM_STMT_* with `n` bytes after the id (NUL bytes included) */
static inline void p_stmt_cmd(uint8_t cmd, uint32_t id, const char *rest, size_t n)
{
	pbyte(cmd);
	ple(id, 4);
	pb(rest, n);
	mp(0);
}

/* A command as the client's syscall. */
static inline void c_cmd(struct mconv *cv, uint8_t cmd, const char *text)
{
	p_cmd(cmd, text);
	mflush(cv, 'C', 0);
}

/* A result set's columns, id and name, from seq `seq` on: their count
 * and definitions; returns the next sequence id. */
static inline uint8_t p_cols(uint8_t seq)
{
	plenenc(2);
	mp(seq++);
	p_coldef(seq++, "id");
	p_coldef(seq++, "name");
	return seq;
}

/* A two-column result set of `rows` rows from seq `seq` on; the
 * EOFs as the capabilities say; returns the next sequence id. */
static inline uint8_t p_result(uint8_t seq, int rows, int deprecate_eof, uint16_t status)
{
	seq = p_cols(seq);
	if (!deprecate_eof)
		p_eof(seq++, 0x0002);
	for (int i = 0; i < rows; i++)
		p_row(seq++, "1", "apple");
	if (deprecate_eof)
		p_ok_fe(seq++, status);
	else
		p_eof(seq++, status);
	return seq;
}

/* Replies, each as one server syscall. */
static inline void s_ok(struct mconv *cv, uint8_t seq, uint64_t affected, uint16_t status)
{
	p_ok(seq, affected, status);
	mflush(cv, 'S', 0);
}

static inline void s_err(struct mconv *cv, uint8_t seq, uint16_t code, const char *state,
			 const char *msg)
{
	p_err(seq, code, state, msg);
	mflush(cv, 'S', 0);
}

static inline void s_result(struct mconv *cv, uint8_t seq, int rows, int deprecate_eof,
			    uint16_t status)
{
	p_result(seq, rows, deprecate_eof, status);
	mflush(cv, 'S', 0);
}

#define CAPS_BASE (0x0200u | 0x8000u | 0x00200000u | 0x00080000u | 0x00020000u | 0x00010000u)
#define CAP_DEPRECATE_EOF 0x01000000u
#define CAP_SESSION_TRACK 0x00800000u
#define CAP_SSL 0x0800u

/* The server's greeting and the client's answer naming `db`, the OK:
 * a connection in its command phase. */
static inline void p_handshake(struct mconv *cv, uint32_t caps, const char *db)
{
	pbyte(0x0a);
	pstr("10.11.19-MariaDB");
	pbyte(0);
	ple(42, 4);
	pstr("abcdefgh");
	pbyte(0);
	ple((caps | 0x0008u) & 0xffff, 2);
	pbyte(33);
	ple(2, 2);
	ple((caps | 0x0008u) >> 16, 2);
	pbyte(21);
	ple(0, 6);
	ple(0, 4);
	pstr("ijklmnopqrst");
	pbyte(0);
	pstr("mysql_native_password");
	pbyte(0);
	mp(0);
	mflush(cv, 'S', 0);
	ple(caps | (db ? 0x0008u : 0), 4);
	ple(1 << 24, 4);
	pbyte(33);
	ple(0, 23);
	pstr("app");
	pbyte(0);
	pbyte(20);
	pstr("PASSWORD-HASH-BYTES!");
	if (db) {
		pstr(db);
		pbyte(0);
	}
	pstr("mysql_native_password");
	pbyte(0);
	mp(1);
	mflush(cv, 'C', 0);
	p_ok(2, 0, 0x0002);
	mflush(cv, 'S', 0);
}

/* A fresh conversation (the previous one freed) in its command phase on
 * database `db`: every test's start. */
static inline void m_begin(struct mconv *cv, uint32_t caps, const char *db)
{
	mconv_free(cv);
	p_handshake(cv, caps, db);
}

/* COM_STMT_PREPARE's OK (statement id, columns, parameters), seq 1; its
 * column definitions follow */
static inline void p_prepare_ok(uint32_t id, uint16_t cols, uint16_t params)
{
	pbyte(0);
	ple(id, 4);
	ple(cols, 2);
	ple(params, 2);
	pbyte(0);
	ple(0, 2);
	mp(1);
}

/* Runs the conversation every way (needs t.h and t_fmt.h first) and compares with want (NULL-terminated). */
/* ... returns the last whole run (as a client) */
static inline const struct mrec *mexpect(const struct mconv *cvp, const char *name, const char *const *want,
			   int splits)
{
	static struct mrec r, other;
	int n = 0;

	while (want[n])
		n++;
	for (int role = 0; role < 2; role++) {
		mrun(cvp, role, 0, SIZE_MAX, 0, &r, NULL, 0);
		for (int i = 0; !role && getenv("RAWTEL_MY_DUMP") && i < r.n && i < MY_T_MAXX; i++)
			fprintf(stderr, "\t\t\"%s\",\n", r.line[i]);
		T_CHECKF(r.n == n, "%s role %d: %d exchanges, want %d; first %s", name, role,
			 r.n, n, r.n ? r.line[0] : "-");
		for (int i = 0; i < n && i < r.n; i++)
			T_CHECKF(!strcmp(r.line[i], want[i]), "%s role %d #%d:\n got  %s\n want %s",
				 name, role, i, r.line[i], want[i]);
		for (int i = 0; i < r.n && i < MY_T_MAXX; i++)
			T_CHECKF(r.start[i] <= r.end[i], "%s #%d: times", name, i);
	}
	if (!splits)
		return &r;
	for (size_t s = 0; s < cvp->n; s++) {
		for (size_t at = 1; at < cvp->s[s].n; at++) {
			mrun(cvp, (int)(at & 1), 0, s, at, &other, NULL, 0);
			T_ASSERTF(other.n == r.n, "%s split step %zu at %zu: %d exchanges", name, s,
				  at, other.n);
			for (int i = 0; i < r.n && i < MY_T_MAXX; i++)
				T_ASSERTF(!strcmp(r.line[i], other.line[i]),
					  "%s split step %zu at %zu #%d: %s", name, s, at, i,
					  other.line[i]);
		}
	}
	for (size_t piece = 1; piece <= 16; piece++) {
		mrun(cvp, (int)(piece & 1), piece, SIZE_MAX, 0, &other, NULL, 0);
		T_ASSERTF(other.n == r.n, "%s pieces of %zu: %d exchanges", name, piece, other.n);
		for (int i = 0; i < r.n && i < MY_T_MAXX; i++)
			T_ASSERTF(!strcmp(r.line[i], other.line[i]), "%s pieces of %zu #%d: %s",
				  name, piece, i, other.line[i]);
	}
	return &r;
}

#endif

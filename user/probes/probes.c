/* exec, exit and open: what each needs from kern/ and how it prints. */
#include <string.h>

#include "rawtel/events.h"
#include "rawtel/fmt.h"
#include "rawtel/names.h"
#include "rawtel/probes.h"

/* ---- exec --------------------------------------------------------------- */
static void exec_header(const struct probe_out *o)
{
	fmt_fprintf(o->f, "%-12s %-7s %-16s %-7s %-6s %-6s %s\n", "TIME", "PID", "COMM", "PPID",
		"UID", "RET", "ARGS");
}

static void exec_print(const struct probe_out *o, const void *rec, size_t len)
{
	const struct ev_exec *e = rec;
	struct exec_args args;
	const char *err, *arg;
	char comm[17];
	size_t off = 0, l;
	uint32_t ppid = probe_ppid(o->seed, e->h.pid, e->ppid);

	probe_exec_args(e, len, &args);
	pfmt_comm(comm, e->comm);
	err = e->ret < 0 ? names_errno(e->ret) : NULL;
	if (e->h.flags & EXEC_F_COMPAT)
		compat_exec_note(e->h.pid, comm);
	if (o->json) {
		pfmt_json_prefix(o, "exec", e->h.ts, e->h.pid, e->h.tid, comm);
		fmt_fprintf(o->f, ",\"ppid\":%u,\"uid\":%u,\"ret\":%d", ppid, e->uid, e->ret);
		if (err)
			fmt_fprintf(o->f, ",\"error\":\"%s\"", err);
		fputs(",\"filename\":", o->f);
		pfmt_json_str(o->f, e->filename, sizeof(e->filename));
		fputs(",\"argv\":[", o->f);
		for (unsigned i = 0; i < args.argc && (arg = probe_exec_arg_next(&args, &off, &l)); i++) {
			if (i)
				fputc(',', o->f);
			pfmt_json_str(o->f, arg, l);
		}
		fmt_fprintf(o->f, "],\"args_truncated\":%s,\"args_source\":\"%s\"}\n",
			args.truncated ? "true" : "false", args.source);
		return;
	}
	pfmt_prefix(o, "exec", e->h.ts, e->h.pid, comm);
	if (o->multi)
		fmt_fprintf(o->f, "ppid=%u uid=%u ret=%s ", ppid, e->uid, err ? err : "0");
	else if (err)
		fmt_fprintf(o->f, "%-7u %-6u %-6s ", ppid, e->uid, err);
	else
		fmt_fprintf(o->f, "%-7u %-6u %-6d ", ppid, e->uid, e->ret);
	/* the filename, then argv[1..]: what ran and how, as execsnoop shows it */
	fmt_fprintf(o->f, "%.*s", (int)strnlen(e->filename, sizeof(e->filename)), e->filename);
	for (unsigned i = 0; i < args.argc && (arg = probe_exec_arg_next(&args, &off, &l)); i++)
		if (i > 0)
			fmt_fprintf(o->f, " %.*s", (int)l, arg);
	if (!strcmp(args.source, "unavailable"))
		fputs(" [arguments unreadable]", o->f);
	fputs(args.truncated ? " ...\n" : "\n", o->f);
}

/* ---- exit --------------------------------------------------------------- */
static void exit_header(const struct probe_out *o)
{
	fmt_fprintf(o->f, "%-12s %-7s %-16s %-7s %-10s %s\n", "TIME", "PID", "COMM", "PPID",
		"AGE(s)", "EXIT");
}

static void exit_print(const struct probe_out *o, const void *rec, size_t len)
{
	const struct ev_exit *e = rec;
	struct exit_info x;
	char comm[17], age[32] = "-", how[48], sig[24];

	(void)len;
	probe_exit_info(e, o->seed, &x);
	pfmt_comm(comm, e->comm);
	if (x.has_start)
		fmt_snprintf(age, sizeof(age), "%.3f", (double)x.lifetime_ns / 1e9);
	if (x.has_signal)
		fmt_snprintf(how, sizeof(how), "signal %u (%s)", x.code,
			 names_signal((int)x.code, sig, sizeof(sig)));
	else if (x.has_code)
		fmt_snprintf(how, sizeof(how), "code %u", x.code);
	else
		fmt_snprintf(how, sizeof(how), "unknown");
	if (o->json) {
		pfmt_json_prefix(o, "exit", e->h.ts, e->h.pid, e->h.tid, comm);
		fmt_fprintf(o->f, ",\"ppid\":%u", x.ppid);
		if (x.has_code)
			fmt_fprintf(o->f, ",\"exit_code\":%u", x.code);
		if (x.has_signal)
			fmt_fprintf(o->f, ",\"signal\":%u,\"signal_name\":\"%s\"", x.code,
				names_signal((int)x.code, sig, sizeof(sig)));
		if (x.has_start)
			fmt_fprintf(o->f, ",\"lifetime_ns\":%llu", (unsigned long long)x.lifetime_ns);
		fputs("}\n", o->f);
		return;
	}
	pfmt_prefix(o, "exit", e->h.ts, e->h.pid, comm);
	if (o->multi)
		fmt_fprintf(o->f, "ppid=%u age=%ss %s\n", x.ppid, age, how);
	else
		fmt_fprintf(o->f, "%-7u %-10s %s\n", x.ppid, age, how);
}

/* ---- open --------------------------------------------------------------- */
static void open_header(const struct probe_out *o)
{
	fmt_fprintf(o->f, "%-12s %-7s %-16s %-8s %-26s %s\n", "TIME", "PID", "COMM", "FD/ERR",
		"FLAGS", "PATH");
}

static void open_print(const struct probe_out *o, const void *rec, size_t len)
{
	const struct ev_open *e = rec;
	size_t plen = len - OPEN_OFF_PATH;
	char comm[17], flags[200], res[24];
	const char *err = e->ret < 0 ? names_errno(e->ret) : NULL;

	pfmt_comm(comm, e->comm);
	names_open_flags(e->oflags, flags, sizeof(flags));
	if (err)
		fmt_snprintf(res, sizeof(res), "%s", err);
	else
		fmt_snprintf(res, sizeof(res), "%d", e->ret);
	if (o->json) {
		pfmt_json_prefix(o, "open", e->h.ts, e->h.pid, e->h.tid, comm);
		/* no uid: the open hot path does not read credentials */
		fmt_fprintf(o->f, ",\"ret\":%d", e->ret);
		if (err)
			fmt_fprintf(o->f, ",\"error\":\"%s\"", err);
		fmt_fprintf(o->f, ",\"flags\":%u,\"flags_names\":\"%s\",\"mode\":%u,\"path\":",
			e->oflags, flags, e->mode);
		pfmt_json_str(o->f, e->path, plen);
		fputs("}\n", o->f);
		return;
	}
	pfmt_prefix(o, "open", e->h.ts, e->h.pid, comm);
	if (o->multi)
		fmt_fprintf(o->f, "%s=%s %s %.*s\n", err ? "err" : "fd", res, flags,
			(int)strnlen(e->path, plen), e->path);
	else
		fmt_fprintf(o->f, "%-8s %-26s %.*s\n", res, flags, (int)strnlen(e->path, plen),
			e->path);
}

/* ---- uprobe ------------------------------------------------------------- */
static void up_header(const struct probe_out *o)
{
	fmt_fprintf(o->f, "%-12s %-7s %-16s %-28s %12s %s\n", "TIME", "PID", "COMM", "FUNCTION",
		"LATENCY(us)", "RET");
}

static const char *up_func(const struct probe_out *o, uint32_t id)
{
	return id < (uint32_t)o->n_targets ? o->targets[id].func : "?";
}

static void up_print(const struct probe_out *o, const void *rec, size_t len)
{
	const struct ev_uprobe *e = rec;
	char comm[17], ret[32];
	int64_t r = (int64_t)e->ret;

	(void)len;
	pfmt_comm(comm, e->comm);
	/* the type is unknown: small values read as numbers, others as
	 * addresses */
	if (r > -(1LL << 31) && r < (1LL << 31))
		fmt_snprintf(ret, sizeof(ret), "%lld", (long long)r);
	else
		fmt_snprintf(ret, sizeof(ret), "0x%llx", (unsigned long long)e->ret);
	if (o->json) {
		pfmt_json_prefix(o, "uprobe", e->h.ts, e->h.pid, e->h.tid, comm);
		fputs(",\"function\":", o->f);
		pfmt_json_str(o->f, up_func(o, e->func), 128);
		fmt_fprintf(o->f, ",\"latency_ns\":%llu,\"ret\":\"%s\",\"ret_u64\":%llu}\n",
			(unsigned long long)e->latency, ret, (unsigned long long)e->ret);
		return;
	}
	pfmt_prefix(o, "call", e->h.ts, e->h.pid, comm);
	if (o->multi)
		fmt_fprintf(o->f, "%s latency=%.3fus ret=%s\n", up_func(o, e->func),
			(double)e->latency / 1e3, ret);
	else
		fmt_fprintf(o->f, "%-28s %12.3f %s\n", up_func(o, e->func), (double)e->latency / 1e3, ret);
}

/* ---- dns ---------------------------------------------------------------- */
static const char *const dns_fn[3] = { "getaddrinfo", "gethostbyname", "gethostbyname2" };

static void dns_header(const struct probe_out *o)
{
	fmt_fprintf(o->f, "%-12s %-7s %-16s %11s %-13s %s\n", "TIME", "PID", "COMM", "LATENCY(ms)",
		"RESULT", "HOST");
}

/* getaddrinfo returns an int (the upper half of rax is undefined); the
 * others a pointer, NULL on failure */
const char *probe_dns_result(const struct ev_dns *e, int *rc)
{
	if (e->func == DNS_FN_GETADDRINFO) {
		*rc = (int32_t)(uint32_t)e->ret;
		return probe_eai_name(*rc);
	}
	*rc = e->ret ? 0 : -1;
	return e->ret ? "0" : "NULL";
}

static void dns_print(const struct probe_out *o, const void *rec, size_t len)
{
	const struct ev_dns *e = rec;
	size_t hlen = strnlen(e->host, len - DNS_OFF_HOST);
	char comm[17];
	int rc;
	const char *res = probe_dns_result(e, &rc);
	const char *fn = e->func < 3 ? dns_fn[e->func] : "?";

	pfmt_comm(comm, e->comm);
	if (o->json) {
		pfmt_json_prefix(o, "dns", e->h.ts, e->h.pid, e->h.tid, comm);
		fputs(",\"host\":", o->f);
		pfmt_json_str(o->f, e->host, hlen);
		fmt_fprintf(o->f, ",\"function\":\"%s\",\"latency_ns\":%llu,\"result\":\"%s\","
			"\"ok\":%s}\n", fn, (unsigned long long)e->latency, res, rc ? "false" : "true");
		return;
	}
	pfmt_prefix(o, "dns", e->h.ts, e->h.pid, comm);
	if (o->multi)
		fmt_fprintf(o->f, "%s %.*s latency=%.3fms result=%s\n", fn, (int)hlen, e->host,
			(double)e->latency / 1e6, res);
	else
		fmt_fprintf(o->f, "%11.3f %-13s %.*s\n", (double)e->latency / 1e6, res, (int)hlen, e->host);
}

/* ---- sockets: http and the DB probes (one capture, user/probes/htline.c) ------ */
/* exits before entries: an entry whose exit is not attached yet would
 * leave its slot to the thread's next call. The sk_*_enter of payloads
 * only where the exits cannot read the caller's registers
 * (kern/sockio.S) */
static const struct probe_prog sock_progs[] = {
	{ "sk_accept_exit", false, false }, { "sk_accept4_exit", false, false },
	{ "sk_connect_exit", false, false }, { "sk_bind_exit", false, false },
	{ "sk_state", false, false }, { "sk_close", false, false }, { "sk_exit", false, false },
	{ "sk_ktls_exit", false, false },
	{ "sk_read_exit", false, false }, { "sk_write_exit", false, false },
	{ "sk_recvfrom_exit", false, false }, { "sk_sendto_exit", false, false },
	/* the vector calls: one program on the four exits where task
	 * registers are reachable (verified once, kern/sockio.S), else one
	 * each */
	{ "sk_iov_exit", false, true },
	{ "sk_readv_exit", false, true }, { "sk_writev_exit", false, true },
	{ "sk_recvmsg_exit", false, true }, { "sk_sendmsg_exit", false, true },
	{ "sk_sendfile_exit", true, false },
	/* sockets first used by a process that did not make them: their
	 * tracepoints are 6.3+, the programs need task registers */
	{ "sk_send_inherit", true, true }, { "sk_recv_inherit", true, true },
	{ "sk_accept_enter", false, false }, { "sk_accept4_enter", false, false },
	{ "sk_connect_enter", false, false }, { "sk_bind_enter", false, false },
	{ "sk_ktls_enter", false, false },
	{ "sk_read_enter", false, true }, { "sk_write_enter", false, true },
	{ "sk_recvfrom_enter", false, true }, { "sk_sendto_enter", false, true },
	{ "sk_readv_enter", false, true }, { "sk_writev_enter", false, true },
	{ "sk_recvmsg_enter", false, true }, { "sk_sendmsg_enter", false, true },
	{ "sk_sendfile_enter", true, true }, { 0 }
};

/* Programs attached to more tracepoints than their .prog's own (which is
 * the first): the vector calls' exit, verified once (kern/sockio.S) */
const struct probe_also probe_also[] = {
	{ "sk_iov_exit", "syscalls/sys_exit_writev" },
	{ "sk_iov_exit", "syscalls/sys_exit_recvmsg" },
	{ "sk_iov_exit", "syscalls/sys_exit_sendmsg" },
	{ 0 }
};

/* The probes on the TCP socket capture (and the TLS libraries' plaintext):
 * one capture, one connection layer, a protocol per name. */
#define SOCK_PROBE(nm, sum, hdr, st)                                                    \
	{ .name = nm, .summary = sum, .ev_type = EV_SOCK,                               \
	  .units = { "sock", "sockio", "tls" }, .progs = sock_progs, .header = hdr,      \
	  .print = htline_print, .ev_min = SOCK_REC_SIZE, .ev_max = SOCK_REC_SIZE,       \
	  .ev_type2 = EV_DATA, .ev_min2 = DATA_OFF_BYTES, .ev_max2 = DATA_REC_MAX,       \
	  .start = st, .tick = htline_tick, .finish = htline_finish, .targets = utargets_tls }

const struct probe probes[] = {
	{ .name = "exec", .summary = "processes started: execve/execveat with arguments and result",
	  .ev_type = EV_EXEC, .units = { "proc", "exec" },
	  .progs = (const struct probe_prog[]){ { "proc_fork", false, false }, { "exec_enter", false, false }, { "exec_exit", false, false },
		     { "execat_enter", true, false }, { "execat_exit", true, false }, { "exec_sched", false, false },
		     { "exec_compat_enter", false, true }, { "exec_compat_exit", false, true }, { 0 } },
	  .header = exec_header, .print = exec_print, .ev_min = EXEC_OFF_DATA, .ev_max = EXEC_REC_MAX },
	{ .name = "exit", .summary = "processes ended: exit code or killing signal, lifetime",
	  .ev_type = EV_EXIT, .units = { "proc", "exit" },
	  .progs = (const struct probe_prog[]){ { "proc_fork", false, false }, { "exit_group_enter", false, false },
		     { "exit_thread_enter", false, false }, { "exit_signal", false, false },
		     { "exit_exec", false, false }, { "exit_done", false, false }, { 0 } },
	  .header = exit_header, .print = exit_print, .ev_min = EXIT_REC_SIZE, .ev_max = EXIT_REC_SIZE },
	{ .name = "open", .summary = "files opened: open/openat/openat2 with flags and result",
	  .ev_type = EV_OPEN, .units = { "open", "compat" },
	  /* the entries only where the exits cannot read the caller's
	   * registers; 32-bit tasks' opens where the target has them */
	  .progs = (const struct probe_prog[]){ { "open_enter_openat", false, true },
		     { "open_exit_openat", false, false },
		     { "open_enter_open", true, true }, { "open_exit_open", true, false },
		     { "open_enter_openat2", true, true }, { "open_exit_openat2", true, false },
		     { "compat_open_exit", false, true }, { 0 } },
	  .header = open_header, .print = open_print, .ev_min = OPEN_OFF_PATH + 1, .ev_max = OPEN_REC_MAX },
	{ .name = "dns", .summary = "name lookups in libc: getaddrinfo, gethostbyname[2]",
	  .ev_type = EV_DNS, .units = { "dns" }, .progs = (const struct probe_prog[]){ { "dns_thread_exit", false, false }, { 0 } },
	  .header = dns_header, .print = dns_print, .ev_min = DNS_OFF_HOST + 1, .ev_max = DNS_REC_MAX,
	  .targets = utargets_dns },
	{ .name = "tcp", .summary = "TCP connections closed: addresses, owner, duration, bytes, states",
	  .ev_type = EV_TCP, .units = { "tcp" },
	  .progs = (const struct probe_prog[]){ { "tcp_state", false, false }, { "tcp_retrans", false, false }, { "tcp_rst_sent", true, false },
		     { "tcp_rst_recv", true, false }, { "tcp_io_send", true, false }, { "tcp_io_recv", true, false }, { 0 } },
	  .header = tcp_header, .print = tcp_print, .ev_min = TCP_REC_SIZE, .ev_max = TCP_REC_SIZE },
	{ .name = "retrans", .summary = "TCP retransmissions and resets sent and received",
	  .ev_type = EV_RETRANS, .units = { "tcp" },
	  .progs = (const struct probe_prog[]){ { "tcp_state", false, false }, { "tcp_retrans", false, false },
		     { "tcp_retrans_synack", true, false }, { "tcp_rst_sent", true, false },
		     { "tcp_rst_recv", true, false }, { 0 } },
	  .header = tcp_retrans_header, .print = tcp_retrans_print, .ev_min = RETR_REC_SIZE,
	  .ev_max = RETR_REC_SIZE },
	SOCK_PROBE("http", "HTTP/1.x, HTTP/2 and gRPC exchanges, also over TLS (--raw: records)",
		   htline_header, htline_start_http),
	SOCK_PROBE("postgres", "PostgreSQL operations from TCP socket payloads",
		   dbline_header, htline_start_postgres),
	SOCK_PROBE("mysql", "MySQL/MariaDB operations from TCP socket payloads",
		   dbline_header, htline_start_mysql),
	SOCK_PROBE("redis", "Redis commands (RESP2/RESP3) from TCP socket payloads",
		   dbline_header, htline_start_redis),
	SOCK_PROBE("tls", "TLS library calls (OpenSSL, GnuTLS) and handshakes read from the wire\n"
		   "            (--data: the calls' plaintext, escaped)", tlsline_header, htline_start_tls),
	SOCK_PROBE("memcached", "Memcached commands (text, meta) from TCP socket payloads",
		   dbline_header, htline_start_memcached),
	{ .name = "uprobe", .summary = "calls of functions you name: uprobe BINARY:SYMBOL[,SYMBOL...]",
	  .ev_type = EV_UPROBE, .units = { "uprobe" }, .progs = (const struct probe_prog[]){ { "up_thread_exit", false, false }, { 0 } },
	  .header = up_header, .print = up_print, .ev_min = UP_REC_SIZE, .ev_max = UP_REC_SIZE,
	  .targets = utargets_uprobe },
};
const size_t n_probes = sizeof(probes) / sizeof(probes[0]);

const struct probe *probe_find(const char *name)
{
	for (size_t i = 0; i < n_probes; i++)
		if (!strcmp(probes[i].name, name))
			return &probes[i];
	return NULL;
}

bool probe_has_type(const struct probe *p, uint16_t type)
{
	return type && (p->ev_type == type || p->ev_type2 == type);
}

const struct probe *probe_by_type(uint16_t type)
{
	for (size_t i = 0; i < n_probes; i++)
		if (probe_has_type(&probes[i], type))
			return &probes[i];
	return NULL;
}

const struct probe *probe_of_record(const void *rec, size_t len)
{
	const struct ev_hdr *h = rec;
	const struct probe *p;

	if (len < EV_HDR_SIZE || h->size > len || h->size < EV_HDR_SIZE)
		return NULL;
	p = probe_by_type(h->type);
	/* decoders trust the size bounds of their type: never pass a record
	 * outside them (a newer kernel side, a corrupt ring) */
	if (!p)
		return NULL;
	if (h->type == p->ev_type ? h->size < p->ev_min || h->size > p->ev_max
				  : h->size < p->ev_min2 || h->size > p->ev_max2)
		return NULL;
	return p;
}

void probe_print_header(const struct probe_out *o, const struct probe *only)
{
	if (o->json)
		return;
	if (only) {
		only->header(o);
		return;
	}
	fmt_fprintf(o->f, "%-12s %-5s %-7s %-16s %s\n", "TIME", "EVENT", "PID", "COMM", "DETAILS");
}

/* The /proc identity parsers (user/util/ident.c) over cgroup lines as the
 * runtimes write them, NSpid lines, and environments. */
#include <errno.h>
#include <string.h>
#include <unistd.h>

#include "rawtel/ident.h"
#include "t.h"

#define H64 "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"
#define UID "1b2c3d4e-5f60-4172-8394-a5b6c7d8e9f0"
#define UID_ "1b2c3d4e_5f60_4172_8394_a5b6c7d8e9f0"

static const struct cg_case {
	const char *text;
	int found;
	const char *id, *runtime, *pod, *name, *path;
} cg_cases[] = {
	/* docker, cgroupfs driver (v1 and v2) */
	{ "12:memory:/docker/" H64 "\n1:name=systemd:/docker/" H64 "\n", 1, H64, "docker", "", "", "" },
	{ "0::/docker/" H64 "\n", 1, H64, "docker", "", "", "/docker/" H64 },
	/* docker, systemd driver */
	{ "0::/system.slice/docker-" H64 ".scope\n", 1, H64, "docker", "", "",
	  "/system.slice/docker-" H64 ".scope" },
	/* kubelet + containerd, systemd driver; the uid's '_' become '-' */
	{ "0::/kubepods.slice/kubepods-burstable.slice/kubepods-burstable-pod" UID_
	  ".slice/cri-containerd-" H64 ".scope\n", 1, H64, "containerd", UID, "", NULL },
	/* guaranteed QoS: no QoS slice */
	{ "0::/kubepods.slice/kubepods-pod" UID_ ".slice/cri-containerd-" H64 ".scope", 1, H64,
	  "containerd", UID, "", NULL },
	/* cri-o, and its monitor (no container) in the same pod */
	{ "0::/kubepods.slice/kubepods-besteffort.slice/kubepods-besteffort-pod" UID_
	  ".slice/crio-" H64 ".scope\n", 1, H64, "cri-o", UID, "", NULL },
	{ "0::/kubepods.slice/kubepods-besteffort.slice/kubepods-besteffort-pod" UID_
	  ".slice/crio-conmon-" H64 ".scope\n", 1, "", NULL, UID, "", NULL },
	/* cgroupfs driver under the kubelet: pod<uid>/<id>, v1 lines */
	{ "11:cpu,cpuacct:/kubepods/burstable/pod" UID "/" H64 "\n", 1, H64, NULL, UID, "", "" },
	/* the pod's own cgroup (the sandbox's parent) */
	{ "0::/kubepods/pod" UID "\n", 1, "", NULL, UID, "", NULL },
	/* podman: rootful, rootless (nested "container"), cgroupfs */
	{ "0::/machine.slice/libpod-" H64 ".scope\n", 1, H64, "podman", "", "", NULL },
	{ "0::/user.slice/user-1000.slice/user@1000.service/user.slice/libpod-" H64
	  ".scope/container\n", 1, H64, "podman", "", "", NULL },
	{ "0::/machine.slice/libpod-conmon-" H64 ".scope\n", 0, "", NULL, "", "", NULL },
	{ "0::/libpod_parent/libpod-" H64 "\n", 1, H64, "podman", "", "", NULL },
	{ "0::/system.slice/nerdctl-" H64 ".scope\n", 1, H64, "containerd", "", "", NULL },
	/* systemd-nspawn: the machine name, \x2d unescaped */
	{ "0::/machine.slice/machine-web\\x2d1.scope/payload\n", 1, "web-1", "systemd-nspawn", "",
	  "web-1", NULL },
	/* nested: the deepest container */
	{ "0::/docker/" H64 "/docker/fedcba9876543210fedcba9876543210fedcba9876543210fedcba9876543210\n",
	  1, "fedcba9876543210fedcba9876543210fedcba9876543210fedcba9876543210", "docker", "", "", NULL },
	/* inside a cgroup namespace: relative to its root */
	{ "0::/../../system.slice/docker-" H64 ".scope\n", 1, H64, "docker", "", "", NULL },
	/* hybrid: v2 names nothing, the v1 line does */
	{ "0::/\n4:pids:/docker/" H64 "\n", 1, H64, "docker", "", "", "/" },
	/* not containers */
	{ "0::/user.slice/user-1000.slice/session-3.scope\n", 0, "", NULL, "", "", NULL },
	{ "0::/system.slice/docker.service\n", 0, "", NULL, "", "", NULL },
	{ "0::/docker/" H64 "0\n", 0, "", NULL, "", "", NULL },	/* 65 digits */
	{ "0::/docker/0123456789abcdef\n", 0, "", NULL, "", "", NULL },	/* short */
	{ "0::/pod" UID "/" H64 "x\n", 0, "", NULL, "", "", NULL },	/* no kubepods */
	{ "0::/machine.slice/machine-.scope\n", 0, "", NULL, "", "", NULL },
	{ "0::/kubepods.slice/kubepods-pod1b2c3d4e.slice\n", 0, "", NULL, "", "", NULL },
	/* malformed lines are skipped */
	{ "garbage\n0:/docker/" H64 "\n::\n", 0, "", NULL, "", "", "" },
	{ "", 0, "", NULL, "", "", "" },
};

static void test_cgroup_table(void)
{
	for (size_t i = 0; i < sizeof(cg_cases) / sizeof(cg_cases[0]); i++) {
		const struct cg_case *c = &cg_cases[i];
		struct ident_cgroup cg;

		T_EQ_INT(ident_cgroup(c->text, strlen(c->text), &cg) * 100 + (int)i, c->found * 100 + (int)i);
		T_EQ_STR(cg.id, c->id);
		T_EQ_STR(cg.runtime ? cg.runtime : "-", c->runtime ? c->runtime : "-");
		T_EQ_STR(cg.pod_uid, c->pod);
		T_EQ_STR(cg.name, c->name);
		if (c->path)
			T_EQ_STR(cg.path, c->path);
	}
}

/* A path longer than the buffer: no path rather than a cut one; the id is
 * still found. Bytes after a NUL and without a newline are read as text. */
static void test_cgroup_bounds(void)
{
	char text[1200];
	struct ident_cgroup cg;
	size_t n;

	memcpy(text, "0::", 3);
	memset(text + 3, 'a', 700);
	text[3] = '/';
	memcpy(text + 703, "/docker-" H64 ".scope", 8 + 64 + 6);
	n = 703 + 78;
	T_EQ_INT(ident_cgroup(text, n, &cg), 1);
	T_EQ_STR(cg.id, H64);
	T_EQ_STR(cg.path, "");
	memcpy(text, "0::/docker/\0" H64, 12 + 64);
	T_EQ_INT(ident_cgroup(text, 12 + 64, &cg), 0);
}

static void test_nspid(void)
{
	const char *st = "Name:\tnginx\nTgid:\t4242\nNSpid:\t4242\t17\t1\nPPid:\t1\n";
	uint32_t ns = 0;

	T_EQ_INT(ident_nspid(st, strlen(st), &ns), 3);
	T_EQ_INT(ns, 1);
	st = "NSpid:\t4242\n";
	T_EQ_INT(ident_nspid(st, strlen(st), &ns), 1);
	T_EQ_INT(ns, 4242);
	st = "NSpid:\t4242\t7 \n";	/* trailing blank */
	T_EQ_INT(ident_nspid(st, strlen(st), &ns), 2);
	T_EQ_INT(ns, 7);
	st = "Name:\tx\nPid:\t3\n";	/* before 4.1: no NSpid */
	T_EQ_INT(ident_nspid(st, strlen(st), &ns), -ENOENT);
	st = "NSpid:\t12x\t3\n";
	T_EQ_INT(ident_nspid(st, strlen(st), &ns), -ENOENT);
	st = "NSpid:\t99999999999\n";
	T_EQ_INT(ident_nspid(st, strlen(st), &ns), -ENOENT);
	st = "NSpid:\t\n";
	T_EQ_INT(ident_nspid(st, strlen(st), &ns), -ENOENT);
	T_EQ_INT(ident_nspid("NSpid:", 6, &ns), -ENOENT);
}

#define ENV(s) s, sizeof(s) - 1

static const struct svc_case {
	const char *env;
	size_t len;
	int found;
	const char *name;
} svc_cases[] = {
	{ ENV("PATH=/bin\0OTEL_SERVICE_NAME=checkout\0HOME=/"), 1, "checkout" },
	/* OTEL_SERVICE_NAME wins over the attributes' */
	{ ENV("OTEL_RESOURCE_ATTRIBUTES=service.name=a\0OTEL_SERVICE_NAME=b"), 1, "b" },
	/* empty is unset */
	{ ENV("OTEL_SERVICE_NAME=\0OTEL_RESOURCE_ATTRIBUTES=x=1, service.name = c%20d ,y=2"), 1,
	  "c d" },
	/* the last pair wins; empty pairs are skipped */
	{ ENV("OTEL_RESOURCE_ATTRIBUTES=service.name=a,,service.name=b,"), 1, "b" },
	/* a bad pair or escape discards the whole value */
	{ ENV("OTEL_RESOURCE_ATTRIBUTES=service.name=a,oops"), 0, "" },
	{ ENV("OTEL_RESOURCE_ATTRIBUTES=service.name=a%zz"), 0, "" },
	{ ENV("OTEL_RESOURCE_ATTRIBUTES=deployment.environment=prod"), 0, "" },
	/* the first definition, as getenv */
	{ ENV("OTEL_SERVICE_NAME=first\0OTEL_SERVICE_NAME=second"), 1, "first" },
	/* names that only start alike */
	{ ENV("OTEL_SERVICE_NAMES=x\0XOTEL_SERVICE_NAME=y"), 0, "" },
	{ ENV("OTEL_SERVICE_NAME=tail-without-nul"), 1, "tail-without-nul" },
	{ ENV(""), 0, "" },
};

static void test_service(void)
{
	char out[IDENT_SVC_MAX], small[6];

	for (size_t i = 0; i < sizeof(svc_cases) / sizeof(svc_cases[0]); i++) {
		T_EQ_INT(ident_service(svc_cases[i].env, svc_cases[i].len, out, sizeof(out)),
			 svc_cases[i].found);
		T_EQ_STR(out, svc_cases[i].name);
	}
	/* cut to the buffer, never inside a UTF-8 sequence */
	T_EQ_INT(ident_service(ENV("OTEL_SERVICE_NAME=abcd\xc3\xa9"), small, sizeof(small)), 1);
	T_EQ_STR(small, "abcd");
	T_EQ_INT(ident_service(ENV("OTEL_RESOURCE_ATTRIBUTES=service.name=abc%C3%A9xyz"), small,
				 sizeof(small)), 1);
	T_EQ_STR(small, "abc\xc3\xa9");
}

/* This process, read live: the v2 path of /proc/self/cgroup, our own pid
 * as the last NSpid. */
static void test_read_self(void)
{
	struct ident id;

	T_EQ_INT(ident_read((uint32_t)getpid(), &id), 0);
	T_CHECK(id.ns_levels >= 1);
	if (id.ns_levels == 1)
		T_EQ_INT(id.nspid, (uint32_t)getpid());
	T_EQ_INT(ident_read(0x3fffffff, &id), -ENOENT);
}

int main(void)
{
	T_RUN(test_cgroup_table);
	T_RUN(test_cgroup_bounds);
	T_RUN(test_nspid);
	T_RUN(test_service);
	T_RUN(test_read_self);
	return t_done();
}

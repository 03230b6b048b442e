/* Lists the BPF programs loaded in the kernel, one name per line, straight
 * from bpf(2) (BPF_PROG_GET_NEXT_ID, GET_FD_BY_ID, OBJ_GET_INFO_BY_FD):
 * an independent view for tests that check rawtel leaves nothing behind. */
#include <linux/bpf.h>
#include <stdio.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

static long sys_bpf(int cmd, union bpf_attr *a)
{
	return syscall(__NR_bpf, cmd, a, sizeof(*a));
}

int main(void)
{
	union bpf_attr a;
	__u32 id = 0;

	for (;;) {
		struct bpf_prog_info info;
		long fd;

		memset(&a, 0, sizeof(a));
		a.start_id = id;
		if (sys_bpf(BPF_PROG_GET_NEXT_ID, &a))
			break;
		id = a.next_id;
		memset(&a, 0, sizeof(a));
		a.prog_id = id;
		fd = sys_bpf(BPF_PROG_GET_FD_BY_ID, &a);
		if (fd < 0)
			continue;	/* gone meanwhile */
		memset(&info, 0, sizeof(info));
		memset(&a, 0, sizeof(a));
		a.info.bpf_fd = (__u32)fd;
		a.info.info_len = sizeof(info);
		a.info.info = (__u64)(unsigned long)&info;
		if (sys_bpf(BPF_OBJ_GET_INFO_BY_FD, &a) == 0)
			printf("%u %s\n", id, info.name);
		close((int)fd);
	}
	return 0;
}

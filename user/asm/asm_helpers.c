/* Helper names and ids, from the ABI list in rt_bpf_helpers.h. */
#include <errno.h>
#include <string.h>

#include "rawtel/asm.h"
#include "rt_bpf_helpers.h"

/* The names, without their common "bpf_" (840 bytes), as one run of
 * strings in id order from 1: a table of 212 pointers to them was 1.7 KB
 * on 64-bit targets. The list must have no gap for that, which the
 * asserts below check. */
#define ASM_HELPER_STR(id, name) #name "\0"
static const char helper_names[] = RT_BPF_HELPERS(ASM_HELPER_STR);

#define ASM_HELPER_IDX(id, name) asm_helper_idx_##name,
enum { asm_helper_idx_none, RT_BPF_HELPERS(ASM_HELPER_IDX) asm_helper_idx_end };
_Static_assert(asm_helper_idx_end == RT_BPF_HELPER_MAX + 1, "RT_BPF_HELPER_MAX is the last id");
#define ASM_HELPER_CHECK(id, name) \
	_Static_assert(asm_helper_idx_##name == (id), "rt_bpf_helpers.h: ids 1, 2, 3... in order");
RT_BPF_HELPERS(ASM_HELPER_CHECK)

int asm_helper_id(const char *name)
{
	const char *p = helper_names;

	if (!name)
		return -ENOENT;
	if (strncmp(name, "bpf_", 4) == 0)
		name += 4;
	for (int id = 1; id <= RT_BPF_HELPER_MAX; id++, p += strlen(p) + 1)
		if (strcmp(p, name) == 0)
			return id;
	return -ENOENT;
}

/* The name without "bpf_", or NULL. */
const char *asm_helper_name(int id)
{
	const char *p = helper_names;

	if (id < 1 || id > RT_BPF_HELPER_MAX)
		return NULL;
	while (--id)
		p += strlen(p) + 1;
	return p;
}

/* Helper names and ids, from the ABI list in rt_bpf_helpers.h. */
#include <errno.h>
#include <string.h>

#include "rawtel/asm.h"
#include "rt_bpf_helpers.h"

#define ASM_HELPER_NAME(id, name) [id] = "bpf_" #name,
static const char *const helper_names[RT_BPF_HELPER_MAX + 1] = {
	RT_BPF_HELPERS(ASM_HELPER_NAME)
};

int asm_helper_id(const char *name)
{
	if (!name)
		return -ENOENT;
	if (strncmp(name, "bpf_", 4) == 0)
		name += 4;
	for (int id = 1; id <= RT_BPF_HELPER_MAX; id++)
		if (helper_names[id] && strcmp(helper_names[id] + 4, name) == 0)
			return id;
	return -ENOENT;
}

const char *asm_helper_name(int id)
{
	if (id < 0 || id > RT_BPF_HELPER_MAX)
		return NULL;
	return helper_names[id];
}

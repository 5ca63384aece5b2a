#include "os/vdso.h"

#include <elf.h>
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "os/mem.h"
#include "os/util.h"

#define VDSO_MAX (64 << 10)

static const struct {
	const char *name;
	int nr;
} patches[] = {
	{ "__vdso_clock_gettime", SYS_clock_gettime },
	{ "__vdso_gettimeofday", SYS_gettimeofday },
	{ "__vdso_time", SYS_time },
	{ "__vdso_clock_getres", SYS_clock_getres },
	{ "__vdso_getcpu", SYS_getcpu },
	{ "__vdso_getrandom", SYS_getrandom },
};

static uint64_t auxv_sysinfo(pid_t pid)
{
	char path[64];
	Elf64_auxv_t av[64];
	ssize_t n;
	size_t i;
	int fd;

	snprintf(path, sizeof(path), "/proc/%d/auxv", (int)pid);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return 0;
	n = read(fd, av, sizeof(av));
	close(fd);
	for (i = 0; n > 0 && i < (size_t)n / sizeof(av[0]); i++)
		if (av[i].a_type == AT_SYSINFO_EHDR)
			return av[i].a_un.a_val;
	return 0;
}

/* Finds the dynamic symbol table through the section headers, which the
 * kernel's vDSO image keeps. */
static int find_dynsym(const unsigned char *img, size_t size, const Elf64_Shdr **sym,
		       const Elf64_Shdr **str)
{
	const Elf64_Ehdr *eh = (const void *)img;
	const Elf64_Shdr *sh;
	int i;

	if (memcmp(eh->e_ident, ELFMAG, SELFMAG) || eh->e_shoff + eh->e_shnum * sizeof(*sh) > size)
		return -ENOEXEC;
	sh = (const void *)(img + eh->e_shoff);
	for (i = 0; i < eh->e_shnum; i++) {
		if (sh[i].sh_type != SHT_DYNSYM || sh[i].sh_link >= eh->e_shnum)
			continue;
		*sym = &sh[i];
		*str = &sh[sh[i].sh_link];
		if ((*sym)->sh_offset + (*sym)->sh_size > size ||
		    (*str)->sh_offset + (*str)->sh_size > size)
			return -ENOEXEC;
		return 0;
	}
	return -ENOEXEC;
}

static uint64_t load_bias(const unsigned char *img)
{
	const Elf64_Ehdr *eh = (const void *)img;
	const Elf64_Phdr *ph = (const void *)(img + eh->e_phoff);
	int i;

	for (i = 0; i < eh->e_phnum; i++)
		if (ph[i].p_type == PT_LOAD)
			return ph[i].p_vaddr;
	return 0;
}

static int patch_symbols(pid_t pid, uint64_t base, const unsigned char *img, size_t size)
{
	const Elf64_Shdr *symsh, *strsh;
	const Elf64_Sym *syms;
	const char *strs;
	size_t i, k, count;
	uint64_t bias = load_bias(img);
	int err = find_dynsym(img, size, &symsh, &strsh);

	if (err)
		return err;
	syms = (const void *)(img + symsh->sh_offset);
	strs = (const char *)img + strsh->sh_offset;
	count = symsh->sh_size / sizeof(*syms);
	for (i = 0; i < count; i++) {
		const char *name = strs + syms[i].st_name;

		if (syms[i].st_name >= strsh->sh_size || !syms[i].st_value)
			continue;
		for (k = 0; k < sizeof(patches) / sizeof(patches[0]); k++) {
			/* mov $nr, %eax; syscall; ret */
			unsigned char code[8] = { 0xb8, 0, 0, 0, 0, 0x0f, 0x05, 0xc3 };
			uint32_t nr = patches[k].nr;

			if (strcmp(name, patches[k].name))
				continue;
			memcpy(code + 1, &nr, 4);
			err = mem_poke(pid, base + syms[i].st_value - bias, code, sizeof(code));
			if (err)
				return err;
		}
	}
	return 0;
}

int vdso_patch(pid_t pid)
{
	uint64_t base = auxv_sysinfo(pid);
	unsigned char *img;
	int err;

	if (!base)
		return 0; /* no vDSO: nothing reads time behind our back */
	img = xmalloc(VDSO_MAX);
	/* The image is at most a few pages; read what is mapped. */
	err = mem_read(pid, base, img, 8192);
	if (!err) {
		const Elf64_Ehdr *eh = (const void *)img;
		size_t size = eh->e_shoff + eh->e_shnum * sizeof(Elf64_Shdr);

		if (size > 8192 && size <= VDSO_MAX)
			err = mem_read(pid, base, img, size);
		if (!err)
			err = patch_symbols(pid, base, img, size <= VDSO_MAX ? size : VDSO_MAX);
	}
	free(img);
	return err;
}

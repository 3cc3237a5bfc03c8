/* SPDX-License-Identifier: MIT */
/* The memfd behind every map, and its mapping in this process. */
#include "maps/shm.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

size_t map_page_size(void)
{
	static size_t page;
	if (!page)
		page = (size_t)sysconf(_SC_PAGESIZE);
	return page;
}

/* Reserves [private page][file][dup copy of the file's tail] and maps the
 * pieces into it with MAP_FIXED. */
static int map_shm_map(struct bpfrt_map *map, int fd, size_t file_sz, uint64_t dup_size)
{
	size_t page = map_page_size();
	size_t sz = page + file_sz + dup_size;
	char *base = mmap(NULL, sz, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	if (base == MAP_FAILED)
		return -errno;
	if (mmap(base, page, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1,
		 0) == MAP_FAILED ||
	    mmap(base + page, file_sz, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_FIXED, fd, 0) ==
		    MAP_FAILED ||
	    (dup_size && mmap(base + page + file_sz, dup_size, PROT_READ | PROT_WRITE,
			      MAP_SHARED | MAP_FIXED, fd, (off_t)(file_sz - dup_size)) == MAP_FAILED)) {
		int err = -errno;
		munmap(base, sz);
		return err;
	}
	*(struct bpfrt_map **)base = map;
	map->region = base;
	map->region_sz = sz;
	map->hdr = (struct map_shm_hdr *)(base + page);
	return 0;
}

int map_shm_create(struct bpfrt_map *map, const struct map_shm_hdr *hdr)
{
	char name[32 + BPFRT_MAP_NAME_LEN];
	size_t file_sz = hdr->data_off + hdr->data_size;
	int err;

	if (hdr->data_size > (1ULL << 40) || hdr->dup_size > hdr->data_size)
		return -E2BIG;
	snprintf(name, sizeof(name), "bpfrt-map:%s", hdr->name);
	int fd = memfd_create(name, MFD_CLOEXEC | MFD_ALLOW_SEALING);
	if (fd < 0)
		return -errno;
	if (fchmod(fd, 0600) < 0 || ftruncate(fd, (off_t)file_sz) < 0) {
		err = -errno;
		close(fd);
		return err;
	}
	err = map_shm_map(map, fd, file_sz, hdr->dup_size);
	if (err) {
		close(fd);
		return err;
	}
	memcpy(map->hdr, hdr, sizeof(*hdr));
	map->fd = fd;
	return 0;
}

int map_shm_open(struct bpfrt_map *map, int fd)
{
	struct map_shm_hdr hdr;
	struct stat st;
	int err;

	if (fstat(fd, &st) < 0)
		return -errno;
	if (pread(fd, &hdr, sizeof(hdr), 0) != (ssize_t)sizeof(hdr))
		return -EINVAL;
	if (hdr.magic != MAP_SHM_MAGIC || hdr.version != MAP_SHM_VERSION ||
	    hdr.data_off != map_page_size() || hdr.dup_size > hdr.data_size ||
	    (uint64_t)st.st_size != hdr.data_off + hdr.data_size)
		return -EINVAL;
	int dfd = fcntl(fd, F_DUPFD_CLOEXEC, 0);
	if (dfd < 0)
		return -errno;
	err = map_shm_map(map, dfd, (size_t)st.st_size, hdr.dup_size);
	if (err) {
		close(dfd);
		return err;
	}
	map->fd = dfd;
	return 0;
}

void map_shm_close(struct bpfrt_map *map)
{
	if (map->region)
		munmap(map->region, map->region_sz);
	if (map->fd >= 0)
		close(map->fd);
	map->region = NULL;
	map->fd = -1;
}

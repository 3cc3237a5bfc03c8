/* SPDX-License-Identifier: MIT */
/* kbpf — the kernel's bpf() through forked children; see kbpf.h. */
#include "kbpf.h"

#include <errno.h>
#include <linux/bpf.h>
#include <poll.h>
#include <signal.h>
#include <stdbool.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define KBPF_DEFAULT_TIMEOUT_MS 10000

static long sys_bpf(int cmd, union bpf_attr *attr)
{
	return syscall(__NR_bpf, cmd, attr, sizeof(*attr));
}

const char *kbpf_outcome_name(enum kbpf_outcome o)
{
	static const char *const names[] = {
		[KBPF_OK] = "ok",	       [KBPF_REJECTED] = "rejected",
		[KBPF_RUN_FAILED] = "run failed", [KBPF_KILLED] = "child killed",
		[KBPF_TIMEOUT] = "timeout",    [KBPF_CHILD_ERR] = "child error",
	};
	return (unsigned)o < sizeof(names) / sizeof(names[0]) ? names[o] : "?";
}

/* ---- raw syscalls ------------------------------------------------------ */

int kbpf_raw_prog_load(const struct kbpf_prog *p)
{
	union bpf_attr a;

	memset(&a, 0, sizeof(a));
	a.prog_type = p->prog_type ? p->prog_type : BPF_PROG_TYPE_SOCKET_FILTER;
	a.expected_attach_type = p->expected_attach_type;
	a.prog_flags = p->prog_flags;
	a.insns = (uint64_t)(uintptr_t)p->insns;
	a.insn_cnt = (uint32_t)p->insn_cnt;
	a.license = (uint64_t)(uintptr_t)(p->license ? p->license : "GPL");
	if (p->log_buf && p->log_size) {
		p->log_buf[0] = '\0';
		a.log_buf = (uint64_t)(uintptr_t)p->log_buf;
		a.log_size = (uint32_t)p->log_size;
		a.log_level = p->log_level ? p->log_level : 1;
	}
	long fd = sys_bpf(BPF_PROG_LOAD, &a);
	if (fd < 0 && errno == ENOSPC && a.log_level) {
		/* The log was too small: the verdict is what matters, retry
		 * without a log so a long log is not taken for a rejection. */
		a.log_buf = 0;
		a.log_size = 0;
		a.log_level = 0;
		fd = sys_bpf(BPF_PROG_LOAD, &a);
	}
	return fd < 0 ? -errno : (int)fd;
}

int kbpf_raw_test_run(int prog_fd, struct kbpf_run *run, uint32_t *retval, uint32_t *duration)
{
	union bpf_attr a;

	memset(&a, 0, sizeof(a));
	a.test.prog_fd = (uint32_t)prog_fd;
	a.test.data_in = (uint64_t)(uintptr_t)run->data_in;
	a.test.data_size_in = run->data_size_in;
	a.test.data_out = (uint64_t)(uintptr_t)run->data_out;
	a.test.data_size_out = run->data_out ? run->data_size_out : 0;
	a.test.ctx_in = (uint64_t)(uintptr_t)run->ctx_in;
	a.test.ctx_size_in = run->ctx_size_in;
	a.test.repeat = run->repeat;
	if (sys_bpf(BPF_PROG_TEST_RUN, &a) < 0)
		return -errno;
	*retval = a.test.retval;
	*duration = a.test.duration;
	if (run->data_out)
		run->data_size_out = a.test.data_size_out;
	return 0;
}

/* ---- maps --------------------------------------------------------------- */

static int map_create(uint32_t map_type, uint32_t key_size, uint32_t value_size,
		      uint32_t max_entries, uint32_t flags, int inner_fd)
{
	union bpf_attr a;

	memset(&a, 0, sizeof(a));
	a.map_type = map_type;
	a.key_size = key_size;
	a.value_size = value_size;
	a.max_entries = max_entries;
	a.map_flags = flags;
	a.inner_map_fd = (uint32_t)inner_fd;
	long fd = sys_bpf(BPF_MAP_CREATE, &a);
	return fd < 0 ? -errno : (int)fd;
}

int kbpf_map_create(uint32_t map_type, uint32_t key_size, uint32_t value_size,
		    uint32_t max_entries, uint32_t flags)
{
	return map_create(map_type, key_size, value_size, max_entries, flags, 0);
}

int kbpf_map_create_outer(uint32_t map_type, uint32_t key_size, uint32_t max_entries,
			  uint32_t flags, int inner_fd)
{
	return map_create(map_type, key_size, sizeof(uint32_t), max_entries, flags, inner_fd);
}

int kbpf_map_id(int fd)
{
	struct bpf_map_info info;
	union bpf_attr a;

	memset(&a, 0, sizeof(a));
	memset(&info, 0, sizeof(info));
	a.info.bpf_fd = (uint32_t)fd;
	a.info.info_len = sizeof(info);
	a.info.info = (uint64_t)(uintptr_t)&info;
	return sys_bpf(BPF_OBJ_GET_INFO_BY_FD, &a) < 0 ? -errno : (int)info.id;
}

static int map_elem(int cmd, int fd, const void *key, void *value, uint64_t flags)
{
	union bpf_attr a;

	memset(&a, 0, sizeof(a));
	a.map_fd = (uint32_t)fd;
	a.key = (uint64_t)(uintptr_t)key;
	a.value = (uint64_t)(uintptr_t)value; /* also next_key */
	a.flags = flags;
	return sys_bpf(cmd, &a) < 0 ? -errno : 0;
}

int kbpf_map_update(int fd, const void *key, const void *value, uint64_t flags)
{
	return map_elem(BPF_MAP_UPDATE_ELEM, fd, key, (void *)value, flags);
}

int kbpf_map_lookup(int fd, const void *key, void *value)
{
	return map_elem(BPF_MAP_LOOKUP_ELEM, fd, key, value, 0);
}

int kbpf_map_freeze(int fd)
{
	union bpf_attr a;

	memset(&a, 0, sizeof(a));
	a.map_fd = (uint32_t)fd;
	return sys_bpf(BPF_MAP_FREEZE, &a) < 0 ? -errno : 0;
}

int kbpf_map_delete(int fd, const void *key)
{
	return map_elem(BPF_MAP_DELETE_ELEM, fd, key, NULL, 0);
}

int kbpf_map_next_key(int fd, const void *key, void *next_key)
{
	return map_elem(BPF_MAP_GET_NEXT_KEY, fd, key, next_key, 0);
}

/* ---- children ----------------------------------------------------------- */

static int64_t now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* Waits for `pid` up to `timeout_ms`; true when it was reaped. */
static bool wait_child(pid_t pid, int pidfd, unsigned timeout_ms, int *wstatus)
{
	int64_t deadline = now_ms() + timeout_ms;

	for (;;) {
		pid_t r = waitpid(pid, wstatus, WNOHANG);
		if (r == pid)
			return true;
		if (r < 0 && errno != EINTR)
			return false;
		int64_t left = deadline - now_ms();
		if (left <= 0)
			return false;
		if (pidfd >= 0) {
			struct pollfd pfd = {.fd = pidfd, .events = POLLIN};
			poll(&pfd, 1, (int)(left > 100 ? 100 : left));
		} else {
			usleep(1000);
		}
	}
}

enum kbpf_outcome kbpf_in_child(int (*fn)(void *arg, void *shm), void *arg, void *shm_out,
				size_t shm_size, unsigned timeout_ms, int *status)
{
	size_t map_size = shm_size ? shm_size : 1;
	void *shm = mmap(NULL, map_size, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	int wstatus = 0;

	*status = 0;
	if (shm == MAP_FAILED) {
		*status = -errno;
		return KBPF_CHILD_ERR;
	}
	if (!timeout_ms)
		timeout_ms = KBPF_DEFAULT_TIMEOUT_MS;
	pid_t pid = fork();
	if (pid < 0) {
		*status = -errno;
		munmap(shm, map_size);
		return KBPF_CHILD_ERR;
	}
	if (pid == 0)
		_exit(fn(arg, shm) & 0xff);

	int pidfd = (int)syscall(SYS_pidfd_open, pid, 0);
	enum kbpf_outcome out;
	if (wait_child(pid, pidfd, timeout_ms, &wstatus)) {
		if (WIFEXITED(wstatus)) {
			*status = WEXITSTATUS(wstatus);
			out = KBPF_OK;
		} else if (WIFSIGNALED(wstatus)) {
			*status = WTERMSIG(wstatus);
			out = KBPF_KILLED;
		} else {
			out = KBPF_CHILD_ERR;
		}
	} else {
		kill(pid, SIGKILL);
		/* A child stuck in the kernel may never die: do not hang on it. */
		wait_child(pid, pidfd, 2000, &wstatus);
		out = KBPF_TIMEOUT;
	}
	if (pidfd >= 0)
		close(pidfd);
	if (shm_out && shm_size) /* also after a death: what it finished */
		memcpy(shm_out, shm, shm_size);
	munmap(shm, map_size);
	return out;
}

/* The shared area of a load/run child: per program, this header, then the
 * durations, then the log, then data_out. */
struct run_shm {
	int32_t done; /* the child finished this program */
	int32_t outcome;
	int32_t err;
	uint32_t retval;
	uint32_t duration;
	uint32_t data_size_out;
};

struct run_item {
	const struct kbpf_prog *prog;
	struct kbpf_run *run; /* NULL: load only */
	size_t off, durations_off, log_off, data_off, end;
};

struct run_job {
	struct run_item *items;
	size_t n;
};

static void run_one(const struct run_item *it, char *base)
{
	struct run_shm *h = (struct run_shm *)(base + it->off);
	struct kbpf_prog p = *it->prog;

	p.log_buf = p.log_buf && p.log_size ? base + it->log_off : NULL;
	int fd = kbpf_raw_prog_load(&p);
	if (fd < 0) {
		h->outcome = KBPF_REJECTED;
		h->err = fd;
		return;
	}
	h->outcome = KBPF_OK;
	if (!it->run)
		goto out;
	struct kbpf_run r = *it->run;
	uint32_t rounds = r.rounds ? r.rounds : 1;
	uint32_t *durations = (uint32_t *)(base + it->durations_off);
	if (r.data_out)
		r.data_out = base + it->data_off;
	for (uint32_t i = 0; i < rounds; i++) {
		r.data_size_out = it->run->data_size_out;
		int err = kbpf_raw_test_run(fd, &r, &h->retval, &h->duration);
		if (err) {
			h->outcome = KBPF_RUN_FAILED;
			h->err = err;
			goto out;
		}
		durations[i] = h->duration;
	}
	h->data_size_out = r.data_size_out;
out:
	close(fd);
}

static int run_child(void *arg, void *shm)
{
	struct run_job *job = arg;

	for (size_t i = 0; i < job->n; i++) {
		run_one(&job->items[i], shm);
		((struct run_shm *)((char *)shm + job->items[i].off))->done = 1;
	}
	return 0;
}

static void collect(const struct run_item *it, const char *shm, struct kbpf_result *res)
{
	const struct run_shm *h = (const struct run_shm *)(shm + it->off);
	const struct kbpf_prog *p = it->prog;
	struct kbpf_run *run = it->run;
	uint32_t rounds = run && run->rounds ? run->rounds : 1;

	res->outcome = (enum kbpf_outcome)h->outcome;
	res->err = h->err;
	res->retval = h->retval;
	res->duration = h->duration;
	if (p->log_buf && p->log_size) {
		memcpy(p->log_buf, shm + it->log_off, p->log_size);
		p->log_buf[p->log_size - 1] = '\0';
	}
	if (run && res->outcome == KBPF_OK) {
		if (run->durations)
			memcpy(run->durations, shm + it->durations_off, rounds * sizeof(uint32_t));
		if (run->data_out) {
			size_t cap = run->data_size_out;
			run->data_size_out = h->data_size_out;
			memcpy(run->data_out, shm + it->data_off,
			       h->data_size_out < cap ? h->data_size_out : cap);
		}
	}
}

int kbpf_prog_run_batch(const struct kbpf_prog *progs, struct kbpf_run *runs, size_t n,
			unsigned timeout_ms, struct kbpf_result *res)
{
	struct run_item items[KBPF_MAX_BATCH];
	struct run_job job = {.items = items, .n = n};
	size_t off = 0;

	if (n == 0 || n > KBPF_MAX_BATCH)
		return -EINVAL;
	for (size_t i = 0; i < n; i++) {
		struct kbpf_run *run = runs ? &runs[i] : NULL;
		uint32_t rounds = run && run->rounds ? run->rounds : 1;
		memset(&res[i], 0, sizeof(res[i]));
		if (!progs[i].insns || !progs[i].insn_cnt)
			return -EINVAL;
		items[i].prog = &progs[i];
		items[i].run = run;
		items[i].off = off;
		items[i].durations_off = off + sizeof(struct run_shm);
		items[i].log_off = items[i].durations_off + rounds * sizeof(uint32_t);
		items[i].data_off = items[i].log_off + (progs[i].log_buf ? progs[i].log_size : 0);
		items[i].end = items[i].data_off + (run && run->data_out ? run->data_size_out : 0);
		off = (items[i].end + 7) & ~(size_t)7;
	}

	void *shm = mmap(NULL, off, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (shm == MAP_FAILED)
		return -errno;
	int status;
	enum kbpf_outcome out = kbpf_in_child(run_child, &job, shm, off, timeout_ms, &status);
	if (out == KBPF_OK && status != 0)
		out = KBPF_CHILD_ERR;
	for (size_t i = 0; i < n; i++) {
		const struct run_shm *h = (const struct run_shm *)((char *)shm + items[i].off);
		if (out != KBPF_CHILD_ERR && h->done) {
			collect(&items[i], shm, &res[i]);
			continue;
		}
		/* Not finished: the one the child died on, and those after it. */
		res[i].outcome = out == KBPF_OK ? KBPF_CHILD_ERR : out;
		if (out == KBPF_KILLED)
			res[i].signal = status;
		else
			res[i].err = status < 0 ? status : -ECHILD;
	}
	munmap(shm, off);
	return 0;
}

int kbpf_prog_check(const struct kbpf_prog *p, unsigned timeout_ms, struct kbpf_result *res)
{
	return kbpf_prog_run_batch(p, NULL, 1, timeout_ms, res);
}

int kbpf_prog_run(const struct kbpf_prog *p, struct kbpf_run *run, struct kbpf_result *res)
{
	if (!run)
		return -EINVAL;
	return kbpf_prog_run_batch(p, run, 1, run->timeout_ms, res);
}

int kbpf_available(void)
{
	static int cached = 1; /* 1: not probed yet */
	static const struct bpfrt_insn ret0[] = {
		{.code = BPFRT_ALU64 | BPFRT_MOV | BPFRT_K, .dst_reg = 0, .imm = 0},
		{.code = BPFRT_JMP | BPFRT_EXIT},
	};
	struct kbpf_prog p = {.insns = ret0, .insn_cnt = 2};
	struct kbpf_result res;

	if (cached != 1)
		return cached;
	if (kbpf_prog_check(&p, 5000, &res))
		cached = -ECHILD;
	else if (res.outcome == KBPF_OK)
		cached = 0;
	else if (res.outcome == KBPF_REJECTED)
		cached = res.err;
	else
		cached = -ECHILD;
	return cached;
}

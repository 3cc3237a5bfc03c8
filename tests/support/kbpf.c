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
	a.license = (uint64_t)(uintptr_t)"GPL";
	if (p->log_buf && p->log_size) {
		p->log_buf[0] = '\0';
		a.log_buf = (uint64_t)(uintptr_t)p->log_buf;
		a.log_size = (uint32_t)p->log_size;
		a.log_level = 1;
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

int kbpf_map_create(uint32_t map_type, uint32_t key_size, uint32_t value_size,
		    uint32_t max_entries, uint32_t flags)
{
	union bpf_attr a;

	memset(&a, 0, sizeof(a));
	a.map_type = map_type;
	a.key_size = key_size;
	a.value_size = value_size;
	a.max_entries = max_entries;
	a.map_flags = flags;
	long fd = sys_bpf(BPF_MAP_CREATE, &a);
	return fd < 0 ? -errno : (int)fd;
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
	if (out == KBPF_OK && shm_out && shm_size)
		memcpy(shm_out, shm, shm_size);
	munmap(shm, map_size);
	return out;
}

/* The shared area of a load/run child: this header, then the durations,
 * then the log, then data_out. */
struct run_shm {
	int32_t outcome;
	int32_t err;
	uint32_t retval;
	uint32_t duration;
	uint32_t data_size_out;
};

struct run_job {
	const struct kbpf_prog *prog;
	struct kbpf_run *run; /* NULL: load only */
	size_t durations_off, log_off, data_off;
};

static int run_child(void *arg, void *shm)
{
	struct run_job *job = arg;
	struct run_shm *h = shm;
	struct kbpf_prog p = *job->prog;
	char *base = shm;

	p.log_buf = p.log_buf ? base + job->log_off : NULL;
	int fd = kbpf_raw_prog_load(&p);
	if (fd < 0) {
		h->outcome = KBPF_REJECTED;
		h->err = fd;
		return 0;
	}
	if (!job->run) {
		h->outcome = KBPF_OK;
		return 0;
	}
	struct kbpf_run r = *job->run;
	uint32_t rounds = r.rounds ? r.rounds : 1;
	uint32_t *durations = (uint32_t *)(base + job->durations_off);
	if (r.data_out)
		r.data_out = base + job->data_off;
	for (uint32_t i = 0; i < rounds; i++) {
		r.data_size_out = job->run->data_size_out;
		int err = kbpf_raw_test_run(fd, &r, &h->retval, &h->duration);
		if (err) {
			h->outcome = KBPF_RUN_FAILED;
			h->err = err;
			return 0;
		}
		durations[i] = h->duration;
	}
	h->data_size_out = r.data_size_out;
	h->outcome = KBPF_OK;
	return 0;
}

static int load_or_run(const struct kbpf_prog *p, struct kbpf_run *run, unsigned timeout_ms,
		       struct kbpf_result *res)
{
	struct run_job job = {.prog = p, .run = run};
	uint32_t rounds = run && run->rounds ? run->rounds : 1;
	size_t log_size = p->log_buf ? p->log_size : 0;
	size_t data_size = run && run->data_out ? run->data_size_out : 0;

	memset(res, 0, sizeof(*res));
	if (!p->insns || !p->insn_cnt)
		return -EINVAL;
	job.durations_off = sizeof(struct run_shm);
	job.log_off = job.durations_off + rounds * sizeof(uint32_t);
	job.data_off = job.log_off + log_size;
	size_t shm_size = job.data_off + data_size;

	void *shm = mmap(NULL, shm_size, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (shm == MAP_FAILED)
		return -errno;
	int status;
	enum kbpf_outcome out = kbpf_in_child(run_child, &job, shm, shm_size, timeout_ms, &status);
	const struct run_shm *h = shm;
	if (out == KBPF_OK && status != 0)
		out = KBPF_CHILD_ERR;
	res->outcome = out;
	if (out == KBPF_OK) {
		res->outcome = (enum kbpf_outcome)h->outcome;
		res->err = h->err;
		res->retval = h->retval;
		res->duration = h->duration;
		if (log_size) {
			memcpy(p->log_buf, (char *)shm + job.log_off, log_size);
			p->log_buf[log_size - 1] = '\0';
		}
		if (run && res->outcome == KBPF_OK) {
			if (run->durations)
				memcpy(run->durations, (char *)shm + job.durations_off,
				       rounds * sizeof(uint32_t));
			if (run->data_out) {
				run->data_size_out = h->data_size_out;
				memcpy(run->data_out, (char *)shm + job.data_off,
				       h->data_size_out < data_size ? h->data_size_out : data_size);
			}
		}
	} else if (out == KBPF_KILLED) {
		res->signal = status;
	} else {
		res->err = status < 0 ? status : -ECHILD;
	}
	munmap(shm, shm_size);
	return 0;
}

int kbpf_prog_check(const struct kbpf_prog *p, unsigned timeout_ms, struct kbpf_result *res)
{
	return load_or_run(p, NULL, timeout_ms, res);
}

int kbpf_prog_run(const struct kbpf_prog *p, struct kbpf_run *run, struct kbpf_result *res)
{
	if (!run)
		return -EINVAL;
	return load_or_run(p, run, run->timeout_ms, res);
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
	if (load_or_run(&p, NULL, 5000, &res))
		cached = -ECHILD;
	else if (res.outcome == KBPF_OK)
		cached = 0;
	else if (res.outcome == KBPF_REJECTED)
		cached = res.err;
	else
		cached = -ECHILD;
	return cached;
}

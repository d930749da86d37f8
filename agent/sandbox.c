/* sandbox.c — seccomp allowlists (libseccomp). */
#include <errno.h>
#include <grp.h>
#include <pwd.h>
#include <seccomp.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/prctl.h>
#include <unistd.h>

#include "agent/sandbox.h"
#include "xfrsync_config.h"

#if CFG_SECCOMP_DEBUG
static void
on_sigsys(int sig, siginfo_t *si, void *uc)
{
	char msg[96];
	char *name;
	int n;

	(void)sig;
	(void)uc;
	name = seccomp_syscall_resolve_num_arch(SCMP_ARCH_NATIVE,
	    si->si_syscall);
	n = snprintf(msg, sizeof msg, "xfrsync: seccomp: system call %s (%d) "
	    "not allowed\n", name ? name : "?", si->si_syscall);
	if (n > 0)
		(void)write(2, msg, (size_t)n);
	_exit(159);
}
#endif

static int
load(const int *calls, size_t n)
{
	scmp_filter_ctx ctx;
	uint32_t deny = CFG_SECCOMP_DEBUG ? SCMP_ACT_TRAP : SCMP_ACT_KILL_PROCESS;
	size_t i;
	int rc = 0;

	if (CFG_SANITIZE)
		return 0; /* the sanitizer runtime needs more than we allow */
#if CFG_SECCOMP_DEBUG
	{
		struct sigaction sa;

		memset(&sa, 0, sizeof sa);
		sa.sa_sigaction = on_sigsys;
		sa.sa_flags = SA_SIGINFO;
		sigaction(SIGSYS, &sa, NULL);
	}
#endif
	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0) {
		fprintf(stderr, "xfrsync: no_new_privs: %s\n", strerror(errno));
		return -1;
	}
	if ((ctx = seccomp_init(deny)) == NULL) {
		fprintf(stderr, "xfrsync: seccomp_init failed\n");
		return -1;
	}
	for (i = 0; i < n && rc == 0; i++)
		rc = seccomp_rule_add(ctx, SCMP_ACT_ALLOW, calls[i], 0);
	if (rc == 0)
		rc = seccomp_load(ctx);
	seccomp_release(ctx);
	if (rc != 0) {
		fprintf(stderr, "xfrsync: seccomp: %s\n", strerror(-rc));
		return -1;
	}
	return 0;
}

int
sandbox_enter_filter(void)
{
	static const int calls[] = {
		SCMP_SYS(write), SCMP_SYS(writev), SCMP_SYS(exit),
		SCMP_SYS(exit_group), SCMP_SYS(brk), SCMP_SYS(mmap),
		SCMP_SYS(munmap), SCMP_SYS(mremap), SCMP_SYS(rt_sigreturn),
		SCMP_SYS(ioctl), SCMP_SYS(close), SCMP_SYS(fstat),
		SCMP_SYS(lseek), SCMP_SYS(madvise),
	};

	return load(calls, sizeof calls / sizeof calls[0]);
}

static int
drop_to(const char *user)
{
	struct passwd *pw = getpwnam(user);

	if (pw == NULL) {
		fprintf(stderr, "xfrsync: no such user: %s\n", user);
		return -1;
	}
	if (setgroups(0, NULL) != 0 || setgid(pw->pw_gid) != 0 ||
	    setuid(pw->pw_uid) != 0) {
		fprintf(stderr, "xfrsync: cannot become %s: %s\n", user,
		    strerror(errno));
		return -1;
	}
	if (pw->pw_uid != 0 && setuid(0) == 0) {
		fprintf(stderr, "xfrsync: could regain root after dropping it\n");
		return -1;
	}
	return 0;
}

int
sandbox_enter_daemon(const char *user)
{
	static const int calls[] = {
		/* descriptors and the loop */
		SCMP_SYS(read), SCMP_SYS(write), SCMP_SYS(readv),
		SCMP_SYS(writev), SCMP_SYS(close), SCMP_SYS(poll),
		SCMP_SYS(ppoll), SCMP_SYS(fcntl), SCMP_SYS(fstat),
		SCMP_SYS(newfstatat), SCMP_SYS(lseek), SCMP_SYS(ioctl),
		/* network: listeners, SOA queries, transfers, ctl, syslog */
		SCMP_SYS(socket), SCMP_SYS(connect), SCMP_SYS(accept4),
		SCMP_SYS(sendto), SCMP_SYS(recvfrom), SCMP_SYS(sendmsg),
		SCMP_SYS(recvmsg), SCMP_SYS(getsockopt), SCMP_SYS(setsockopt),
		SCMP_SYS(shutdown), SCMP_SYS(getsockname),
		/* memory */
		SCMP_SYS(brk), SCMP_SYS(mmap), SCMP_SYS(munmap),
		SCMP_SYS(mremap), SCMP_SYS(madvise),
		/* time, randomness, signals, identity for log lines */
		SCMP_SYS(clock_gettime), SCMP_SYS(gettimeofday), SCMP_SYS(time),
		SCMP_SYS(getrandom), SCMP_SYS(rt_sigprocmask),
		SCMP_SYS(rt_sigreturn), SCMP_SYS(getpid),
		/* reload reads the configuration; stop removes the socket;
		 * state files are written and renamed into place */
		SCMP_SYS(open), SCMP_SYS(openat), SCMP_SYS(unlink),
		SCMP_SYS(rename), SCMP_SYS(renameat), SCMP_SYS(renameat2),
		SCMP_SYS(fsync),
		SCMP_SYS(exit), SCMP_SYS(exit_group),
	};

	if (CFG_SANITIZE)
		return 0;
	if (user != NULL && drop_to(user) != 0)
		return -1;
	return load(calls, sizeof calls / sizeof calls[0]);
}

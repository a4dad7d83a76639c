/* bench_time.c - bench-time: runs a command and writes what it cost: wall
 * seconds, CPU seconds (user + system) and peak resident memory, to the file
 * named by its first argument. bench/run.sh times every step with it: CPU
 * time to the microsecond from wait4's rusage is steadier than wall time on a
 * shared machine, where a step can wait for a processor it does not use.
 * (getrusage of RUSAGE_CHILDREN covers exactly the command: it is the only
 * child.)
 *
 * usage: bench-time REPORT COMMAND [ARG...]
 *        REPORT gets one line: "WALL CPU PEAK_KB" (seconds, seconds, KiB).
 * Exits with the command's status (128 + signal when it was killed), or 127
 * when it cannot be run. */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/time.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static double seconds(struct timeval t)
{
	return (double)t.tv_sec + (double)t.tv_usec / 1e6;
}

int main(int argc, char **argv)
{
	if (argc < 3) {
		fputs("usage: bench-time REPORT COMMAND [ARG...]\n", stderr);
		return 64;
	}
	struct timespec t0, t1;
	clock_gettime(CLOCK_MONOTONIC, &t0);
	const pid_t pid = fork();
	if (pid < 0) {
		fprintf(stderr, "bench-time: cannot fork: %s\n", strerror(errno));
		return 127;
	}
	if (pid == 0) {
		execvp(argv[2], argv + 2);
		fprintf(stderr, "bench-time: cannot run %s: %s\n", argv[2], strerror(errno));
		_exit(127);
	}
	int status;
	while (waitpid(pid, &status, 0) < 0) {
		if (errno != EINTR) {
			fprintf(stderr, "bench-time: cannot wait for %s: %s\n", argv[2], strerror(errno));
			return 127;
		}
	}
	clock_gettime(CLOCK_MONOTONIC, &t1);
	struct rusage ru;
	if (getrusage(RUSAGE_CHILDREN, &ru) != 0) {
		fprintf(stderr, "bench-time: cannot read the resource use: %s\n", strerror(errno));
		return 127;
	}
	const double wall = (double)(t1.tv_sec - t0.tv_sec) + (double)(t1.tv_nsec - t0.tv_nsec) / 1e9;
	FILE *out = fopen(argv[1], "w");
	if (!out) {
		fprintf(stderr, "bench-time: cannot write %s: %s\n", argv[1], strerror(errno));
		return 127;
	}
	fprintf(out, "%.6f %.6f %ld\n", wall, seconds(ru.ru_utime) + seconds(ru.ru_stime), ru.ru_maxrss);
	if (fclose(out) != 0) {
		fprintf(stderr, "bench-time: cannot write %s: %s\n", argv[1], strerror(errno));
		return 127;
	}
	if (WIFSIGNALED(status))
		return 128 + WTERMSIG(status);
	return WEXITSTATUS(status);
}

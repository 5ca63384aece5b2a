/* A child must not read what its parent has yet to write. The parent and
 * its child share a page (MAP_SHARED, which the monitor does not see) and
 * two pipes: each round the parent looks at the page, then writes a byte
 * down; the child reads it, marks the round on the page and answers up.
 * Before its write the parent must find the page as the child left it
 * after the round before. A pipe the replicas made is one pipe the
 * monitor holds; if a write to it ran once a majority of parents came to
 * it, the child of a replica behind would read a byte its own parent had
 * not written yet, mark the page, and that parent would see it (a line
 * "round N: ..."), as Apache's parent saw its children stop before it
 * told them to (issue 13). Prints the rounds done; exit 1 on a fault. */
#include <stdio.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

static void child(volatile int *page, int down, int up)
{
	char c;

	while (read(down, &c, 1) == 1) {
		*page += 1;
		if (write(up, "k", 1) != 1)
			_exit(2);
	}
	_exit(0);
}

/* A little work with calls in it, so that replicas fall behind each
 * other by scheduling, as a server's parent between two writes does. */
static void busy(int round)
{
	volatile unsigned long x = 0;
	int i;

	for (i = 0; i < round % 4; i++)
		x += (unsigned long)getppid();
	for (i = 0; i < 20000; i++)
		x += (unsigned long)i * i;
}

int main(int argc, char **argv)
{
	int rounds = argc > 1 ? atoi(argv[1]) : 300;
	int down[2], up[2], i, st;
	volatile int *page;
	char c;
	pid_t pid;

	setvbuf(stdout, NULL, _IOLBF, 0);
	page = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (page == MAP_FAILED || pipe(down) || pipe(up)) {
		perror("pipecause: set-up");
		return 1;
	}
	pid = fork();
	if (pid < 0) {
		perror("pipecause: fork");
		return 1;
	}
	if (pid == 0) {
		close(down[1]);
		close(up[0]);
		child(page, down[0], up[1]);
	}
	close(down[0]);
	close(up[1]);
	for (i = 0; i < rounds; i++) {
		busy(i);
		if (*page != i) {
			printf("round %d: the child read a byte before its parent wrote it (page %d)\n",
			       i, *page);
			return 1;
		}
		if (write(down[1], "x", 1) != 1 || read(up[0], &c, 1) != 1) {
			perror("pipecause: round");
			return 1;
		}
	}
	close(down[1]);
	if (waitpid(pid, &st, 0) != pid || !WIFEXITED(st) || WEXITSTATUS(st)) {
		printf("pipecause: the child did not end well\n");
		return 1;
	}
	printf("%d rounds\n", rounds);
	return 0;
}

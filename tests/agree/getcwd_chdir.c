/* chdir(2) then getcwd(3): "/" after chdir("/"), "/etc" after chdir("etc")
 * from there, "/" again after chdir(".."); a relative open follows the new
 * directory; chdir to a missing directory fails with ENOENT and leaves the
 * directory as it was. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

static void where(const char *after)
{
	char buf[4096];

	printf("after %s: %s\n", after, getcwd(buf, sizeof(buf)) ? buf : strerror(errno));
}

int main(void)
{
	int r, e, fd;

	printf("chdir(\"/\"): %d\n", chdir("/"));
	where("chdir(\"/\")");
	printf("chdir(\"etc\"): %d\n", chdir("etc"));
	where("chdir(\"etc\")");
	fd = open("passwd", O_RDONLY);
	printf("open(\"passwd\") there: %s\n", fd >= 0 ? "opened" : strerror(errno));
	if (fd >= 0)
		close(fd);
	printf("chdir(\"..\"): %d\n", chdir(".."));
	where("chdir(\"..\")");
	r = chdir("/no/such/directory");
	e = errno;
	printf("chdir to a missing directory: %d %s\n", r, strerror(e));
	where("the failed chdir");
	printf("done\n");
	return 0;
}

/* Appends one line to the file argv[1] (O_APPEND|O_CREAT): after a
 * replicated run the file must hold exactly one more copy of it. */
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

int main(int argc, char **argv)
{
	const char *line = argc > 2 ? argv[2] : "appended line\n";
	size_t len = strlen(line);
	int fd;

	if (argc < 2) {
		fprintf(stderr, "usage: append FILE [TEXT]\n");
		return 2;
	}
	fd = open(argv[1], O_WRONLY | O_APPEND | O_CREAT, 0644);
	if (fd < 0) {
		perror(argv[1]);
		return 1;
	}
	if (write(fd, line, len) != (ssize_t)len) {
		perror("write");
		return 1;
	}
	if (close(fd) < 0) {
		perror("close");
		return 1;
	}
	printf("appended %zu bytes\n", len);
	printf("done\n");
	return 0;
}

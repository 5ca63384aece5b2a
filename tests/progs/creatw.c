/* Creates the file argv[1] with creat(2), mode 0640, and writes a header
 * line, the 256 byte values, and a trailer line, in three write calls. */
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

static int put(int fd, const void *p, size_t n)
{
	if (write(fd, p, n) != (ssize_t)n) {
		perror("write");
		return -1;
	}
	return 0;
}

int main(int argc, char **argv)
{
	static const char head[] = "creatw header\n", tail[] = "\ncreatw trailer\n";
	unsigned char bytes[256];
	int fd, i;

	if (argc != 2) {
		fprintf(stderr, "usage: creatw FILE\n");
		return 2;
	}
	for (i = 0; i < 256; i++)
		bytes[i] = (unsigned char)i;
	fd = creat(argv[1], 0640);
	if (fd < 0) {
		perror(argv[1]);
		return 1;
	}
	if (put(fd, head, strlen(head)) || put(fd, bytes, sizeof(bytes)) ||
	    put(fd, tail, strlen(tail)))
		return 1;
	if (close(fd) < 0) {
		perror("close");
		return 1;
	}
	printf("wrote %zu bytes\n", strlen(head) + sizeof(bytes) + strlen(tail));
	printf("done\n");
	return 0;
}

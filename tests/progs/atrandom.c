/* Prints the 16 random bytes the kernel gave it (AT_RANDOM): differ between
 * replicas, so a replicated run must diverge and print nothing. */
#include <stdio.h>
#include <sys/auxv.h>

int main(void)
{
	const unsigned char *b = (const unsigned char *)getauxval(AT_RANDOM);
	int i;

	if (!b)
		return 2;
	printf("AT_RANDOM ");
	for (i = 0; i < 16; i++)
		printf("%02x", b[i]);
	printf("\ndone\n");
	return 0;
}

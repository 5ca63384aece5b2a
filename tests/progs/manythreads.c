/* Creates and joins argv[1] short threads (default 10000), in batches of
 * argv[2]; each adds its index to its own slot; prints the sum. */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>

static long slots[64];

static void *work(void *arg)
{
	long i = (long)arg;

	slots[i % 64] = i;
	return NULL;
}

int main(int argc, char **argv)
{
	long n = argc > 1 ? atol(argv[1]) : 10000, batch = argc > 2 ? atol(argv[2]) : 8;
	long i, j, sum = 0;
	pthread_t t[64];

	for (i = 0; i < n; i += batch) {
		for (j = 0; j < batch && i + j < n; j++)
			if (pthread_create(&t[j], NULL, work, (void *)(i + j)))
				return 1;
		for (j = 0; j < batch && i + j < n; j++) {
			pthread_join(t[j], NULL);
			sum += slots[(i + j) % 64];
		}
	}
	printf("%ld threads, sum %ld\ndone\n", n, sum);
	return 0;
}

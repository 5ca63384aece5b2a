/* NTELLERS threads each make NTRANSFERS transfers between NACCOUNTS
 * accounts, one mutex an account, taking the two locks in index order (so
 * no deadlock). Each teller draws its transfers from its own rand_r() seed
 * (its number), so they are the same in every run; the balances they see,
 * and an amount capped by the balance, depend on which teller got there
 * first, and are printed while both locks are held. Money only moves: the
 * last line, the total, is always NACCOUNTS * 1000 = 8000. */
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "say.h"

#define NACCOUNTS 8
#define NTELLERS 16
#define NTRANSFERS 10

static struct account {
	pthread_mutex_t lock;
	long balance;
} account[NACCOUNTS];


static void *teller(void *arg)
{
	long id = (long)arg, want, amount;
	unsigned int seed = id;
	int i, from, to, lo, hi;

	for (i = 0; i < NTRANSFERS; i++) {
		from = rand_r(&seed) % NACCOUNTS;
		to = (from + 1 + rand_r(&seed) % (NACCOUNTS - 1)) % NACCOUNTS;
		want = rand_r(&seed) % 600;
		lo = from < to ? from : to;
		hi = from < to ? to : from;
		pthread_mutex_lock(&account[lo].lock);
		pthread_mutex_lock(&account[hi].lock);
		amount = want < account[from].balance ? want : account[from].balance;
		account[from].balance -= amount;
		account[to].balance += amount;
		say("teller %ld: %ld of %ld from %d to %d, balances %ld %ld\n", id, amount, want,
		    from, to, account[from].balance, account[to].balance);
		pthread_mutex_unlock(&account[hi].lock);
		pthread_mutex_unlock(&account[lo].lock);
	}
	return NULL;
}

int main(void)
{
	pthread_t t[NTELLERS];
	long i, total = 0;

	setvbuf(stdout, NULL, _IOLBF, 0);	/* one write a line */
	/* before the threads: the first output (and its fstat) is main's */
	printf("bank: %d tellers, %d accounts\n", NTELLERS, NACCOUNTS);
	for (i = 0; i < NACCOUNTS; i++) {
		pthread_mutex_init(&account[i].lock, NULL);
		account[i].balance = 1000;
	}
	for (i = 0; i < NTELLERS; i++)
		if (pthread_create(&t[i], NULL, teller, (void *)(i + 1)))
			return 1;
	for (i = 0; i < NTELLERS; i++)
		pthread_join(t[i], NULL);
	printf("balances");
	for (i = 0; i < NACCOUNTS; i++) {
		printf(" %ld", account[i].balance);
		total += account[i].balance;
	}
	printf("\ntotal %ld\n", total);
	return 0;
}

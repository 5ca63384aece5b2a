/* Each replica's own copy of a file it maps shared and writable.
 *
 * A store through a shared mapping of a file reaches the file with no call
 * the monitor could vote on. So a replica that maps a file shared maps a
 * copy of it instead: a memfd the monitor keeps, one per replica and file,
 * that every process of that replica maps. Their memory stays shared among
 * them, as the program meant, and is that replica's own object.
 *
 * A copy starts as the file was at the mapping's place in the list
 * (decided once, calls/mapped.c). The replica's later writes through
 * descriptors (write, pwrite, ftruncate, fallocate) change the file once,
 * after the vote, and its copy when that replica is answered, so a replica
 * that lags sees them in its own order. Stores through the mapping never
 * reach the file: programs outside the run that share the file through
 * memory do not see them. */
#ifndef REPLICANT_SHADOWS_H
#define REPLICANT_SHADOWS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

/* A change one call made to a copied file, for each replica's copy; or,
 * for a mapping, the snapshot its copies start from. Owned by an entry. */
struct shade;

/* Whether the file behind the monitor's descriptor mfd has copies. */
bool shadow_exists(int mfd);
/* Whether some replica in the mask has no copy of mfd's file yet. */
bool shadow_missing(int mfd, uint32_t replicas);
/* The file's content now, for copies made at one place in the list. */
struct shade *shade_snapshot(int mfd, int *err);
/* Replica r's copy of mfd's file (the copy keeps it; do not close), made
 * from the snapshot when r has none; -ENOENT with no copy and no snapshot. */
int shadow_take(int mfd, int r, const struct shade *snap);

/* The change a write of len bytes at off made (data: what it wrote). */
struct shade *shade_write(int mfd, off_t off, const void *data, size_t len);
/* ftruncate's new size. */
struct shade *shade_truncate(int mfd, off_t size);
/* fallocate's, applied to each copy as it was to the file. */
struct shade *shade_fallocate(int mfd, int mode, off_t off, off_t len);
/* Applies it to replica r's copy, if r has one. */
void shade_apply(const struct shade *sh, int r);
void shade_free(struct shade *sh);

#endif

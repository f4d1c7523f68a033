/*
 * afile.h — a file replaced whole or not at all: written under a
 * temporary name in the file's own directory, flushed to disk (fsync) and
 * renamed over the final name only when complete.  A failure (a full disk,
 * a writer that gives up) removes the temporary and leaves the file that
 * was there before as it was.
 *
 * A path that exists and is not a regular file (/dev/stdout, a FIFO, a
 * device) is written in place: there is nothing to replace.  A symbolic
 * link is followed: its target is replaced, the link stays.
 */
#ifndef AFILE_H
#define AFILE_H

#include <stdio.h>

typedef struct afile {
    FILE *f;            /* write here between afile_open and afile_commit */
    char *path;         /* the final name, as given (owned) */
    char *dest;         /* what is renamed over: a link's target (owned), NULL: path */
    char *tmp;          /* the temporary's name (owned), NULL: written in place */
} afile;

/* Start writing `path`.  0 with a->f open, or -1 with *err malloc'd
 * ("cannot open 'PATH' for writing: reason"; NULL without memory) and
 * nothing created. */
int afile_open(afile *a, const char *path, char **err);

/* Finish: flush, fsync, close and rename into place.  0, or -1 with *err
 * malloc'd ("cannot write 'PATH': reason") and the temporary removed.  `a`
 * is released either way. */
int afile_commit(afile *a, char **err);

/* Give up: close and remove the temporary (a file written in place stays
 * as far as it got).  `a` is released; safe on a zeroed afile. */
void afile_abort(afile *a);

/* cwsh.write_file(PATH, TEXT): TEXT into PATH as above; raises
 * "cannot write 'PATH': reason".  A lua_CFunction, registered by
 * document_open. */
struct lua_State;
int afile_lua_write(struct lua_State *L);

#endif

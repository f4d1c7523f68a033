/*
 * afile.c — files replaced whole or not at all (afile.h).
 */
#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <lauxlib.h>
#include "afile.h"

static char *fmt_err(const char *what, const char *path, int e)
{
    char *m = NULL;
    if (asprintf(&m, "%s '%s'%s: %s", what, path,
                 !strcmp(what, "cannot open") ? " for writing" : "", strerror(e)) < 0) m = NULL;
    return m;
}

static void afile_free(afile *a)
{
    free(a->path);
    free(a->dest);
    free(a->tmp);
    a->path = a->dest = a->tmp = NULL;
    a->f = NULL;
}

int afile_open(afile *a, const char *path, char **err)
{
    *err = NULL;
    memset(a, 0, sizeof *a);
    struct stat st;
    int exists = stat(path, &st) == 0;
    if (!(a->path = strdup(path))) return -1;
    if (exists && !S_ISREG(st.st_mode)) {           /* /dev/stdout, a FIFO: in place */
        if (!(a->f = fopen(path, "wb"))) { *err = fmt_err("cannot open", path, errno); afile_free(a); return -1; }
        return 0;
    }
    /* the temporary beside the real file (a link's target), same file system */
    char real[PATH_MAX];
    const char *target = path;
    struct stat lst;
    if (lstat(path, &lst) == 0 && S_ISLNK(lst.st_mode) && realpath(path, real)) target = real;
    char *copy = strdup(target), *base = strdup(target);
    if (!copy || !base) { free(copy); free(base); afile_free(a); return -1; }
    const char *dir = dirname(copy), *name = basename(base);
    int n = asprintf(&a->tmp, "%s/.%s.tmp.XXXXXX", dir, name);
    free(copy); free(base);
    if (n < 0) { a->tmp = NULL; afile_free(a); return -1; }
    if (target != path && !(a->dest = strdup(target))) { afile_free(a); return -1; }
    int fd = mkstemp(a->tmp);
    if (fd < 0) { *err = fmt_err("cannot open", path, errno); afile_free(a); return -1; }
    /* the mode the file had, else what open(2) would give a new one */
    mode_t mode;
    if (exists) mode = st.st_mode & 07777;
    else { mode_t u = umask(0); umask(u); mode = 0666 & ~u; }
    if (fchmod(fd, mode) != 0 || !(a->f = fdopen(fd, "wb"))) {
        *err = fmt_err("cannot open", path, errno);
        close(fd);
        unlink(a->tmp);
        afile_free(a);
        return -1;
    }
    return 0;
}

int afile_commit(afile *a, char **err)
{
    *err = NULL;
    int e = 0;
    if (!a->f) { afile_free(a); return -1; }
    int bad = ferror(a->f);
    errno = 0;
    if (fflush(a->f) != 0) e = errno;
    else if (bad) e = EIO;          /* errno of the write that failed is gone */
    if (!e && a->tmp && fsync(fileno(a->f)) != 0 && errno != EINVAL) e = errno;
    errno = 0;
    if (fclose(a->f) != 0 && !e) e = errno ? errno : EIO;
    a->f = NULL;
    if (!e && a->tmp && rename(a->tmp, a->dest ? a->dest : a->path) != 0) e = errno;
    if (e) {
        if (a->tmp) unlink(a->tmp);
        *err = fmt_err("cannot write", a->path, e);
        afile_free(a);
        return -1;
    }
    afile_free(a);
    return 0;
}

void afile_abort(afile *a)
{
    if (a->f) {
        fclose(a->f);
        if (a->tmp) unlink(a->tmp);
    }
    afile_free(a);
}

int afile_lua_write(lua_State *L)
{
    const char *path = luaL_checkstring(L, 1);
    size_t n;
    const char *text = luaL_checklstring(L, 2, &n);
    afile a;
    char *err = NULL;
    int rc = afile_open(&a, path, &err);
    if (rc != 0 && err) {           /* said as a write, as the notice's -o did */
        int e = errno;
        free(err);
        err = fmt_err("cannot write", path, e);
    } else if (rc == 0) {
        if (n > 0 && fwrite(text, 1, n, a.f) != n) {
            int e = errno;
            afile_abort(&a);
            err = fmt_err("cannot write", path, e ? e : EIO);
            rc = -1;
        } else {
            rc = afile_commit(&a, &err);
        }
    }
    if (rc == 0) { lua_pushboolean(L, 1); return 1; }
    lua_pushstring(L, err ? err : "out of memory");
    free(err);
    return lua_error(L);
}

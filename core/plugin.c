/*
 * plugin.c — dlopen loader and ABI check (STYLE 9).
 *
 * A plugin refused after its init ran stays mapped (as `refused`) until
 * plugin_unload_all: its registrations are withdrawn, but Lua may still
 * hold values of its code (a module's metatables) until the lua_State
 * closes.
 */
#include <dirent.h>
#include <dlfcn.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "host.h"
#include "plugin.h"

typedef struct plugin {
    void *handle;
    const cwsh_plugin *p;
    char *path;
    int refused;             /* init ran, then the plugin was refused */
} plugin;

struct plugin_list {
    plugin *v;
    int n, cap;
};

static void say_refused(session *s, const char *path, const char *why)
{
    fflush(s->out);
    fprintf(stderr, "cwsh: plugin '%s' not loaded: %s\n", path, why);
}

/* A plugin that could not be loaded fails the session (exit code 1, and
 * with -bail no command runs): a batch job without the store or the
 * importer it expected must not end 0 having done nothing.  A second
 * copy of a loaded plugin is only said: the plugin is there. */
static void refuse(session *s, const char *path, const char *why)
{
    say_refused(s, path, why);
    s->failed = 1;
}

int plugin_load(session *s, const char *path)
{
    char msg[512];
    void *h = dlopen(path, RTLD_NOW | RTLD_LOCAL);
    if (!h) { refuse(s, path, dlerror()); return -1; }
    cwsh_plugin_entry_fn entry;
    *(void **)&entry = dlsym(h, CWSH_PLUGIN_ENTRY);
    if (!entry) {
        refuse(s, path, "no entry symbol '" CWSH_PLUGIN_ENTRY "'");
        dlclose(h);
        return -1;
    }
    const cwsh_plugin *p = entry();
    /* abi first: it is the first member of every layout, size is not */
    if (!p || p->abi != CWSH_ABI) {
        snprintf(msg, sizeof msg, "built for plugin ABI %d, this cwsh has ABI %d",
                 p ? p->abi : -1, CWSH_ABI);
        refuse(s, path, msg);
        dlclose(h);
        return -1;
    }
    if (p->size != sizeof(cwsh_plugin)) {
        refuse(s, path, "its cwsh_plugin has another layout than this cwsh's "
                        "(rebuild it against this cwsh.h)");
        dlclose(h);
        return -1;
    }
    /* the same plugin under another file name (a copy, a symlink) */
    for (int i = 0; s->plugins && i < s->plugins->n; i++) {
        const plugin *o = &s->plugins->v[i];
        if (o->refused || !p->name || !o->p->name || strcmp(o->p->name, p->name) != 0) continue;
        snprintf(msg, sizeof msg, "a plugin named '%s' is already loaded from '%s'",
                 p->name, o->path);
        say_refused(s, path, msg);
        dlclose(h);
        return -1;
    }
    char *err = NULL;
    s->loading = p->name ? p->name : "?";
    free(s->reg_error);
    s->reg_error = NULL;
    int failed = p->init && p->init(&s->host, &err) != 0;
    s->loading = NULL;
    char *why = s->reg_error;
    s->reg_error = NULL;
    if (failed || why) {
        /* a refused registration says more than the init failing for it */
        if (!why) snprintf(msg, sizeof msg, "init failed: %s", err ? err : "unknown error");
        refuse(s, path, why ? why : msg);
        free(why);
        host_withdraw(s, p->name ? p->name : "?");
    }
    free(err);
    plugin_list *l = s->plugins;
    if (!l && !(l = s->plugins = calloc(1, sizeof *l))) { refuse(s, path, "out of memory"); return -1; }
    if (l->n == l->cap) {
        int cap = l->cap ? 2 * l->cap : 4;
        plugin *v = realloc(l->v, (size_t)cap * sizeof *l->v);
        if (!v) { refuse(s, path, "out of memory"); return -1; }
        l->v = v;
        l->cap = cap;
    }
    char *copy = strdup(path);
    if (!copy) { refuse(s, path, "out of memory"); return -1; }
    l->v[l->n++] = (plugin){ h, p, copy, failed || why };
    return failed || why ? -1 : 0;
}

static int cmp_name(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

void plugin_load_dir(session *s, const char *dir)
{
    DIR *d = opendir(dir);
    if (!d) {
        /* no such directory: a cwsh without plugins; anything else (out
         * of memory, no permission) is a failed start, not a quiet one */
        if (errno != ENOENT && errno != ENOTDIR) {
            fflush(s->out);
            fprintf(stderr, "cwsh: cannot read the plugins in '%s': %s\n", dir, strerror(errno));
            s->failed = 1;
        }
        return;
    }
    char *names[256];
    int n = 0;
    struct dirent *e;
    while ((e = readdir(d)) != NULL && n < 256) {
        size_t len = strlen(e->d_name);
        if (len > 3 && strcmp(e->d_name + len - 3, ".so") == 0) {
            if (!(names[n] = strdup(e->d_name))) { refuse(s, e->d_name, "out of memory"); continue; }
            n++;
        }
    }
    closedir(d);
    /* name order makes load order, and so registration order, defined */
    qsort(names, (size_t)n, sizeof *names, cmp_name);
    for (int i = 0; i < n; i++) {
        char path[4096];
        snprintf(path, sizeof path, "%s/%s", dir, names[i]);
        plugin_load(s, path);
        free(names[i]);
    }
}

void plugin_each(session *s, void (*fn)(void *, const cwsh_plugin *, const char *), void *ud)
{
    if (!s->plugins) return;
    for (int i = 0; i < s->plugins->n; i++)
        if (!s->plugins->v[i].refused) fn(ud, s->plugins->v[i].p, s->plugins->v[i].path);
}

void plugin_fini_all(session *s)
{
    plugin_list *l = s->plugins;
    if (!l) return;
    for (int i = l->n - 1; i >= 0; i--)
        if (!l->v[i].refused && l->v[i].p->fini) l->v[i].p->fini(&s->host);
}

void plugin_unload_all(session *s)
{
    plugin_list *l = s->plugins;
    if (!l) return;
    for (int i = l->n - 1; i >= 0; i--) {
        dlclose(l->v[i].handle);
        free(l->v[i].path);
    }
    free(l->v);
    free(l);
    s->plugins = NULL;
}

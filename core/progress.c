/*
 * progress.c — the bar: "██████░░░░  45%  412,000 rows  38.2 MB/s  ETA 3 s".
 */
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include "progress.h"

static struct {
    int shown;
    double start, last;
    int tty;                /* -1 unknown */
} bar = { 0, 0, 0, -1 };

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

void progress_update(const char *what, long long done, long long bytes, long long total)
{
    if (bar.tty < 0) bar.tty = isatty(2);
    if (!bar.tty) return;
    if (done < 0) { progress_clear(); return; }
    double t = now();
    if (!bar.shown) { bar.start = t; bar.last = 0; }
    if (bar.shown && t - bar.last < 0.1) return;
    bar.last = t;
    bar.shown = 1;
    double el = t - bar.start;
    double frac = total > 0 ? (double)bytes / (double)total : 0;
    if (frac > 1) frac = 1;
    char cells[3 * 24 + 1] = "";
    int full = (int)(frac * 24);
    for (int i = 0; i < 24; i++) strcat(cells, i < full ? "█" : "░");
    double mbs = el > 0 ? bytes / 1e6 / el : 0;
    fprintf(stderr, "\r\033[K%s %s %3d%%  %lld rows  %.1f MB/s", what ? what : "",
            cells, (int)(frac * 100), done, mbs);
    if (frac > 0.01 && el > 0.5)
        fprintf(stderr, "  ETA %.0f s", el / frac - el);
    fflush(stderr);
}

void progress_clear(void)
{
    if (!bar.shown) return;
    fprintf(stderr, "\r\033[K");
    fflush(stderr);
    bar.shown = 0;
}

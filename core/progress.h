/*
 * progress.h — a progress bar on stderr for long work.  Draws only when
 * stderr is a terminal, at most ten times a second; progress_clear erases
 * it before anything else is printed.
 */
#ifndef PROGRESS_H
#define PROGRESS_H
void progress_update(const char *what, long long done, long long bytes, long long bytes_total);
void progress_clear(void);
#endif

/*
 * csv_pipe.c — batch queue between the parsing thread and the store's
 * thread (see csv_pipe.h).
 */
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include "csv_pipe.h"

typedef struct batch {
    unsigned char *b;
    size_t len, cap;
} batch;

struct cpipe {
    pthread_mutex_t mu;
    pthread_cond_t cv;          /* any change of the queues below */
    batch *v;
    int n;
    int *fullq, nfull, fhead;   /* handed over, FIFO of batch indexes */
    int *freeq, nfree;          /* free batches (a stack) */
    int cur;                    /* producer's batch, -1 none */
    int busy;                   /* consumer holds a batch */
    int ended;
};

cpipe *cpipe_open(size_t batch_bytes, int nbatches)
{
    cpipe *p = calloc(1, sizeof *p);
    pthread_mutex_init(&p->mu, NULL);
    pthread_cond_init(&p->cv, NULL);
    p->n = nbatches;
    p->v = calloc((size_t)nbatches, sizeof *p->v);
    p->fullq = calloc((size_t)nbatches, sizeof *p->fullq);
    p->freeq = calloc((size_t)nbatches, sizeof *p->freeq);
    for (int i = 0; i < nbatches; i++) {
        p->v[i].cap = batch_bytes;
        p->v[i].b = malloc(batch_bytes);
        p->freeq[p->nfree++] = i;
    }
    p->cur = -1;
    return p;
}

void cpipe_close(cpipe **pp)
{
    cpipe *p = *pp;
    if (!p) return;
    for (int i = 0; i < p->n; i++) free(p->v[i].b);
    free(p->v); free(p->fullq); free(p->freeq);
    pthread_mutex_destroy(&p->mu);
    pthread_cond_destroy(&p->cv);
    free(p);
    *pp = NULL;
}

/* Hand the producer's batch over; p->mu held. */
static void hand_over(cpipe *p)
{
    if (p->cur < 0) return;
    if (p->v[p->cur].len == 0) return;
    p->fullq[(p->fhead + p->nfull) % p->n] = p->cur;
    p->nfull++;
    p->cur = -1;
    pthread_cond_broadcast(&p->cv);
}

void *cpipe_reserve(cpipe *p, size_t n)
{
    n = (n + 7) & ~(size_t)7;          /* records stay 8-byte aligned */
    pthread_mutex_lock(&p->mu);
    if (p->cur >= 0 && p->v[p->cur].len + n > p->v[p->cur].cap && p->v[p->cur].len > 0)
        hand_over(p);
    if (p->cur < 0) {
        while (p->nfree == 0) pthread_cond_wait(&p->cv, &p->mu);
        p->cur = p->freeq[--p->nfree];
        p->v[p->cur].len = 0;
    }
    batch *b = &p->v[p->cur];
    pthread_mutex_unlock(&p->mu);
    if (n > b->cap) {                  /* only the producer touches its batch */
        b->b = realloc(b->b, n);
        b->cap = n;
    }
    void *r = b->b + b->len;
    b->len += n;
    return r;
}

void cpipe_send(cpipe *p)
{
    pthread_mutex_lock(&p->mu);
    hand_over(p);
    pthread_mutex_unlock(&p->mu);
}

void cpipe_sync(cpipe *p)
{
    pthread_mutex_lock(&p->mu);
    hand_over(p);
    while (p->nfull > 0 || p->busy) pthread_cond_wait(&p->cv, &p->mu);
    pthread_mutex_unlock(&p->mu);
}

void cpipe_end(cpipe *p)
{
    pthread_mutex_lock(&p->mu);
    hand_over(p);
    p->ended = 1;
    pthread_cond_broadcast(&p->cv);
    pthread_mutex_unlock(&p->mu);
}

int cpipe_next(cpipe *p, const unsigned char **data, size_t *n)
{
    pthread_mutex_lock(&p->mu);
    while (p->nfull == 0 && !p->ended) pthread_cond_wait(&p->cv, &p->mu);
    if (p->nfull == 0) {
        pthread_mutex_unlock(&p->mu);
        return 0;
    }
    int i = p->fullq[p->fhead];
    p->fhead = (p->fhead + 1) % p->n;
    p->nfull--;
    p->busy = i + 1;
    pthread_mutex_unlock(&p->mu);
    *data = p->v[i].b;
    *n = p->v[i].len;
    return 1;
}

void cpipe_done(cpipe *p)
{
    pthread_mutex_lock(&p->mu);
    if (p->busy) {
        p->freeq[p->nfree++] = p->busy - 1;
        p->busy = 0;
    }
    pthread_cond_broadcast(&p->cv);
    pthread_mutex_unlock(&p->mu);
}

/*
 * csv_pipe.h — a one-way queue of byte batches between two threads, so
 * that an import parses on one core while the store writes on the other.
 * The producer fills a batch with records and hands it over; the consumer
 * takes batches in order and gives them back.  A fixed number of batches
 * bounds the memory and makes a fast producer wait for a slow consumer.
 */
#ifndef CSV_PIPE_H
#define CSV_PIPE_H
#include <stddef.h>

typedef struct cpipe cpipe;

cpipe *cpipe_open(size_t batch_bytes, int nbatches);
void cpipe_close(cpipe **p);

/* Producer.  cpipe_reserve returns room for a record of n bytes in the
 * current batch (handing a full batch over first, growing it for a record
 * larger than a batch); the bytes belong to the record until the next
 * call.  cpipe_sync hands over and waits until the consumer has finished
 * every batch (a request that needs an answer).  cpipe_end hands over and
 * tells the consumer there is no more. */
void *cpipe_reserve(cpipe *p, size_t n);
void cpipe_send(cpipe *p);
void cpipe_sync(cpipe *p);
void cpipe_end(cpipe *p);

/* Consumer.  1 with the next batch, 0 after the end; cpipe_done gives the
 * batch back once it has been processed. */
int cpipe_next(cpipe *p, const unsigned char **data, size_t *n);
void cpipe_done(cpipe *p);
#endif

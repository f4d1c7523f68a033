/*
 * document.h — documents of several titled result sets (`.document`,
 * cwsh.write_document) and the formats that write them (cwsh_format in
 * cwsh.h; the core registers md and csv).
 *
 * While a document is open (s->document), the renderers' sinks go through
 * document_tee, which copies each result set (its title: the result set's
 * `title`, else the statement or command that showed it) as it prints.
 * The session owns the open document; document_end writes it at exit.
 */
#ifndef DOCUMENT_H
#define DOCUMENT_H
#include "session.h"

/* Register the core's formats, `.document` and cwsh.write_document. */
void document_open(session *s);

/* Rebuild `.document`'s help from the formats registered now. */
void document_help(session *s);

/* With a document open, a sink that forwards to `render` and copies into
 * the document, titled `title` (copied; may be NULL); else `render`
 * itself.  document_untee frees what document_tee made and returns
 * `render`. */
cwsh_sink *document_tee(session *s, cwsh_sink *render, const char *title);
cwsh_sink *document_untee(cwsh_sink *k, cwsh_sink *render);

/* The document's copy of the next result set through tee `k` takes these
 * n column names (borrowed: they must live until its columns() call)
 * instead of those the renderer gets: in a data mode the screen shows
 * identifiers (delta), the document, a file for people, the headings
 * (Δ).  No effect when `k` is not a tee. */
void document_tee_names(cwsh_sink *k, cwsh_sink *render, int n, const char *const *names);

/* Write and close the open document, if any (at exit), saying so on
 * stderr. */
void document_end(session *s);
#endif

/* A shared object without the entry symbol: refused. */
int cwsh_not_the_entry(void);
int cwsh_not_the_entry(void) { return 0; }

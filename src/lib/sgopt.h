/*
 * sgopt.h: option parsing in the djb style: options end at the first
 * non-option or at "--"; a lone "-" is an argument.  Unknown options
 * print "prog: illegal option -- x" (or "option requires an argument")
 * to fd 2 and return '?'.
 * sgopt_next returns the option letter, '?' on error, -1 at the end
 * (then g->ind indexes the first argument).
 */
#ifndef SGOPT_H
#define SGOPT_H

typedef struct sgopt {
    int ind;         /* next argv element */
    int pos;         /* position within it */
    const char *arg; /* argument of the option just returned */
    int quiet;       /* no messages when set */
} sgopt;

#define SGOPT_INIT {1, 0, 0, 0}

int sgopt_next(sgopt *g, int argc, char *const *argv, const char *opts);

#endif

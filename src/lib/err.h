/*
 * err.h: the one diagnostics API.  Messages are built from a NULL-ended
 * list of constant or computed strings (C99 compound literals), so no
 * format strings are involved:
 *     DIE(EX_TEMP, "unable to open ", fn, ": ", ERRSYS);
 * prints "prog: fatal: unable to open fn: reason" and exits 111.
 * ERRSYS in the list is replaced by strerror(errno) as it was on entry.
 * The library never calls these; programs do.
 */
#ifndef ERR_H
#define ERR_H

extern const char *err_prog; /* set by each main() */
extern const char err_sys[];   /* marker object, see ERRSYS */

#define ERRSYS err_sys

void err_out(const char *kind, const char *const *parts);
_Noreturn void err_die(int code, const char *kind, const char *const *parts);

#define DIE(code, ...) \
    err_die((code), "fatal: ", (const char *const[]){__VA_ARGS__, 0})
#define DIEX(code, ...) \
    err_die((code), 0, (const char *const[]){__VA_ARGS__, 0})
#define WARN(...) err_out("warning: ", (const char *const[]){__VA_ARGS__, 0})
#define SAY(...) err_out(0, (const char *const[]){__VA_ARGS__, 0})

/* invariants: log file:line and exit 111; never compiled out */
#define BUG_STR2(x) #x
#define BUG_STR(x) BUG_STR2(x)
#define BUG() DIE(111, "internal bug at " __FILE__ ":" BUG_STR(__LINE__))

#endif

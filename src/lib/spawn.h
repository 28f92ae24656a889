/*
 * spawn.h: the delivery-spawn engine shared by qmail-lspawn and
 * qmail-rspawn (spec delivery.md 2.7).  qmail-send writes commands
 * <slot byte> <messid> NUL <sender> NUL <recipient> NUL to fd 0; for
 * each the engine checks the command, opens queue/mess/<messid>, forks
 * a child with fd 0 = the message and fds 1 and 2 = a fresh pipe, and,
 * once the child is reaped and the pipe is at EOF, writes the report
 * <slot byte> <K|Z|D> <text> NUL to fd 1.  What the child runs and how
 * its result becomes a report are the program's callbacks (spawn_prog).
 */
#ifndef SPAWN_H
#define SPAWN_H

#include <stddef.h>
#include <sys/types.h>

#include "auto.h"
#include "sa.h"

/* a messid longer than this (counting its NUL) is refused */
#define SPAWN_MESSIDMAX 100

/*
 * The command parser: pure and incremental.  Feed it bytes as they
 * arrive.  spawn_cmd_feed returns SPAWN_DONE when a command is complete
 * (*used bytes consumed, the last one its final NUL; the fields are then
 * NUL-terminated C strings, len not counting the NUL) or SPAWN_MORE when
 * all len bytes were consumed without finishing one.  It never fails:
 * a field that cannot be stored sets nomem and the command still ends
 * at its third NUL, so the stream stays in step.
 */
enum { SPAWN_MORE, SPAWN_DONE };

typedef struct spawn_cmd {
    int stage;      /* 0 slot, 1 messid, 2 sender, 3 recipient */
    int nomem;      /* a field was not stored completely */
    int nonnumeric; /* messid has a byte other than a digit or a
                       '/' after the first position */
    unsigned char slot;
    size_t messidlen; /* bytes of messid seen (stored or not) */
    sa messid, sender, recip;
} spawn_cmd;

#define SPAWN_CMD_INIT {0, 0, 0, 0, 0, SA_INIT, SA_INIT, SA_INIT}

int spawn_cmd_feed(spawn_cmd *c, const char *buf, size_t len, size_t *used);
void spawn_cmd_free(spawn_cmd *c);

/*
 * The checks made before anything is opened, in the order of the spec;
 * returns the report text (letter first, LF-terminated) for the first
 * one that fails, or 0 when the command may proceed.  nslots is the
 * concurrency; inuse tells whether the slot is busy.  Pure.
 */
const char *spawn_cmd_check(const spawn_cmd *c, unsigned nslots, int inuse);

/*
 * The program-specific parts.
 * child: runs in the forked child with fd 0 = the message at offset 0,
 *   fds 1 and 2 = the report pipe, cwd = queue/mess, default signal
 *   handling; it must exec or _exit and never return.  recip contains
 *   an '@' (the engine checked); at is the index of the last one.
 * report: translates the child's wait status and collected output
 *   (at most maxout bytes; anything further was read and dropped) into
 *   out, starting with the letter K, Z or D.  1 ok, 0 out of memory.
 *   The engine cuts the text at its first NUL, if any.
 */
typedef struct spawn_engine spawn_engine;
struct pollfd;

typedef struct spawn_prog {
    uid_t owner;   /* every message file must belong to this uid */
    size_t maxout; /* output bytes kept per delivery */
    int exitsys;   /* child's exit status if its fds cannot be set */
    void *ctx;
    void (*child)(void *ctx, const char *sender, const char *recip,
                  size_t at);
    int (*report)(void *ctx, sa *out, int wstat, const char *s, size_t len);
} spawn_prog;

/*
 * Optional hooks for deliveries without a fork each (qmail-rspawn's
 * pool of workers), given to spawn_run_hooks; all four are set.
 * start: offered each command that passed the checks, with the
 *   message open on fdmess (offset 0, blocking).  Returns 1 when it
 *   took the delivery: it now owns fdmess and must later call
 *   spawn_report for slot exactly once; 0 to have the engine fork a
 *   child as usual (fdmess stays the engine's).
 * pollset: fills at most max entries of pfd with descriptors to watch
 *   and returns how many; *timeout (ms, -1 = none, preset to -1)
 *   bounds the wait.
 * polled: after every wait, with the same entries and their revents
 *   (all 0 after a timeout or a signal).
 * reaped: a child that the engine did not start has been reaped.
 */
typedef struct spawn_hooks {
    void *ctx;
    int (*start)(void *ctx, spawn_engine *e, unsigned char slot, int fdmess,
                 const char *sender, const char *recip, size_t at);
    size_t (*pollset)(void *ctx, struct pollfd *pfd, size_t max, int *timeout);
    void (*polled)(void *ctx, spawn_engine *e, const struct pollfd *pfd,
                   size_t n);
    void (*reaped)(void *ctx, pid_t pid, int wstat);
} spawn_hooks;

/* the most descriptors pollset may add */
#define SPAWN_POLLMAX AUTO_SPAWN

/*
 * The report of a delivery taken by start: text (len bytes, letter
 * first, cut at a NUL) goes to qmail-send and the slot is free again.
 * A slot that start did not take is left alone.
 */
void spawn_report(spawn_engine *e, unsigned char slot, const char *text,
                  size_t len);

/*
 * Runs the engine: chdir QMAILHOME then queue/mess, writes the
 * concurrency (one byte, AUTO_SPAWN) to fd 1, then serves commands
 * until fd 0 ends and every delivery has been reported.  Ignores
 * SIGPIPE and catches SIGCHLD for the whole process.
 * Returns 0 at the normal end, -1 when startup failed (errno set and
 * *why naming the step, e.g. "unable to chdir to queue/mess").
 * A report that cannot be written (qmail-send is gone) is dropped;
 * the deliveries in progress still finish.
 */
int spawn_run(const spawn_prog *p, const char **why) WUR;

/* the same, with the hooks above (h may be 0: plain spawn_run) */
int spawn_run_hooks(const spawn_prog *p, const spawn_hooks *h,
                    const char **why) WUR;

#endif

/*
 * tests/unit/sgopt.c: djb-style option parsing: bundles, arguments
 * attached or separate, "--", a lone "-", the first non-option ending
 * the options, and the two error messages on fd 2.
 */
#include "err.h"
#include "ptest.h"
#include "sgopt.h"

/* run sgopt over argv (0-ended), writing "<opt>[=arg] " per option and
   "|rest..." at the end; returns the final g.ind */
static int trace(const char *const *av, const char *opts, int quiet,
                 char *out, size_t max)
{
    char *const *argv = (char *const *)av; /* sgopt never writes */
    sgopt g = SGOPT_INIT;
    int argc = 0, c;
    size_t n = 0;

    g.quiet = quiet;
    while (argv[argc])
        ++argc;
    out[0] = 0;
    while ((c = sgopt_next(&g, argc, argv, opts)) != -1) {
        n += (size_t)snprintf(out + n, max - n, "%c", c);
        if (g.arg)
            n += (size_t)snprintf(out + n, max - n, "=%s", g.arg);
        n += (size_t)snprintf(out + n, max - n, " ");
    }
    n += (size_t)snprintf(out + n, max - n, "|");
    for (c = g.ind; c < argc; ++c)
        n += (size_t)snprintf(out + n, max - n, "%s ", argv[c]);
    return g.ind;
}

#define TRACE(exp, name, ...)                                           \
    do {                                                                \
        const char *const av_[] = {"prog", __VA_ARGS__, 0};                   \
        char out_[512];                                                 \
        trace(av_, "ab:c:nv", 1, out_, sizeof out_);                    \
        IS_STR(out_, (exp), (name));                                    \
    } while (0)

static void t_parse(void)
{
    const char *const none[] = {"prog", 0};
    char out[64];

    IS_INT(trace(none, "ab", 1, out, sizeof out), 1, "no arguments: ind 1");
    IS_STR(out, "|", "nothing");
    TRACE("a v |file ", "separate flags", "-a", "-v", "file");
    TRACE("a n v |file ", "bundled flags", "-anv", "file");
    TRACE("b=arg |file ", "separate argument", "-b", "arg", "file");
    TRACE("b=arg |file ", "attached argument", "-barg", "file");
    TRACE("a b=x c=y |f ", "bundle ending in an argument", "-ab", "x",
          "-cy", "f");
    TRACE("a b=nv |", "the rest of a bundle is the argument", "-a", "-bnv");
    TRACE("b=-a |f ", "an argument may start with -", "-b", "-a", "f");
    TRACE("a |-v ", "-- ends the options", "-a", "--", "-v");
    TRACE("a |- -v ", "a lone - is an argument", "-a", "-", "-v");
    TRACE("a |file -v ", "the first non-option ends them", "-a", "file",
          "-v");
    TRACE("? ? |", "only a bare -- is special: --x is - and x", "--x");
    TRACE("? a |f ", "unknown option: ? then go on", "-x", "-a", "f");
    TRACE("a ? n |f ", "unknown inside a bundle", "-axn", "f");
    TRACE("? |", "missing argument: ?", "-b");
    TRACE("a ? |", "missing argument after a bundle", "-ab");
    TRACE("? |f ", "colon is not an option", "-:", "f");
    TRACE("b= |f ", "an empty separate argument", "-b", "", "f");
}

static void run_unknown(void *arg)
{
    const char *const av[] = {"prog", "-x", 0};
    char out[64];

    err_prog = "sgtest";
    trace(av, "ab:", *(int *)arg, out, sizeof out);
}

static void run_missing(void *arg)
{
    const char *const av[] = {"prog", "-b", 0};
    char out[64];

    (void)arg;
    err_prog = "sgtest";
    trace(av, "ab:", 0, out, sizeof out);
}

static void t_messages(void)
{
    char err[256];
    int quiet = 0;

    IS_INT(pt_capture(run_unknown, &quiet, err, sizeof err, 0), 0, "run");
    IS_STR(err, "sgtest: illegal option -- x\n", "illegal option message");
    quiet = 1;
    IS_INT(pt_capture(run_unknown, &quiet, err, sizeof err, 0), 0, "run");
    IS_STR(err, "", "quiet: no message");
    IS_INT(pt_capture(run_missing, 0, err, sizeof err, 0), 0, "run");
    IS_STR(err, "sgtest: option requires an argument -- b\n",
           "missing argument message");
}

int main(void)
{
    t_parse();
    t_messages();
    return pt_done();
}

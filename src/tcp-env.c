/*
 * tcp-env: describe the TCP connection on fd 0 in the environment and
 * run a program (spec smtp-and-tools.md 5.6), for servers started by
 * inetd.  Sets PROTO, TCPLOCALIP, TCPLOCALPORT, TCPLOCALHOST,
 * TCPREMOTEIP, TCPREMOTEPORT, TCPREMOTEHOST and, unless -R, an RFC 1413
 * TCPREMOTEINFO.  Runs as whatever inetd runs it as and trusts nothing
 * it reads from the network beyond copying it into a variable.  Any
 * failure exits 111 without a word (inetd has nowhere to show one).
 */
#include <errno.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "exitcodes.h"
#include "fmt.h"
#include "sgopt.h"
#include "tcpinfo.h"

static struct {
    int remoteinfo;
    unsigned long timeout;
    char **argv;
    tcpinfo_conn c;
} cf = {1, 30, 0, TCPINFO_CONN_INIT};

static _Noreturn void die(void)
{
    _exit(EX_TEMP);
}

static void options(int argc, char **argv)
{
    sgopt g = SGOPT_INIT;
    int c;

    g.quiet = 1;
    while ((c = sgopt_next(&g, argc, argv, "rRt:")) != -1) {
        if (c == 'r')
            cf.remoteinfo = 1;
        else if (c == 'R')
            cf.remoteinfo = 0;
        else if (c == 't')
            (void)scan_ulong(g.arg, strlen(g.arg), &cf.timeout);
    }
    cf.argv = argv + g.ind;
    if (!cf.argv[0])
        die();
}

static void put(const char *name, const char *value)
{
    if (setenv(name, value, 1) == -1)
        die();
}

/* the host name for an address, under the rules of the spec: a name
   that does not exist unsets the variable, a lookup that failed for now
   (tcpinfo_name's -1 other than ENOMEM) gives "softdnserror" */
static void host(const char *name, const tcpinfo_addr *a)
{
    sa h = SA_INIT;

    switch (tcpinfo_name(a, &h)) {
    case 1:
        put(name, h.s);
        break;
    case 0:
        if (unsetenv(name) == -1)
            die();
        break;
    default:
        if (errno == ENOMEM)
            die();
        put(name, "softdnserror");
        break;
    }
    sa_free(&h);
}

static void describe(void)
{
    char port[FMT_ULONG];

    if (tcpinfo_get(0, &cf.c) == -1)
        die();
    put("PROTO", "TCP");
    port[fmt_ulong(port, cf.c.local.port)] = 0;
    put("TCPLOCALPORT", port);
    put("TCPLOCALIP", cf.c.local.ip);
    host("TCPLOCALHOST", &cf.c.local);
    port[fmt_ulong(port, cf.c.remote.port)] = 0;
    put("TCPREMOTEPORT", port);
    put("TCPREMOTEIP", cf.c.remote.ip);
    host("TCPREMOTEHOST", &cf.c.remote);
    if (unsetenv("TCPREMOTEINFO") == -1)
        die();
    if (cf.remoteinfo) {
        sa info = SA_INIT;
        if (tcpinfo_ident(&cf.c, (unsigned)cf.timeout, &info) == 1)
            put("TCPREMOTEINFO", info.s);
        sa_free(&info);
    }
}

int main(int argc, char **argv)
{
    const char *proto;

    signal(SIGPIPE, SIG_IGN);
    options(argc, argv);
    proto = getenv("PROTO");
    if (!proto || strcmp(proto, "TCP"))
        describe();
    signal(SIGPIPE, SIG_DFL);
    execvp(cf.argv[0], cf.argv);
    die();
}

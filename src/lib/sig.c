/*
 * sig.c: see sig.h.
 */
#include <signal.h>

#include "sig.h"

static void nothing(int s)
{
    (void)s;
}

int sig_survive(int sig)
{
    struct sigaction act;

    act.sa_handler = nothing;
    act.sa_flags = SA_RESTART;
    sigemptyset(&act.sa_mask);
    return sigaction(sig, &act, 0);
}

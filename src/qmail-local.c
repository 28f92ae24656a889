/*
 * qmail-local: deliver one message (fd 0, seekable) to one local
 * address by following the recipient's .qmail instructions (spec
 * delivery.md 3.4).  Run as the recipient, by hand or by tests;
 * qmail-lspawn and qmail-verify run the same code (qlocal.h) in a
 * child that has become the recipient.  Every failure prints one line
 * to fd 2 and exits 111 (temporary) or 100 (permanent); success
 * prints "did F+W+P" and exits 0.
 */
#include "qlocal.h"

int main(int argc, char **argv)
{
    qlocal_main(argc, argv);
}

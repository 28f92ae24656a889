/*
 * tests/unit/rcvd.c: the receivers' Received line (spec 0.6): both
 * forms (with and without HELO and remote info), the two physical
 * lines, the date format, and the sanitising of every field.
 */
#include "rcvd.h"
#include "ptest.h"

int main(void)
{
    sa r = SA_INIT;

    IS_INT(rcvd_line(&r, "SMTP", "mx.example", "192.0.2.1", "client.example", 0,
                     "helo.example", 1000000000),
           1, "build");
    IS_SA(r,
          "Received: from client.example (HELO helo.example) (192.0.2.1)\n"
          "  by mx.example with SMTP; 9 Sep 2001 01:46:40 -0000\n",
          "with HELO");
    r.len = 0;
    IS_INT(rcvd_line(&r, "QMTP", "mx", "unknown", "unknown", "joe", 0, 0), 1,
           "build 2");
    IS_SA(r,
          "Received: from unknown (joe@unknown)\n"
          "  by mx with QMTP; 1 Jan 1970 00:00:00 -0000\n",
          "remote info, no HELO");
    r.len = 0;
    IS_INT(rcvd_line(&r, "SMTP", "a b", "1.2.3.4", "h\r\nX-Evil: 1", 0,
                     "[1.2.3.4] <x>(y)", 0),
           1, "build 3");
    IS_SA(r,
          "Received: from h??X-Evil:?1 (HELO ?1.2.3.4???x??y?) (1.2.3.4)\n"
          "  by a?b with SMTP; 1 Jan 1970 00:00:00 -0000\n",
          "unsafe bytes, brackets included, become '?'");
    r.len = 0;
    IS_INT(rcvd_line(&r, "SMTP", "x", "::1", "v6.example", 0,
                     "a.b-c_d@e%f+g/h=i:j", 0),
           1, "build 4");
    IS_SA(r,
          "Received: from v6.example (HELO a.b-c?d@e%f+g/h=i:j) (::1)\n"
          "  by x with SMTP; 1 Jan 1970 00:00:00 -0000\n",
          "the safe set: letters digits . @ % + / = : -");
    sa_free(&r);
    return pt_done();
}

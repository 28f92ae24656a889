/*
 * tests/unit/tcpinfo.c: the RFC 1413 reply parser of tcp-env (spec
 * smtp-and-tools.md 5.6), and the description of a loopback
 * connection.
 */
#include <arpa/inet.h>

#include "ptest.h"
#include "tcpinfo.h"

#define IP(line, ret, exp)                                                     \
    do {                                                                       \
        IS_INT(tcpinfo_identparse(line, sizeof(line) - 1, &x), ret,            \
               "parse: " #line);                                               \
        if (ret == 1)                                                          \
            IS_STR(x.s, exp, "answer: " #line);                                \
    } while (0)

static void t_parse(void)
{
    sa x = SA_INIT;
    sa big = SA_INIT;
    size_t i;

    IP("1 , 2 : USERID : UNIX : joe\r\n", 1, "joe");
    IP("1,2:USERID:UNIX:j o e\r\nrest", 1, "joe");
    IP("1 , 2 : USERID : UNIX : a:b\r\n", 1, "a:b");
    IP("1 , 2 : ERROR : NO-USER\r\n", 1, "");
    IP("1 , 2 : USERID : UNIX : joe", 0, "");
    IP("", 0, "");
    OK(sa_cats(&big, "1,2:USERID:UNIX:"), "setup");
    for (i = 0; i < 1500; ++i)
        if (!sa_append(&big, 'u'))
            break;
    IS_INT(tcpinfo_identparse(big.s, big.len, &x), 1, "long answer: cut");
    IS_INT(x.len, TCPINFO_IDENTMAX + 1, "cut at 998 bytes (+NUL)");
    sa_free(&x);
    sa_free(&big);
}

static void t_loopback(void)
{
    struct sockaddr_in a;
    socklen_t alen = sizeof a;
    tcpinfo_conn c = TCPINFO_CONN_INIT;
    int l = socket(AF_INET, SOCK_STREAM, 0);
    int s = socket(AF_INET, SOCK_STREAM, 0);
    int t;

    memset(&a, 0, sizeof a);
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (l == -1 || s == -1 || bind(l, (struct sockaddr *)&a, sizeof a) ||
        listen(l, 1) || getsockname(l, (struct sockaddr *)&a, &alen) ||
        connect(s, (struct sockaddr *)&a, sizeof a)) {
        SKIP("loopback connection", "no loopback TCP");
        return;
    }
    t = accept(l, 0, 0);
    IS_INT(tcpinfo_get(t, &c), 0, "get: 0");
    IS_STR(c.local.ip, "127.0.0.1", "local ip");
    IS_STR(c.remote.ip, "127.0.0.1", "remote ip");
    IS_INT(c.local.port, ntohs(a.sin_port), "local port = listening port");
    alen = sizeof a;
    getsockname(s, (struct sockaddr *)&a, &alen);
    IS_INT(c.remote.port, ntohs(a.sin_port), "remote port = client's port");
    IS_INT(tcpinfo_get(l, &c), -1, "a listening socket (no peer): -1");
    close(t);
    close(s);
    close(l);
}

int main(void)
{
    t_parse();
    t_loopback();
    return pt_done();
}

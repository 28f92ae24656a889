/*
 * tests/unit/fmt.c: decimal formatting (counting and writing) and the
 * overflow-checked scanner used for control-file numbers.
 */
#include <limits.h>

#include "fmt.h"
#include "ptest.h"

static void fmt_is(unsigned long u, const char *exp)
{
    char buf[FMT_ULONG + 1];
    size_t n;

    memset(buf, 'x', sizeof buf);
    n = fmt_ulong(buf, u);
    IS_MEM(buf, n, exp, strlen(exp), exp);
    OK(buf[n] == 'x', "fmt_ulong writes nothing past its length");
    IS_INT(fmt_ulong(0, u), strlen(exp), "fmt_ulong(0, u) counts");
}

static void t_fmt(void)
{
    char buf[FMT_ULONG];
    size_t n;

    fmt_is(0, "0");
    fmt_is(7, "7");
    fmt_is(9, "9");
    fmt_is(10, "10");
    fmt_is(99, "99");
    fmt_is(100, "100");
    fmt_is(4294967295UL, "4294967295");
    fmt_is(4294967296UL, "4294967296");
    fmt_is(ULONG_MAX, "18446744073709551615");
    OK(fmt_ulong(0, ULONG_MAX) < FMT_ULONG, "FMT_ULONG is enough");

    n = fmt_ulong0(buf, 5, 3);
    IS_MEM(buf, n, "005", 3, "fmt_ulong0 pads");
    n = fmt_ulong0(buf, 12345, 3);
    IS_MEM(buf, n, "12345", 5, "fmt_ulong0 never truncates");
    n = fmt_ulong0(buf, 0, 1);
    IS_MEM(buf, n, "0", 1, "fmt_ulong0 width = length");
    n = fmt_ulong0(buf, 0, 0);
    IS_MEM(buf, n, "0", 1, "fmt_ulong0 width 0");
    IS_INT(fmt_ulong0(0, 42, 10), 10, "fmt_ulong0(0, ...) counts padding");
}

/* scan s entirely as a C string; check count and value */
static void scan_is(const char *s, size_t expn, unsigned long expu)
{
    unsigned long u = 12345678;
    size_t n = scan_ulong(s, strlen(s), &u);

    IS_INT(n, expn, s);
    if (expn)
        OK(u == expu, "value");
    else
        OK(u == 12345678, "value left alone");
}

static void t_scan(void)
{
    unsigned long u = 99;

    scan_is("0", 1, 0);
    scan_is("123", 3, 123);
    scan_is("007", 3, 7);
    scan_is("42abc", 2, 42);
    scan_is("42 ", 2, 42);
    scan_is("", 0, 0);
    scan_is("abc", 0, 0);
    scan_is("-5", 0, 0);
    scan_is("+5", 0, 0);
    scan_is(" 5", 0, 0);
    scan_is("18446744073709551615", 20, ULONG_MAX);
    scan_is("18446744073709551616", 0, 0);
    scan_is("99999999999999999999999", 0, 0);
    scan_is("184467440737095516150", 0, 0);
    scan_is("00000000000000000000000000000001", 32, 1);
    IS_INT(scan_ulong("12345", 2, &u), 2, "scan stops at len");
    OK(u == 12, "value of the first len digits");
    IS_INT(scan_ulong("5", 0, &u), 0, "len 0 scans nothing");
    OK(u == 12, "value left alone");
    OK(scan_digits("0") && scan_digits("123456"), "digits only: 1");
    OK(!scan_digits(""), "empty: 0");
    OK(!scan_digits("12a") && !scan_digits("a12") && !scan_digits("-1") &&
           !scan_digits("1 ") && !scan_digits("12.tmp"),
       "anything else: 0");
}

static void t_env(void)
{
    OK(scan_env("") == 0 && scan_env("x") == 0 && scan_env("-1") == 0,
       "scan_env: no leading digit is 0");
    OK(scan_env("0") == 0 && scan_env("12") == 12 && scan_env("12abc") == 12,
       "scan_env: the leading digits");
    OK(scan_env("18446744073709551615") == ULONG_MAX &&
           scan_env("99999999999999999999999") == ULONG_MAX &&
           scan_env("99999999999999999999999x") == ULONG_MAX,
       "scan_env: too many digits saturate");
}

int main(void)
{
    t_fmt();
    t_scan();
    t_env();
    return pt_done();
}

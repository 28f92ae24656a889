/*
 * tests/unit/sa.c: the growable string: appends, NUL handling, number
 * formatting, and the overflow checks that keep lengths from wrapping
 * (design 6: the CVE-2005-1513 class).
 */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>

#include "ptest.h"
#include "sa.h"

/* a failed huge allocation must come back as NULL under ASan too */
const char *__asan_default_options(void);
const char *__asan_default_options(void)
{
    return "allocator_may_return_null=1";
}

static void t_basic(void)
{
    sa x = SA_INIT;

    OK(sa_copys(&x, "hello"), "copys");
    IS_SA(x, "hello", "copys content");
    OK(sa_cats(&x, " world"), "cats");
    IS_SA(x, "hello world", "cats content");
    OK(sa_catb(&x, "!?", 1), "catb takes only n bytes");
    IS_SA(x, "hello world!", "catb content");
    OK(sa_append(&x, '.'), "append");
    IS_SA(x, "hello world!.", "append content");
    OK(sa_copyb(&x, "ab", 2), "copyb replaces");
    IS_SA(x, "ab", "copyb content");
    OK(sa_0(&x), "sa_0");
    IS_MEM(x.s, x.len, "ab\0", 3, "sa_0 appends a NUL counted in len");
    OK(x.a >= x.len, "allocated covers len");
    sa_free(&x);
    OK(!x.s && !x.len && !x.a, "free resets");
}

static void t_empty(void)
{
    sa x = SA_INIT;
    sa y = SA_INIT;

    OK(sa_copyb(&x, "", 0), "copy of nothing");
    OK(x.s != 0 && x.len == 0, "empty but allocated");
    OK(sa_catb(&y, "", 0), "cat of nothing to an unallocated sa");
    OK(y.s != 0 && y.len == 0, "unallocated sa becomes allocated, empty");
    OK(sa_cat(&x, &y), "cat of empty sa");
    IS_INT(x.len, 0, "still empty");
    OK(sa_copys(&y, ""), "copys empty string");
    IS_INT(y.len, 0, "copys empty gives len 0");
    sa_free(&x);
    sa_free(&y);
}

static void t_nul_bytes(void)
{
    sa x = SA_INIT;
    sa y = SA_INIT;

    OK(sa_copyb(&x, "a\0b", 3), "copyb with a NUL");
    OK(sa_catb(&x, "\0\0", 2), "catb NULs");
    IS_MEM(x.s, x.len, "a\0b\0\0", 5, "NUL bytes are ordinary bytes");
    OK(sa_copy(&y, &x), "copy");
    IS_MEM(y.s, y.len, "a\0b\0\0", 5, "copy keeps NULs");
    OK(sa_cat(&y, &x), "cat");
    IS_MEM(y.s, y.len, "a\0b\0\0a\0b\0\0", 10, "cat keeps NULs");
    sa_free(&x);
    sa_free(&y);
}

static void t_growth(void)
{
    sa x = SA_INIT;
    size_t i;
    int good = 1;

    for (i = 0; i < 100000; ++i)
        if (!sa_append(&x, (char)('a' + i % 26))) {
            good = 0;
            break;
        }
    OK(good, "100000 appends");
    IS_INT(x.len, 100000, "length after appends");
    for (i = 0; i < x.len; ++i)
        if (x.s[i] != (char)('a' + i % 26))
            good = 0;
    OK(good, "content after growth");
    sa_free(&x);
}

static void t_self(void)
{
    sa x = SA_INIT;
    size_t i, n;
    int good = 1;

    /* a full buffer, so appending it to itself must reallocate */
    OK(sa_copys(&x, "abc"), "setup");
    while (x.len < x.a)
        if (!sa_append(&x, (char)('a' + x.len % 3)))
            break;
    n = x.len;
    OK(n == x.a, "buffer full");
    OK(sa_cat(&x, &x), "cat a full sa onto itself");
    IS_INT(x.len, 2 * n, "length doubled");
    for (i = 0; i < x.len; ++i)
        if (x.s[i] != (char)('a' + (i % n) % 3))
            good = 0;
    OK(good, "content doubled");
    OK(sa_copys(&x, "abc"), "setup");
    OK(sa_cat(&x, &x), "cat an sa onto itself");
    IS_SA(x, "abcabc", "self cat doubles");
    OK(sa_catb(&x, x.s + 1, 2), "catb from inside itself");
    IS_SA(x, "abcabcbc", "self catb");
    OK(sa_copyb(&x, x.s + 3, 3), "copyb from inside itself");
    IS_SA(x, "abc", "self copyb");
    sa_free(&x);
}

static void t_numbers(void)
{
    sa x = SA_INIT;

    OK(sa_copys(&x, "n="), "setup");
    OK(sa_catulong(&x, 0), "catulong 0");
    IS_SA(x, "n=0", "0");
    x.len = 0;
    OK(sa_catulong(&x, 4294967296UL), "catulong 2^32");
    IS_SA(x, "4294967296", "2^32 printed in full");
    x.len = 0;
    OK(sa_catulong(&x, (unsigned long)-1), "catulong max");
    IS_SA(x, "18446744073709551615", "ULONG_MAX");
    x.len = 0;
    OK(sa_catulong0(&x, 7, 2), "catulong0");
    IS_SA(x, "07", "zero padded to 2");
    x.len = 0;
    OK(sa_catulong0(&x, 123, 2), "catulong0 wider than width");
    IS_SA(x, "123", "no truncation");
    x.len = 0;
    OK(sa_catulong0(&x, 0, 5), "catulong0 of 0");
    IS_SA(x, "00000", "0 padded to 5");
    x.len = 0;
    OK(sa_catulong0(&x, 5, 0), "catulong0 width 0");
    IS_SA(x, "5", "width 0");
    sa_free(&x);
}

static void t_starts(void)
{
    sa x = SA_INIT;

    OK(sa_copys(&x, "Received: x"), "setup");
    OK(sa_starts(&x, "Received:"), "starts yes");
    OK(sa_starts(&x, ""), "starts with empty");
    OK(!sa_starts(&x, "received:"), "starts is case-sensitive");
    OK(!sa_starts(&x, "Received: xy"), "prefix longer than x");
    sa_free(&x);
}

static void t_overflow(void)
{
    sa x = SA_INIT;

    errno = 0;
    OK(!sa_ready(&x, SIZE_MAX), "ready(SIZE_MAX) fails");
    IS_INT(errno, EOVERFLOW, "with EOVERFLOW");
    OK(!x.s && !x.len, "sa untouched");
    errno = 0;
    OK(!sa_ready(&x, SIZE_MAX - 20), "ready near SIZE_MAX fails");
    IS_INT(errno, EOVERFLOW, "growth margin overflow is EOVERFLOW");
    OK(sa_copys(&x, "0123456789"), "setup");
    errno = 0;
    OK(!sa_readyplus(&x, SIZE_MAX - 5), "readyplus wrapping len fails");
    IS_INT(errno, EOVERFLOW, "with EOVERFLOW");
    errno = 0;
    OK(!sa_catb(&x, "x", SIZE_MAX - 5), "catb wrapping len fails");
    IS_INT(errno, EOVERFLOW, "catb EOVERFLOW");
    IS_SA(x, "0123456789", "content untouched after failures");
    errno = 0;
    OK(!sa_ready(&x, SIZE_MAX / 2), "a huge allocation fails");
    IS_INT(errno, ENOMEM, "with ENOMEM");
    IS_SA(x, "0123456789", "content untouched after ENOMEM");
    sa_free(&x);
}

int main(void)
{
    t_basic();
    t_empty();
    t_nul_bytes();
    t_growth();
    t_self();
    t_numbers();
    t_starts();
    t_overflow();
    return pt_done();
}

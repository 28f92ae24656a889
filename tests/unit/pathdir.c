/*
 * tests/unit/pathdir.c: the directory that holds a path's last name.
 */
#include "pathdir.h"
#include "ptest.h"

#define PD(in, exp)                                                            \
    do {                                                                       \
        OK(pathdir_of(&x, in), "pathdir " in);                                 \
        IS_STR(x.s, exp, "pathdir " in " -> " exp);                            \
    } while (0)

int main(void)
{
    sa x = SA_INIT;

    PD("a/b", "a");
    PD("b", ".");
    PD("/b", "/");
    PD("/", "/");
    PD("a/b/", "a");
    PD("a//b", "a");
    PD("/a/b/c", "/a/b");
    PD("../m", "..");
    PD("./m", ".");
    sa_free(&x);
    return pt_done();
}

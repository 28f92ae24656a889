/*
 * tests/unit/spawn.c: the spawn command parser and the checks made
 * before a delivery starts (spec delivery.md 2.7): fields, streams
 * split anywhere, several commands in one read, slot bytes 0 and 255,
 * every validation text and their order, and the bound on messid.
 */
#include <stdlib.h>

#include "ptest.h"
#include "spawn.h"

#define CMD(s) s, sizeof s - 1

/* feed the whole buffer; returns how many commands completed, the
   last one left in c */
static int feed(spawn_cmd *c, const char *b, size_t n, size_t chunk)
{
    size_t pos = 0, used;
    int done = 0;

    while (pos < n) {
        size_t k = n - pos < chunk ? n - pos : chunk;
        size_t off = 0;
        while (off < k) {
            if (spawn_cmd_feed(c, b + pos + off, k - off, &used) == SPAWN_DONE)
                ++done;
            off += used;
        }
        pos += k;
    }
    return done;
}

static void test_fields(void)
{
    static const char in[] = "\x05"
                             "12/345\0"
                             "joe@example.org\0"
                             "box@example.com";
    size_t chunk;

    for (chunk = 1; chunk <= sizeof in; chunk += 7) {
        spawn_cmd c = SPAWN_CMD_INIT;
        int n = feed(&c, in, sizeof in, chunk); /* with the final NUL */
        OK(n == 1, "one command, whatever the split");
        IS_INT(c.slot, 5, "slot byte");
        IS_STR(c.messid.s, "12/345", "messid");
        IS_STR(c.sender.s, "joe@example.org", "sender");
        IS_STR(c.recip.s, "box@example.com", "recipient");
        OK(spawn_cmd_check(&c, 120, 0) == 0, "a good command passes");
        spawn_cmd_free(&c);
    }
}

static void test_stream(void)
{
    static const char in[] = "\0"
                             "1/1\0\0a@b\0"
                             "\xff"
                             "2/2\0s\0c@d\0"
                             "\x07"
                             "3/3\0";
    spawn_cmd c = SPAWN_CMD_INIT;
    size_t used;

    IS_INT(spawn_cmd_feed(&c, in, sizeof in - 1, &used), SPAWN_DONE,
           "first command done");
    IS_INT(used, 10, "stops right after its last NUL");
    IS_INT(c.slot, 0, "slot byte 0 is not a terminator");
    IS_STR(c.sender.s, "", "empty sender (a bounce)");
    IS_INT(c.sender.len, 0, "empty sender length");
    IS_INT(spawn_cmd_feed(&c, in + 10, sizeof in - 11, &used), SPAWN_DONE,
           "second command done");
    IS_INT(c.slot, 255, "slot byte 255");
    IS_STR(c.recip.s, "c@d", "second recipient");
    IS_INT(spawn_cmd_feed(&c, in + 10 + used, sizeof in - 11 - used, &used),
           SPAWN_MORE, "an unfinished command waits for more");
    IS_INT(c.stage, 2, "in the middle of the sender");
    spawn_cmd_free(&c);
}

static const char *check(const char *b, size_t n, unsigned slots, int inuse)
{
    spawn_cmd c = SPAWN_CMD_INIT;
    const char *r;

    feed(&c, b, n, n);
    r = spawn_cmd_check(&c, slots, inuse);
    spawn_cmd_free(&c);
    return r ? r : "ok";
}

static void test_checks(void)
{
    IS_STR(check(CMD("\x78"
                     "1/2\0s\0r@h\0"),
                 120, 0),
           "ZInternal error: delnum too big. (#4.3.5)\n", "slot 120 too big");
    IS_STR(check(CMD("\x77"
                     "1/2\0s\0r@h\0"),
                 120, 0),
           "ok", "slot 119 is the last one");
    IS_STR(check(CMD("\x03"
                     "1/2\0s\0r@h\0"),
                 120, 1),
           "ZInternal error: delnum in use. (#4.3.5)\n", "busy slot");
    IS_STR(check(CMD("\x03"
                     "1a\0s\0r@h\0"),
                 120, 0),
           "DInternal error: messid has nonnumerics. (#5.3.5)\n",
           "letter in messid");
    IS_STR(check(CMD("\x03"
                     "/12\0s\0r@h\0"),
                 120, 0),
           "DInternal error: messid has nonnumerics. (#5.3.5)\n",
           "slash first in messid");
    IS_STR(check(CMD("\x03"
                     "1//2/\0s\0r@h\0"),
                 120, 0),
           "ok", "slashes after the first byte are allowed");
    IS_STR(check(CMD("\x03"
                     "\0s\0r@h\0"),
                 120, 0),
           "DInternal error: messid too short. (#5.3.5)\n", "empty messid");
    IS_STR(check(CMD("\x03"
                     "1/2\0s\0rh\0"),
                 120, 0),
           "DSorry, address must include host name. (#5.1.3)\n",
           "recipient without @");
    IS_STR(check(CMD("\x03"
                     "1/2\0s\0@h\0"),
                 120, 0),
           "ok", "empty local part is not refused here");
    IS_STR(check(CMD("\x03"
                     "1/2\0s\0\0"),
                 120, 0),
           "DSorry, address must include host name. (#5.1.3)\n",
           "empty recipient");
    /* order: slot before messid, messid before recipient */
    IS_STR(check(CMD("\x99"
                     "x\0s\0r\0"),
                 120, 0),
           "ZInternal error: delnum too big. (#4.3.5)\n", "slot checked first");
    IS_STR(check(CMD("\x01"
                     "x\0s\0r\0"),
                 120, 0),
           "DInternal error: messid has nonnumerics. (#5.3.5)\n",
           "messid before recipient");
}

static void test_messid_len(void)
{
    char b[400];
    size_t i;
    spawn_cmd c = SPAWN_CMD_INIT;

    for (i = 99; i <= 101; ++i) {
        b[0] = 1;
        memset(b + 1, '7', i);
        memcpy(b + 1 + i, "\0s\0r@h\0", 7);
        IS_STR(check(b, i + 8, 120, 0),
               i + 1 > SPAWN_MESSIDMAX
                   ? "DInternal error: messid too long. (#5.3.5)\n"
                   : "ok",
               i == 99 ? "99 digits (100 with the NUL) fit"
                       : "100 or more digits are too long");
    }
    /* far too long: stored bounded, and a late letter still counts */
    b[0] = 1;
    memset(b + 1, '7', 300);
    b[200] = 'x';
    memcpy(b + 301, "\0s\0r@h\0", 7);
    feed(&c, b, 308, 308);
    OK(c.messid.len <= SPAWN_MESSIDMAX + 1, "messid storage is bounded");
    IS_STR(spawn_cmd_check(&c, 120, 0),
           "DInternal error: messid has nonnumerics. (#5.3.5)\n",
           "nonnumerics found past the stored part");
    spawn_cmd_free(&c);
}

static void test_nomem_flag(void)
{
    spawn_cmd c = SPAWN_CMD_INIT;

    feed(&c,
         CMD("\x01"
             "1/2\0s\0r@h\0"),
         11);
    c.nomem = 1;
    IS_STR(spawn_cmd_check(&c, 120, 1),
           "Zqmail-spawn out of memory. (#4.3.0)\n",
           "out of memory is reported before anything else");
    feed(&c,
         CMD("\x02"
             "1/2\0s\0r@h\0"),
         11);
    OK(!c.nomem, "the flag is cleared by the next command");
    spawn_cmd_free(&c);
}

int main(void)
{
    test_fields();
    test_stream();
    test_checks();
    test_messid_len();
    test_nomem_flag();
    return pt_done();
}

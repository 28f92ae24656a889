/*
 * tests/unit/qq.c: the qmail-queue client (spec smtp-and-tools.md 0.4):
 * the exit-code table, then real submissions to small shell scripts
 * named by QMAILQUEUE: the bytes they receive on fds 0 and 1, the
 * working directory, every class of result, fd-6 texts with exit 82, a
 * crash, an exec failure, a write error and an aborted envelope.
 * The child chdirs to the compiled-in QMAILHOME; as root the test gives
 * itself one in a private mount namespace, otherwise it needs it to
 * exist and skips what it cannot do.
 */
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <stdlib.h>
#include <sys/mount.h>
#include <sys/stat.h>

#include "auto.h"
#include "ctl.h"
#include "envelope.h"
#include "fd.h"
#include "ptest.h"
#include "qq.h"

static const struct {
    int code;
    const char *msg;
} table[] = {
    {0, ""},
    {11, "Denvelope address too long for qq (#5.1.3)"},
    {115, "Denvelope address too long for qq (#5.1.3)"},
    {31, "Dmail server permanently rejected message (#5.3.0)"},
    {51, "Zqq out of memory (#4.3.0)"},
    {52, "Zqq timeout (#4.3.0)"},
    {53, "Zqq write error or disk full (#4.3.0)"},
    {54, "Zqq read error (#4.3.0)"},
    {55, "Zqq unable to read configuration (#4.3.0)"},
    {56, "Zqq trouble making network connection (#4.3.0)"},
    {61, "Zqq trouble in home directory (#4.3.0)"},
    {62, "Zqq trouble creating files in queue (#4.3.0)"},
    {63, "Zqq trouble creating files in queue (#4.3.0)"},
    {64, "Zqq trouble creating files in queue (#4.3.0)"},
    {65, "Zqq trouble creating files in queue (#4.3.0)"},
    {66, "Zqq trouble creating files in queue (#4.3.0)"},
    {71, "Zmail server temporarily rejected message (#4.3.0)"},
    {72, "Zconnection to mail server timed out (#4.4.1)"},
    {73, "Zconnection to mail server rejected (#4.4.1)"},
    {74, "Zcommunication with mail server failed (#4.4.2)"},
    {81, "Zqq internal bug (#4.3.0)"},
    {91, "Zqq internal bug (#4.3.0)"},
    {120, "Zunable to exec qq (#4.3.0)"},
    {12, "Dqq permanent problem (#5.3.0)"},
    {30, "Dqq permanent problem (#5.3.0)"},
    {32, "Dqq permanent problem (#5.3.0)"},
    {40, "Dqq permanent problem (#5.3.0)"},
    {1, "Zqq temporary problem (#4.3.0)"},
    {10, "Zqq temporary problem (#4.3.0)"},
    {41, "Zqq temporary problem (#4.3.0)"},
    {50, "Zqq temporary problem (#4.3.0)"},
    {57, "Zqq temporary problem (#4.3.0)"},
    {75, "Zqq temporary problem (#4.3.0)"},
    {76, "Zqq temporary problem (#4.3.0)"},
    {77, "Zqq temporary problem (#4.3.0)"},
    {78, "Zqq temporary problem (#4.3.0)"},
    {79, "Zqq temporary problem (#4.3.0)"},
    {82, "Zqq temporary problem (#4.3.0)"},
    {99, "Zqq temporary problem (#4.3.0)"},
    {100, "Zqq temporary problem (#4.3.0)"},
    {111, "Zqq temporary problem (#4.3.0)"},
    {255, "Zqq temporary problem (#4.3.0)"},
};

#define NTABLE (sizeof table / sizeof table[0])

static void t_exitmsg(void)
{
    size_t i;
    char name[64];

    for (i = 0; i < NTABLE; ++i) {
        snprintf(name, sizeof name, "exit %d", table[i].code);
        IS_STR(qq_exitmsg(table[i].code), table[i].msg, name);
    }
}

static char dir[] = "/tmp/qqtest.XXXXXX";
static char path[4096];

static const char *at(const char *fn)
{
    snprintf(path, sizeof path, "%s/%s", dir, fn);
    return path;
}

static void script(const char *fn, const char *body)
{
    int fd = open(at(fn), O_WRONLY | O_CREAT | O_TRUNC, 0755);

    if (fd == -1 || write_all(fd, body, strlen(body)) == -1 || close(fd)) {
        perror(fn);
        exit(2);
    }
}

static void slurp(const char *fn, sa *out)
{
    if (ctl_slurp(at(fn), out) != 1)
        out->len = 0;
}

/* one submission: message, sender, recipients; returns qq_close's text */
static const char *submit(qq *q, const char *m, size_t mlen, const char *f,
                          const char *const *to, int abort)
{
    if (qq_start(q) == -1)
        return "(qq_start failed)";
    qq_put(q, m, mlen);
    qq_from(q, f);
    for (; *to; ++to)
        qq_to(q, *to);
    if (abort)
        qq_fail(q);
    return qq_close(q);
}

static void use(const char *prog, const char *code, const char *text)
{
    if (prog)
        setenv("QMAILQUEUE", at(prog), 1);
    else
        unsetenv("QMAILQUEUE");
    setenv("QQT_DIR", dir, 1);
    setenv("QQT_CODE", code, 1);
    setenv("QQT_TEXT", text, 1);
}

static qq q;

static void t_capture(void)
{
    static const char msg[] = "Subject: hi\n\nbody\0with a NUL\r\n";
    static const char env[] = "Fs@example.org\0Ta@b\0Tc@d\0\0";
    static const char *const to[] = {"a@b", "c@d", 0};
    sa got = SA_INIT;
    char pid[64];
    int n;

    use("capture", "0", "");
    IS_STR(submit(&q, msg, sizeof msg - 1, "s@example.org", to, 0), "",
           "exit 0: success");
    slurp("msg", &got);
    IS_MEM(got.s, got.len, msg, sizeof msg - 1, "message bytes on fd 0");
    slurp("env", &got);
    IS_MEM(got.s, got.len, env, sizeof env - 1, "envelope bytes on fd 1");
    slurp("cwd", &got);
    IS_MEM(got.s, got.len, AUTO_QMAILHOME "\n",
           strlen(AUTO_QMAILHOME) + 1, "runs in QMAILHOME");
    slurp("pid", &got);
    n = snprintf(pid, sizeof pid, "%lu\n", qq_qp(&q));
    IS_MEM(got.s, got.len, pid, (size_t)n, "qq_qp is the child's pid");
    slurp("fds", &got);
    IS_MEM(got.s, got.len, "6\n", 2, "fd 6 open for writing");
    sa_free(&got);
}

static void t_empty_and_big(void)
{
    static const char *const none[] = {0};
    static const char *const one[] = {"r@x", 0};
    size_t big = 3 * 1024 * 1024 + 7, i;
    char *m = malloc(big);
    sa got = SA_INIT;

    use("capture", "0", "");
    IS_STR(submit(&q, "", 0, "", none, 0), "", "empty message, no rcpt");
    slurp("msg", &got);
    IS_INT(got.len, 0, "empty message");
    slurp("env", &got);
    IS_MEM(got.s, got.len, "F\0\0", 3, "empty sender: F NUL NUL");
    for (i = 0; i < big; ++i)
        m[i] = (char)(i * 131 + i / 7);
    IS_STR(submit(&q, m, big, "s", one, 0), "", "3 MB message");
    slurp("msg", &got);
    IS_MEM(got.s, got.len, m, big, "all 3 MB arrive intact");
    free(m);
    sa_free(&got);
}

static void t_codes(void)
{
    static const char *const to[] = {"r@x", 0};
    char code[16], name[64];
    size_t i;

    for (i = 1; i < NTABLE; ++i) {
        snprintf(code, sizeof code, "%d", table[i].code);
        snprintf(name, sizeof name, "qq exits %d", table[i].code);
        use("capture", code, "");
        IS_STR(submit(&q, "x\n", 2, "s", to, 0), table[i].msg, name);
    }
}

static void t_fd6(void)
{
    static const char *const to[] = {"r@x", 0};
    char long_text[301];

    use("text", "82", "Dsorry, no mail for you here (#5.7.1)");
    IS_STR(submit(&q, "x\n", 2, "s", to, 0),
           "Dsorry, no mail for you here (#5.7.1)", "82 + D text verbatim");
    use("text", "82", "Zgreylisted, try again later (#4.7.1)");
    IS_STR(submit(&q, "x\n", 2, "s", to, 0),
           "Zgreylisted, try again later (#4.7.1)", "82 + Z text verbatim");
    use("text", "82", "Dab");
    IS_STR(submit(&q, "x\n", 2, "s", to, 0), "Dab", "82 + 3 bytes: used");
    use("text", "82", "Dx");
    IS_STR(submit(&q, "x\n", 2, "s", to, 0),
           "Zqq temporary problem (#4.3.0)", "82 + 2 bytes: not enough");
    use("text", "82", "");
    IS_STR(submit(&q, "x\n", 2, "s", to, 0),
           "Zqq temporary problem (#4.3.0)", "82 without text");
    use("text", "82", "Xwhatever text");
    IS_STR(submit(&q, "x\n", 2, "s", to, 0),
           "Zqq temporary problem (#4.3.0)", "82, text not D/Z");
    memset(long_text, 'a', sizeof long_text - 1);
    long_text[0] = 'D';
    long_text[sizeof long_text - 1] = 0;
    use("text", "82", long_text);
    long_text[255] = 0;
    IS_STR(submit(&q, "x\n", 2, "s", to, 0), long_text,
           "82 + 300 bytes: the first 255");
    use("text", "0", "Dignored");
    IS_STR(submit(&q, "x\n", 2, "s", to, 0), "", "exit 0: text ignored");
    use("text", "11", "Dignored");
    IS_STR(submit(&q, "x\n", 2, "s", to, 0),
           "Denvelope address too long for qq (#5.1.3)",
           "exit 11: text ignored");
}

static int complete(const sa *env)
{
    envelope e = ENVELOPE_INIT;
    size_t used;

    return envelope_feed(&e, env->s, env->len, &used) == ENV_DONE;
}

static void t_failures(void)
{
    static const char *const to[] = {"r@x", 0};
    size_t big = 1024 * 1024;
    char *m = calloc(1, big);
    sa got = SA_INIT;

    use("crash", "0", "");
    IS_STR(submit(&q, "x\n", 2, "s", to, 0), "Zqq crashed (#4.3.0)",
           "killed by a signal: crashed");
    use("missing", "0", "");
    IS_STR(submit(&q, "x\n", 2, "s", to, 0), "Zunable to exec qq (#4.3.0)",
           "no such program: unable to exec");
    use("noexec", "0", "");
    IS_STR(submit(&q, "x\n", 2, "s", to, 0), "Zunable to exec qq (#4.3.0)",
           "not executable: unable to exec");
    use("early", "0", "");
    IS_STR(submit(&q, m, big, "s", to, 0), "Zqq read error (#4.3.0)",
           "exit 0 after our write failed: read error");
    use("capture", "54", "");
    IS_STR(submit(&q, "x\n", 2, "s", to, 1), "Zqq read error (#4.3.0)",
           "aborted: qq's verdict");
    slurp("env", &got);
    OK(!complete(&got), "aborted: the envelope is not complete");
    slurp("msg", &got);
    IS_MEM(got.s, got.len, "x\n", 2, "aborted: the message was sent");
    use("capture", "0", "");
    IS_STR(submit(&q, "x\n", 2, "s", to, 1), "Zqq read error (#4.3.0)",
           "aborted, yet qq exits 0: still a failure");
    slurp("env", &got);
    OK(!complete(&got), "the envelope is not complete");
    free(m);
    sa_free(&got);
}

/* with 0, 1 and 6 closed, the pipes take those numbers */
static void lowfds(void *arg)
{
    static const char *const to[] = {"r@x", 0};
    sa got = SA_INIT;

    (void)arg;
    close(0);
    close(1);
    close(6);
    use("capture", "0", "");
    if (strcmp(submit(&q, "low\n", 4, "s", to, 0), "") != 0)
        _exit(1);
    slurp("msg", &got);
    if (got.len != 4 || memcmp(got.s, "low\n", 4) != 0)
        _exit(2);
    slurp("env", &got);
    if (got.len != 9 || memcmp(got.s, "Fs\0Tr@x\0\0", 9) != 0)
        _exit(3);
    _exit(0);
}

static void t_default_prog(int own_home)
{
    static const char *const to[] = {"r@x", 0};
    sa got = SA_INIT;
    char body[4200];

    if (!own_home) {
        SKIP("bin/qmail-queue by default", "QMAILHOME is not ours");
        SKIP("QMAILHOME missing: exit 61", "QMAILHOME is not ours");
        return;
    }
    snprintf(body, sizeof body, "#!/bin/sh\nexec %s\n", at("capture"));
    if (mkdir(AUTO_QMAILHOME "/bin", 0755) == -1) {
        OK(0, "mkdir QMAILHOME/bin");
        return;
    }
    snprintf(path, sizeof path, "%s", AUTO_QMAILHOME "/bin/qmail-queue");
    fd_move(9, open(path, O_WRONLY | O_CREAT | O_TRUNC, 0755));
    if (write_all(9, body, strlen(body)) == -1 || close(9) == -1)
        OK(0, "write bin/qmail-queue");
    use(0, "0", "");
    IS_STR(submit(&q, "dflt\n", 5, "s", to, 0), "",
           "QMAILQUEUE unset: bin/qmail-queue");
    slurp("msg", &got);
    IS_MEM(got.s, got.len, "dflt\n", 5, "it got the message");
    setenv("QMAILQUEUE", "", 1);
    got.len = 0;
    IS_STR(submit(&q, "empty\n", 6, "s", to, 0), "",
           "QMAILQUEUE empty: bin/qmail-queue");
    slurp("msg", &got);
    IS_MEM(got.s, got.len, "empty\n", 6, "it got the message");
    unlink(AUTO_QMAILHOME "/bin/qmail-queue");
    rmdir(AUTO_QMAILHOME "/bin");
    if (rmdir(AUTO_QMAILHOME) == -1)
        OK(0, "rmdir QMAILHOME");
    use("capture", "0", "");
    IS_STR(submit(&q, "x\n", 2, "s", to, 0),
           "Zqq trouble in home directory (#4.3.0)",
           "QMAILHOME missing: exit 61");
    sa_free(&got);
}

/* a private QMAILHOME: a tmpfs over its nearest existing ancestor (not
   "/") in a mount namespace of our own; 1 when we have one */
static int own_home(void)
{
    char anc[4096];
    char *slash;
    struct stat st;
    size_t i;

    if (getuid() != 0 || unshare(CLONE_NEWNS) == -1 ||
        mount("none", "/", 0, MS_REC | MS_PRIVATE, 0) == -1)
        return 0;
    snprintf(anc, sizeof anc, "%s", AUTO_QMAILHOME);
    do {
        slash = strrchr(anc, '/');
        if (!slash || slash == anc)
            return 0;
        *slash = 0;
    } while (stat(anc, &st) == -1);
    if (mount("tmpfs", anc, "tmpfs", 0, "size=4m,mode=755") == -1)
        return 0;
    snprintf(path, sizeof path, "%s", AUTO_QMAILHOME);
    for (i = strlen(anc) + 1; path[i]; ++i)
        if (path[i] == '/') {
            path[i] = 0;
            mkdir(path, 0755);
            path[i] = '/';
        }
    return mkdir(path, 0755) == 0;
}

static void scripts(void)
{
    script("capture", "#!/bin/sh\n"
                      "pwd > \"$QQT_DIR/cwd\"\n"
                      "echo $$ > \"$QQT_DIR/pid\"\n"
                      "rm -f \"$QQT_DIR/fds\"\n"
                      "if { : >&6; } 2>/dev/null; then\n"
                      "    echo 6 > \"$QQT_DIR/fds\"\n"
                      "fi\n"
                      "cat > \"$QQT_DIR/msg\"\n"
                      "cat <&1 > \"$QQT_DIR/env\"\n"
                      "exit \"$QQT_CODE\"\n");
    script("text", "#!/bin/sh\n"
                   "cat > /dev/null\n"
                   "cat <&1 > /dev/null\n"
                   "printf '%s' \"$QQT_TEXT\" >&6\n"
                   "exit \"$QQT_CODE\"\n");
    script("crash", "#!/bin/sh\ncat > /dev/null\nkill -KILL $$\n");
    script("early", "#!/bin/sh\nexec 0<&-\nexit 0\n");
    script("noexec", "#!/bin/sh\nexit 0\n");
    chmod(at("noexec"), 0644);
}

int main(void)
{
    static const char *const runs[] = {
        "submission to a capture script", "empty and big messages",
        "every exit code", "exit 82 and fd 6", "failures", "fds 0, 1, 6 closed"};
    struct stat st;
    int mine, can;
    size_t i;

    signal(SIGPIPE, SIG_IGN);
    t_exitmsg();
    mine = own_home();
    can = mine || (stat(AUTO_QMAILHOME, &st) == 0 && S_ISDIR(st.st_mode));
    if (!can) {
        for (i = 0; i < sizeof runs / sizeof runs[0]; ++i)
            SKIP(runs[i], "no " AUTO_QMAILHOME " and not root");
        return pt_done();
    }
    if (!mkdtemp(dir))
        return 2;
    scripts();
    t_capture();
    t_empty_and_big();
    t_codes();
    t_fd6();
    t_failures();
    IS_INT(pt_exitcode(lowfds, 0), 0, runs[5]);
    t_default_prog(mine);
    for (i = 0; i < 7; ++i) {
        static const char *const f[] = {"capture", "text", "crash", "early",
                                        "noexec", "msg", "env"};
        unlink(at(f[i]));
    }
    unlink(at("cwd"));
    unlink(at("pid"));
    unlink(at("fds"));
    rmdir(dir);
    return pt_done();
}

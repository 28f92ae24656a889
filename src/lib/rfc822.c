/*
 * rfc822.c: header fields as qmail-inject sees them (see rfc822.h).
 * Called by qmail-inject and by the fuzz target; pure functions that
 * check every index against the length before reading.  Failures are
 * returned (syntax 0, memory -1 or 0 per rfc822.h), never fatal.
 * Address lists are parsed right to left as in qmail: that order
 * decides which words form a phrase, where commas are inserted and the
 * order in which addresses are collected, all visible to users.
 */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "addr.h"
#include "rfc822.h"

/* ---- token arrays ---- */

static int toks_ready(r822_toks *x, size_t n)
{
    size_t want, na;
    r822_tok *p;

    if (__builtin_add_overflow(x->len, n, &want)) {
        errno = EOVERFLOW;
        return 0;
    }
    if (x->t && want <= x->a)
        return 1;
    if (__builtin_add_overflow(want, (want >> 3) + 16, &na) ||
        na > SIZE_MAX / sizeof *p) {
        errno = EOVERFLOW;
        return 0;
    }
    p = realloc(x->t, na * sizeof *p);
    if (!p) {
        errno = ENOMEM;
        return 0;
    }
    x->t = p;
    x->a = na;
    return 1;
}

int r822_toks_catb(r822_toks *x, const r822_tok *t, size_t n)
{
    if (!toks_ready(x, n))
        return 0;
    if (n)
        memmove(x->t + x->len, t, n * sizeof *t);
    x->len += n;
    return 1;
}

int r822_toks_append(r822_toks *x, const r822_tok *t)
{
    return r822_toks_catb(x, t, 1);
}

void r822_toks_free(r822_toks *x)
{
    free(x->t);
    x->t = 0;
    x->len = x->a = 0;
}

/* ---- tokeniser ---- */

static int special(unsigned char c)
{
    switch (c) {
    case '.':
        return R822_DOT;
    case ',':
        return R822_COMMA;
    case '@':
        return R822_AT;
    case '<':
        return R822_LEFT;
    case '>':
        return R822_RIGHT;
    case ':':
        return R822_COLON;
    case ';':
        return R822_SEMI;
    default:
        return 0;
    }
}

static int white(unsigned char c)
{
    return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

/* may this byte continue an atom?  (')' ']' '\' may: they only make
   the atom a quoted string) */
static int atomok(unsigned char c)
{
    return !white(c) && !special(c) && c != '(' && c != '[' && c != '"';
}

static void atomcheck(r822_tok *t)
{
    size_t i;

    for (i = 0; i < t->len; ++i) {
        unsigned char c = (unsigned char)t->s[i];
        if (c < 32 || c > 126 || c == ')' || c == ']' || c == '\\') {
            t->type = R822_QUOTE;
            return;
        }
    }
}

/* an atom starting at s[*pos]; a backslash at the very end is dropped */
static void scan_atom(const char *s, size_t len, size_t *pos, sa *buf,
                      r822_tok *t)
{
    size_t i = *pos;

    t->type = R822_ATOM;
    t->s = buf->s + buf->len;
    t->len = 0;
    do {
        if (s[i] == '\\' && ++i >= len)
            break;
        buf->s[buf->len++] = s[i];
        ++t->len;
        ++i;
    } while (i < len && atomok((unsigned char)s[i]));
    *pos = i;
    atomcheck(t);
}

/* a comment, quoted string or literal opening at s[*pos]; 0 if it is
   not closed (or ends in a lone backslash) */
static int scan_delim(const char *s, size_t len, size_t *pos, sa *buf,
                      r822_tok *t)
{
    char open = s[*pos];
    char close = open == '(' ? ')' : open == '[' ? ']' : '"';
    size_t i = *pos;
    size_t level = 1;

    t->type = open == '('   ? R822_COMMENT
              : open == '[' ? R822_LITERAL
                            : R822_QUOTE;
    t->s = buf->s + buf->len;
    t->len = 0;
    for (;;) {
        if (++i >= len)
            return 0;
        if (s[i] == close) {
            if (--level == 0)
                break;
            continue;
        }
        if (open == '(' && s[i] == '(') {
            ++level;
            continue;
        }
        if (s[i] == '\\' && ++i >= len)
            return 0;
        buf->s[buf->len++] = s[i];
        ++t->len;
    }
    *pos = i + 1;
    return 1;
}

int r822_tokenise(r822_toks *out, sa *buf, const char *s, size_t len)
{
    size_t i = 0;
    r822_tok t;

    out->len = 0;
    buf->len = 0;
    /* contents never outgrow the input: one allocation, stable */
    if (!sa_ready(buf, len ? len : 1))
        return -1;
    while (i < len) {
        unsigned char c = (unsigned char)s[i];
        t.type = special(c);
        t.s = 0;
        t.len = 0;
        if (t.type)
            ++i;
        else if (white(c)) {
            ++i;
            continue;
        } else if (c == ')' || c == ']')
            return 0;
        else if (c == '(' || c == '"' || c == '[') {
            if (!scan_delim(s, len, &i, buf, &t))
                return 0;
        } else
            scan_atom(s, len, &i, buf, &t);
        if (!r822_toks_append(out, &t))
            return -1;
    }
    return 1;
}

/* ---- re-emission ---- */

static int content(int type)
{
    return type >= R822_ATOM && type <= R822_COMMENT;
}

static int needspace(int last, int next)
{
    if (!last)
        return 0;
    if (last == R822_COLON || last == R822_COMMA || next == R822_LEFT)
        return 1;
    return content(last) && content(next);
}

static int put_content(sa *out, const r822_tok *t)
{
    static const char open[] = " \"[(", close[] = " \"])";
    size_t i, need;

    if (__builtin_mul_overflow(t->len, 2, &need) ||
        __builtin_add_overflow(need, 2, &need)) {
        errno = EOVERFLOW;
        return 0;
    }
    if (!sa_readyplus(out, need))
        return 0;
    if (t->type != R822_ATOM)
        out->s[out->len++] = open[t->type - R822_ATOM];
    for (i = 0; i < t->len; ++i) {
        if (memchr("\"[]()\\\r\n", t->s[i], 8))
            out->s[out->len++] = '\\';
        out->s[out->len++] = t->s[i];
    }
    if (t->type != R822_ATOM)
        out->s[out->len++] = close[t->type - R822_ATOM];
    return 1;
}

/* folding: a line break may go after each comma; it is kept only when
   the line, counted with the break's two bytes, would pass linelen */
typedef struct fold {
    size_t lb;  /* start of the current line */
    size_t brk; /* where the pending break would go */
    int have;
    size_t linelen;
} fold;

static int fold_at(sa *out, fold *f, int end)
{
    if (f->have && f->linelen && out->len - f->lb + 2 > f->linelen) {
        if (!sa_readyplus(out, 2))
            return 0;
        memmove(out->s + f->brk + 2, out->s + f->brk, out->len - f->brk);
        out->s[f->brk] = '\n';
        out->s[f->brk + 1] = ' ';
        out->len += 2;
        f->lb = f->brk + 1;
    }
    f->have = !end;
    f->brk = out->len;
    return 1;
}

int r822_unparse(sa *out, const r822_tok *t, size_t n, size_t linelen)
{
    static const char spec[] = ",@.<>:;";
    fold f;
    int last = 0;
    size_t i;

    f.lb = out->len;
    f.brk = 0;
    f.have = 0;
    f.linelen = linelen;
    if (!out->s && !sa_ready(out, 1))
        return 0;
    for (i = 0; i < n; ++i) {
        if (needspace(last, t[i].type) && !sa_append(out, ' '))
            return 0;
        last = t[i].type;
        if (content(last)) {
            if (!put_content(out, t + i))
                return 0;
        } else if (last >= R822_COMMA && last <= R822_SEMI) {
            if (!sa_append(out, spec[last - R822_COMMA]))
                return 0;
            if (last == R822_COMMA && !fold_at(out, &f, 0))
                return 0;
        }
    }
    return fold_at(out, &f, 1) && sa_append(out, '\n');
}

int r822_unquote(sa *out, const r822_tok *t, size_t n)
{
    static const char spec[] = ",@.<>:;";
    size_t i;

    if (!out->s && !sa_ready(out, 1))
        return 0;
    for (i = 0; i < n; ++i) {
        int ty = t[i].type;
        if (ty == R822_COMMENT)
            continue;
        if (ty >= R822_COMMA && ty <= R822_SEMI) {
            if (!sa_append(out, spec[ty - R822_COMMA]))
                return 0;
            continue;
        }
        if (ty == R822_LITERAL && !sa_append(out, '['))
            return 0;
        if (!sa_catb(out, t[i].s, t[i].len))
            return 0;
        if (ty == R822_LITERAL && !sa_append(out, ']'))
            return 0;
    }
    return 1;
}

/* ---- rewriting (spec 3.5 steps 1-6) ---- */

static void toks_cut(r822_toks *x, size_t k) /* drop the first k */
{
    memmove(x->t, x->t + k, (x->len - k) * sizeof *x->t);
    x->len -= k;
}

/* step 2: "@a,@b:user@host" loses everything up to the first colon;
   with no colon the whole address goes */
static void rw_route(r822_toks *a)
{
    size_t i;

    if (a->t[0].type != R822_AT)
        return;
    for (i = 0; i < a->len; ++i)
        if (a->t[i].type == R822_COLON) {
            toks_cut(a, i + 1);
            return;
        }
    a->len = 0;
}

static int has_type(const r822_toks *a, int type)
{
    size_t i;

    for (i = 0; i < a->len; ++i)
        if (a->t[i].type == type)
            return 1;
    return 0;
}

/* step 6: the tokens after the last '@' hold neither a dot nor a
   literal: add ".defaultdomain" */
static int rw_nodot(r822_toks *a, const r822_rw *rw)
{
    size_t i;

    for (i = a->len; i > 0 && a->t[i - 1].type != R822_AT; --i)
        if (a->t[i - 1].type == R822_DOT || a->t[i - 1].type == R822_LITERAL)
            return 1;
    return r822_toks_catb(a, rw->dom, rw->ndom);
}

int r822_rewrite(r822_toks *a, const r822_rw *rw)
{
    r822_tok *last;

    if (!a->len) /* <> */
        return 1;
    if (a->len >= 2 && a->t[a->len - 1].type == R822_LITERAL &&
        !a->t[a->len - 1].len && a->t[a->len - 2].type == R822_AT)
        return 1; /* user@[] is left for qmail-send */
    rw_route(a);
    if (a->len && a->t[a->len - 1].type == R822_DOT)
        --a->len;
    if (a->len && a->t[a->len - 1].type == R822_AT)
        --a->len;
    if (!a->len)
        return 1;
    if (!has_type(a, R822_AT) && !r822_toks_catb(a, rw->host, rw->nhost))
        return 0;
    last = a->t + a->len - 1;
    if (last->type == R822_ATOM && last->len && last->s[last->len - 1] == '+') {
        --last->len;
        if (!r822_toks_catb(a, rw->plus, rw->nplus))
            return 0;
    }
    return rw_nodot(a, rw);
}

/* ---- address lists, right to left ---- */

typedef struct alist {
    r822_toks rev; /* the output, reversed */
    r822_toks acc; /* the address being collected, reversed */
    r822_toks one; /* the same in order, for rewriting */
    sa *addrs;
    const r822_rw *rw;
} alist;

static const r822_tok comma = {R822_COMMA, 0, 0};

static int push_rev(r822_toks *to, const r822_toks *from)
{
    size_t i;

    if (!toks_ready(to, from->len))
        return 0;
    for (i = from->len; i > 0; --i)
        to->t[to->len++] = from->t[i - 1];
    return 1;
}

static int gotaddr(alist *a)
{
    size_t mark;
    char *nul;

    a->one.len = 0;
    if (!push_rev(&a->one, &a->acc))
        return 0;
    a->acc.len = 0;
    if (a->rw && !r822_rewrite(&a->one, a->rw))
        return 0;
    if (a->addrs) {
        mark = a->addrs->len;
        if (!r822_unquote(a->addrs, a->one.t, a->one.len))
            return 0;
        nul = memchr(a->addrs->s + mark, 0, a->addrs->len - mark);
        if (nul)
            a->addrs->len = (size_t)(nul - a->addrs->s);
        if (!sa_0(a->addrs))
            return 0;
    }
    return push_rev(&a->rev, &a->one);
}

static int flush(alist *a, int withcomma)
{
    if (!a->acc.len)
        return 1;
    if (!gotaddr(a))
        return 0;
    return !withcomma || r822_toks_append(&a->rev, &comma);
}

static int phraseword(int type)
{
    return type == R822_COMMENT || type == R822_ATOM || type == R822_QUOTE ||
           type == R822_AT || type == R822_DOT;
}

/* at in[*i - 1] == '>': the route address back to '<', then its phrase;
   0 syntax, -1 nomem */
static int do_angle(alist *a, const r822_tok *in, size_t *i)
{
    if (!flush(a, 1) || !r822_toks_append(&a->rev, &in[--*i]))
        return -1;
    while (*i > 0 && in[*i - 1].type != R822_LEFT)
        if (!r822_toks_append(&a->acc, &in[--*i]))
            return -1;
    if (!gotaddr(a)) /* even when empty: <> is an address */
        return -1;
    if (*i == 0)
        return 0;
    if (!r822_toks_append(&a->rev, &in[--*i]))
        return -1;
    while (*i > 0 && phraseword(in[*i - 1].type))
        if (!r822_toks_append(&a->rev, &in[--*i]))
            return -1;
    return 1;
}

/* at in[*i - 1] == ':' closing a group (seen from the right): the group
   name, everything back to a comma, is copied unparsed */
static int do_colon(alist *a, const r822_tok *in, size_t *i)
{
    if (!flush(a, 0) || !r822_toks_append(&a->rev, &in[--*i]))
        return -1;
    while (*i > 0 && in[*i - 1].type != R822_COMMA)
        if (!r822_toks_append(&a->rev, &in[--*i]))
            return -1;
    if (*i > 0 && !r822_toks_append(&a->rev, &in[--*i]))
        return -1;
    return 1;
}

/* one step leftwards from in[*i - 1]; 1 ok, 0 syntax, -1 nomem */
static int step(alist *a, const r822_tok *in, size_t *i, int *ingroup,
                int *wordok)
{
    const r822_tok *t = &in[*i - 1];
    int r = 1;

    switch (t->type) {
    case R822_SEMI:
        if (!flush(a, 1))
            return -1;
        if (*ingroup)
            return 0;
        *ingroup = 1;
        *wordok = 1;
        break;
    case R822_COLON:
        if (!*ingroup)
            return flush(a, 0) ? 0 : -1;
        *ingroup = 0;
        *wordok = 1;
        return do_colon(a, in, i);
    case R822_RIGHT:
        *wordok = 0;
        return do_angle(a, in, i);
    case R822_ATOM:
    case R822_QUOTE:
    case R822_LITERAL:
        if (!*wordok && !flush(a, 1))
            return -1;
        *wordok = 0;
        --*i;
        return r822_toks_append(&a->acc, t) ? 1 : -1;
    case R822_COMMENT: /* lexically a space: wordok stays */
        break;
    case R822_COMMA:
        r = flush(a, 0);
        *wordok = 1;
        break;
    default: /* '@' '.' and a stray '<' belong to the address */
        *wordok = 1;
        --*i;
        return r822_toks_append(&a->acc, t) ? 1 : -1;
    }
    --*i;
    return r && r822_toks_append(&a->rev, t) ? 1 : -1;
}

int r822_addrlist(r822_toks *out, sa *addrs, const r822_tok *in, size_t n,
                  const r822_rw *rw)
{
    alist a = {R822_TOKS_INIT, R822_TOKS_INIT, R822_TOKS_INIT, addrs, rw};
    size_t i = n;
    int ingroup = 0, wordok = 1, r = 1;

    while (i > 0 && r == 1)
        r = step(&a, in, &i, &ingroup, &wordok);
    if (r == 1 && !flush(&a, 0))
        r = -1;
    out->len = 0;
    if (r == 1 && !push_rev(out, &a.rev))
        r = -1;
    r822_toks_free(&a.rev);
    r822_toks_free(&a.acc);
    r822_toks_free(&a.one);
    return r;
}

/* ---- whole fields and single addresses ---- */

int r822_field(sa *out, sa *addrs, const char *f, size_t len, const r822_rw *rw)
{
    const char *colon = memchr(f, ':', len);
    r822_toks in = R822_TOKS_INIT, res = R822_TOKS_INIT;
    r822_tok head[2];
    sa buf = SA_INIT;
    size_t nlen;
    int r;

    if (!colon)
        return 0;
    nlen = (size_t)(colon - f);
    while (nlen && (f[nlen - 1] == ' ' || f[nlen - 1] == '\t'))
        --nlen;
    head[0].type = R822_ATOM;
    head[0].s = f;
    head[0].len = nlen;
    head[1] = (r822_tok){R822_COLON, 0, 0};
    r = r822_tokenise(&in, &buf, colon + 1, len - (size_t)(colon - f) - 1);
    if (r == 1)
        r = r822_addrlist(&res, addrs, in.t, in.len, rw);
    in.len = 0; /* reused for name, colon and the rewritten value */
    if (r == 1 && (!r822_toks_catb(&in, head, 2) ||
                   !r822_toks_catb(&in, res.t, res.len) ||
                   !r822_unparse(out, in.t, in.len, R822_LINELEN)))
        r = -1;
    r822_toks_free(&in);
    r822_toks_free(&res);
    sa_free(&buf);
    return r;
}

int r822_addr(sa *out, const char *s, size_t len, const r822_rw *rw)
{
    sa q = SA_INIT, buf = SA_INIT;
    r822_toks t = R822_TOKS_INIT;
    char *nul;
    int r = 1;

    out->len = 0;
    if (len && !addr_quote(&q, s, len))
        r = -1;
    if (r == 1)
        r = r822_tokenise(&t, &buf, q.s, q.len);
    if (r == 1 && rw && !r822_rewrite(&t, rw))
        r = -1;
    if (r == 1 && !r822_unquote(out, t.t, t.len))
        r = -1;
    if (r == 1 && (nul = memchr(out->s, 0, out->len)))
        out->len = (size_t)(nul - out->s);
    sa_free(&q);
    sa_free(&buf);
    r822_toks_free(&t);
    return r;
}

/* ---- header field names ---- */

static const char *const hname[R822_H_NUM] = {
    "",
    "sender",
    "from",
    "reply-to",
    "to",
    "cc",
    "bcc",
    "date",
    "message-id",
    "subject",
    "resent-sender",
    "resent-from",
    "resent-reply-to",
    "resent-to",
    "resent-cc",
    "resent-bcc",
    "resent-date",
    "resent-message-id",
    "return-receipt-to",
    "errors-to",
    "apparently-to",
    "received",
    "return-path",
    "delivered-to",
    "content-length",
    "content-type",
    "content-transfer-encoding",
    "notice-requested-upon-delivery-to",
    "mail-followup-to"};

static int hmatch(const char *s, size_t len, const char *name)
{
    size_t i, n = strlen(name);

    if (len < n || case_diffb(s, n, name, n))
        return 0;
    for (i = n; i < len; ++i) {
        if (s[i] == ':')
            return 1;
        if (s[i] != ' ' && s[i] != '\t')
            return 0;
    }
    return 0;
}

int r822_hfknown(const char *s, size_t len)
{
    int i;

    for (i = 1; i < R822_H_NUM; ++i)
        if (hmatch(s, len, hname[i]))
            return i;
    return R822_H_UNKNOWN;
}

int r822_hfvalid(const char *s, size_t len)
{
    const char *colon = memchr(s, ':', len);
    size_t i, n;

    if (!colon)
        return 0;
    n = (size_t)(colon - s);
    while (n && (s[n - 1] == ' ' || s[n - 1] == '\t'))
        --n;
    if (!n)
        return 0;
    for (i = 0; i < n; ++i)
        if ((unsigned char)s[i] <= 32 || (unsigned char)s[i] >= 127)
            return 0;
    return 1;
}

/* ---- the header/body splitter ---- */

static void hb_complete(r822_hb *h)
{
    sa t = h->done;

    h->done = h->cur;
    h->cur = t;
    h->cur.len = 0;
    h->pending = 0;
}

int r822_hbline(r822_hb *h, const char *line, size_t len)
{
    int mask = 0;

    if (h->inbody)
        return R822_HB_BODY;
    if (h->pending) {
        if (len && (line[0] == ' ' || line[0] == '\t'))
            return sa_catb(&h->cur, line, len) ? 0 : -1;
        hb_complete(h);
        mask = R822_HB_FIELD;
    }
    if (len == 1 && line[0] == '\n') {
        h->inbody = 1;
        return mask | R822_HB_END | R822_HB_BODY;
    }
    if (len >= 5 && !memcmp(line, "From ", 5)) {
        if (!sa_copys(&h->cur, "MBOX-Line: ") || !sa_catb(&h->cur, line, len))
            return -1;
    } else if (r822_hfvalid(line, len)) {
        if (!sa_copyb(&h->cur, line, len))
            return -1;
    } else {
        h->inbody = 1;
        return mask | R822_HB_END | R822_HB_BLANK | R822_HB_BODY;
    }
    h->pending = 1;
    return mask;
}

int r822_hbeof(r822_hb *h)
{
    int mask = 0;

    if (h->pending) {
        hb_complete(h);
        mask = R822_HB_FIELD;
    }
    if (!h->inbody) {
        h->inbody = 1;
        mask |= R822_HB_END;
    }
    return mask;
}

void r822_hbfree(r822_hb *h)
{
    sa_free(&h->cur);
    sa_free(&h->done);
}

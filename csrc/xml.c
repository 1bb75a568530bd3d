#include "xml.h"
#include "alloc.h"

#include <stdlib.h>
#include <string.h>

#include <expat.h>

#include "buf.h"

#define XML_MAX_DEPTH 64

typedef struct {
    char *name;
    cc_buf_t text;
    cc_entry_t *children; /* malloc'd, moved into the arena when the element ends */
    size_t nchildren, cap;
} frame_t;

typedef struct {
    XML_Parser parser;
    cc_arena_t *arena;
    frame_t stack[XML_MAX_DEPTH + 1];
    int depth; /* stack[0] is the document */
    int failed;
    const char *why;
} xctx_t;

static void fail(xctx_t *x, const char *why)
{
    if (!x->failed) {
        x->failed = 1;
        x->why = why;
        XML_StopParser(x->parser, XML_FALSE);
    }
}

static void XMLCALL on_start(void *ud, const XML_Char *name, const XML_Char **attrs)
{
    xctx_t *x = ud;
    frame_t *f;
    (void)attrs;
    if (x->failed)
        return;
    if (x->depth >= XML_MAX_DEPTH) {
        fail(x, "XML nested too deeply");
        return;
    }
    f = &x->stack[++x->depth];
    memset(f, 0, sizeof *f);
    cc_buf_init(&f->text);
    f->name = cc_arena_strndup(x->arena, name, strlen(name));
    if (f->name == NULL)
        fail(x, "out of memory");
}

static void XMLCALL on_text(void *ud, const XML_Char *s, int len)
{
    xctx_t *x = ud;
    if (!x->failed && x->depth > 0)
        cc_buf_append(&x->stack[x->depth].text, s, (size_t)len);
}

static int add_child(frame_t *parent, const char *name, const cc_value_t *v)
{
    size_t i;
    for (i = 0; i < parent->nchildren; i++) {
        if (strcmp(parent->children[i].key.u.str.s, name) == 0) {
            parent->children[i].val = *v; /* a repeated name keeps the last */
            return 1;
        }
    }
    if (parent->nchildren == parent->cap) {
        size_t cap = parent->cap ? parent->cap * 2 : 4;
        cc_entry_t *p = cc_realloc(parent->children, cap * sizeof *p);
        if (p == NULL)
            return 0;
        parent->children = p;
        parent->cap = cap;
    }
    cc_value_set_str(&parent->children[parent->nchildren].key, name, strlen(name));
    parent->children[parent->nchildren++].val = *v;
    return 1;
}

/* The value of a finished frame, its memory moved into the arena. */
static int frame_value(xctx_t *x, frame_t *f, cc_value_t *v)
{
    if (f->nchildren > 0) {
        if (!cc_value_new_table(x->arena, v, f->nchildren))
            return 0;
        memcpy(v->u.tab.items, f->children, f->nchildren * sizeof *f->children);
        v->u.tab.n = f->nchildren;
    } else {
        const char *s = cc_buf_cstr(&f->text);
        size_t n = f->text.len;
        char *copy;
        while (n > 0 && (*s == ' ' || *s == '\n' || *s == '\r' || *s == '\t')) {
            s++;
            n--;
        }
        while (n > 0 && (s[n - 1] == ' ' || s[n - 1] == '\n' || s[n - 1] == '\r' || s[n - 1] == '\t'))
            n--;
        if ((copy = cc_arena_strndup(x->arena, s, n)) == NULL)
            return 0;
        cc_value_set_str(v, copy, n);
    }
    return 1;
}

static void frame_free(frame_t *f)
{
    cc_free(f->children);
    f->children = NULL;
    f->nchildren = f->cap = 0;
    cc_buf_free(&f->text);
}

static void XMLCALL on_end(void *ud, const XML_Char *name)
{
    xctx_t *x = ud;
    frame_t *f;
    cc_value_t v;
    (void)name;
    if (x->failed || x->depth == 0)
        return;
    f = &x->stack[x->depth];
    if (!cc_buf_ok(&f->text) || !frame_value(x, f, &v) || !add_child(&x->stack[x->depth - 1], f->name, &v))
        fail(x, "out of memory");
    frame_free(f);
    x->depth--;
}

int cc_xml_decode(const char *text, size_t len, cc_arena_t *a, cc_value_t *out, cc_err_t *err)
{
    xctx_t x;
    int ok, rc = CC_OK;
    memset(&x, 0, sizeof x);
    x.arena = a;
    cc_buf_init(&x.stack[0].text);
    x.parser = XML_ParserCreate(NULL);
    if (x.parser == NULL)
        return cc_err_set(err, CC_E_NOMEM, "out of memory");
    XML_SetUserData(x.parser, &x);
    XML_SetElementHandler(x.parser, on_start, on_end);
    XML_SetCharacterDataHandler(x.parser, on_text);
    ok = XML_Parse(x.parser, text, (int)len, XML_TRUE) == XML_STATUS_OK;
    if (x.failed)
        rc = cc_err_set(err, CC_E_PARSE, "%s", x.why);
    else if (!ok)
        rc = cc_err_set(err, CC_E_PARSE, "XML is not well formed: %s (line %lu)",
                        XML_ErrorString(XML_GetErrorCode(x.parser)),
                        (unsigned long)XML_GetCurrentLineNumber(x.parser));
    else if (!frame_value(&x, &x.stack[0], out) || out->kind != CC_V_TABLE)
        rc = cc_err_set(err, CC_E_PARSE, "XML has no root element");
    while (x.depth >= 0) {
        frame_free(&x.stack[x.depth]);
        x.depth--;
    }
    XML_ParserFree(x.parser);
    return rc;
}

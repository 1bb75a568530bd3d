#include "json.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

/* {====== UTF-8 ====== */
/* Decodes one code point at s[*i]; returns -1 on malformed input. */
static long utf8_next(const unsigned char *s, size_t n, size_t *i)
{
    unsigned char c = s[*i];
    long cp;
    int extra, k;
    if (c < 0x80) {
        (*i)++;
        return c;
    }
    if (c >= 0xC2 && c <= 0xDF) {
        extra = 1;
        cp = c & 0x1F;
    } else if (c >= 0xE0 && c <= 0xEF) {
        extra = 2;
        cp = c & 0x0F;
    } else if (c >= 0xF0 && c <= 0xF4) {
        extra = 3;
        cp = c & 0x07;
    } else {
        return -1;
    }
    if (*i + (size_t)extra >= n)
        return -1;
    for (k = 1; k <= extra; k++) {
        unsigned char cc = s[*i + (size_t)k];
        if ((cc & 0xC0) != 0x80)
            return -1;
        cp = (cp << 6) | (cc & 0x3F);
    }
    if ((extra == 2 && cp < 0x800) || (extra == 3 && (cp < 0x10000 || cp > 0x10FFFF)) ||
        (cp >= 0xD800 && cp <= 0xDFFF))
        return -1;
    *i += (size_t)extra + 1;
    return cp;
}

int cc_utf8_valid(const char *s, size_t n, size_t *chars)
{
    size_t i = 0, count = 0;
    while (i < n) {
        if (utf8_next((const unsigned char *)s, n, &i) < 0)
            return 0;
        count++;
    }
    if (chars)
        *chars = count;
    return 1;
}
/* }====== */

/* {====== Writing ====== */
void cc_json_put_string(cc_buf_t *b, const char *s, size_t n)
{
    static const char hex[] = "0123456789abcdef";
    size_t i = 0;
    cc_buf_putc(b, '"');
    while (i < n) {
        unsigned char c = (unsigned char)s[i];
        long cp;
        char esc[13];
        /* Python's ensure_ascii keeps only space to '~' as they are: DEL is
         * escaped too. A run of such bytes is copied at once. */
        if (c >= 0x20 && c < 0x7F && c != '"' && c != '\\') {
            size_t j = i + 1;
            while (j < n && (unsigned char)s[j] >= 0x20 && (unsigned char)s[j] < 0x7F && s[j] != '"' &&
                   s[j] != '\\')
                j++;
            cc_buf_append(b, s + i, j - i);
            i = j;
            continue;
        }
        switch (c) {
        case '"': cc_buf_puts(b, "\\\""); i++; continue;
        case '\\': cc_buf_puts(b, "\\\\"); i++; continue;
        case '\n': cc_buf_puts(b, "\\n"); i++; continue;
        case '\r': cc_buf_puts(b, "\\r"); i++; continue;
        case '\t': cc_buf_puts(b, "\\t"); i++; continue;
        case '\b': cc_buf_puts(b, "\\b"); i++; continue;
        case '\f': cc_buf_puts(b, "\\f"); i++; continue;
        default: break;
        }
        cp = utf8_next((const unsigned char *)s, n, &i);
        if (cp < 0) { /* validated input never gets here: write U+FFFD */
            cp = 0xFFFD;
            i++;
        }
        if (cp >= 0x10000) {
            long v = cp - 0x10000, hi = 0xD800 | (v >> 10), lo = 0xDC00 | (v & 0x3FF);
            esc[0] = '\\'; esc[1] = 'u';
            esc[2] = hex[(hi >> 12) & 15]; esc[3] = hex[(hi >> 8) & 15];
            esc[4] = hex[(hi >> 4) & 15]; esc[5] = hex[hi & 15];
            esc[6] = '\\'; esc[7] = 'u';
            esc[8] = hex[(lo >> 12) & 15]; esc[9] = hex[(lo >> 8) & 15];
            esc[10] = hex[(lo >> 4) & 15]; esc[11] = hex[lo & 15];
            cc_buf_append(b, esc, 12);
        } else {
            esc[0] = '\\'; esc[1] = 'u';
            esc[2] = hex[(cp >> 12) & 15]; esc[3] = hex[(cp >> 8) & 15];
            esc[4] = hex[(cp >> 4) & 15]; esc[5] = hex[cp & 15];
            cc_buf_append(b, esc, 6);
        }
    }
    cc_buf_putc(b, '"');
}

void cc_format_double(double d, char *out)
{
    int prec;
    if (d == floor(d) && fabs(d) < 1e16) {
        snprintf(out, 32, "%.0f", d);
        return;
    }
    for (prec = 1; prec <= 17; prec++) {
        snprintf(out, 32, "%.*g", prec, d);
        if (strtod(out, NULL) == d)
            return;
    }
}

void cc_json_put_double(cc_buf_t *b, double d)
{
    char num[40];
    cc_format_double(d, num);
    if (strchr(num, 'e')) {
        /* Python writes 1e+16 as "1e+16" and 1e-05 as "1e-05": %g agrees */
        cc_buf_puts(b, num);
        return;
    }
    cc_buf_puts(b, num);
    if (!strchr(num, '.'))
        cc_buf_puts(b, ".0");
}

static int encode(cc_buf_t *b, const cc_value_t *v, int depth, cc_err_t *err)
{
    size_t i;
    if (depth > 100)
        return cc_err_set(err, CC_E_PARAM, "value nested too deeply for JSON");
    switch (v->kind) {
    case CC_V_NIL: cc_buf_puts(b, "null"); return CC_OK;
    case CC_V_BOOL: cc_buf_puts(b, v->u.b ? "true" : "false"); return CC_OK;
    case CC_V_INT: cc_buf_printf(b, "%lld", v->u.i); return CC_OK;
    case CC_V_NUM:
        if (!isfinite(v->u.n))
            return cc_err_set(err, CC_E_PARAM, "JSON has no NaN or infinity");
        cc_json_put_double(b, v->u.n);
        return CC_OK;
    case CC_V_STR: cc_json_put_string(b, v->u.str.s, v->u.str.len); return CC_OK;
    case CC_V_OTHER: return cc_err_set(err, CC_E_PARAM, "cannot write a %s as JSON", cc_value_type_name(v));
    case CC_V_TABLE: break;
    }
    /* a sequence is an array; the empty table, like any other, an object */
    if (v->u.tab.n > 0 && cc_value_is_sequence(v)) {
        cc_buf_putc(b, '[');
        for (i = 1; i <= v->u.tab.n; i++) {
            if (i > 1)
                cc_buf_puts(b, ", ");
            if (encode(b, cc_value_index(v, (long long)i), depth + 1, err) != CC_OK)
                return err->code;
        }
        cc_buf_putc(b, ']');
        return CC_OK;
    } else {
        const cc_entry_t **sorted;
        int rc = CC_OK;
        for (i = 0; i < v->u.tab.n; i++)
            if (v->u.tab.items[i].key.kind != CC_V_STR)
                return cc_err_set(err, CC_E_PARAM, "JSON object keys must be strings");
        if ((sorted = cc_value_sorted_entries(v)) == NULL)
            return cc_err_set(err, CC_E_NOMEM, "out of memory");
        {
            cc_buf_putc(b, '{');
            for (i = 0; i < v->u.tab.n && rc == CC_OK; i++) {
                if (i)
                    cc_buf_puts(b, ", ");
                cc_json_put_string(b, sorted[i]->key.u.str.s, sorted[i]->key.u.str.len);
                cc_buf_puts(b, ": ");
                rc = encode(b, &sorted[i]->val, depth + 1, err);
            }
            cc_buf_putc(b, '}');
        }
        free(sorted);
        return rc;
    }
}

int cc_json_encode(cc_buf_t *b, const cc_value_t *v, cc_err_t *err)
{
    if (encode(b, v, 0, err) != CC_OK)
        return err->code;
    if (!cc_buf_ok(b))
        return cc_err_set(err, CC_E_NOMEM, "out of memory");
    return CC_OK;
}
/* }====== */

/* {====== Reading ====== */
static int from_cjson(const cJSON *j, cc_arena_t *a, cc_value_t *out)
{
    if (cJSON_IsNull(j)) {
        out->kind = CC_V_NIL;
    } else if (cJSON_IsBool(j)) {
        out->kind = CC_V_BOOL;
        out->u.b = cJSON_IsTrue(j);
    } else if (cJSON_IsNumber(j)) {
        double d = j->valuedouble;
        if (d == floor(d) && fabs(d) < 9007199254740992.0) {
            out->kind = CC_V_INT;
            out->u.i = (long long)d;
        } else {
            out->kind = CC_V_NUM;
            out->u.n = d;
        }
    } else if (cJSON_IsString(j)) {
        size_t n = strlen(j->valuestring);
        char *s = cc_arena_strndup(a, j->valuestring, n);
        if (s == NULL)
            return 0;
        cc_value_set_str(out, s, n);
    } else if (cJSON_IsArray(j) || cJSON_IsObject(j)) {
        const cJSON *c;
        size_t i = 0;
        if (!cc_value_new_table(a, out, (size_t)cJSON_GetArraySize(j)))
            return 0;
        cJSON_ArrayForEach(c, j) {
            cc_entry_t *e = &out->u.tab.items[i];
            if (cJSON_IsArray(j)) {
                e->key.kind = CC_V_INT;
                e->key.u.i = (long long)i + 1;
            } else {
                size_t n = strlen(c->string);
                char *k = cc_arena_strndup(a, c->string, n);
                if (k == NULL)
                    return 0;
                cc_value_set_str(&e->key, k, n);
            }
            if (!from_cjson(c, a, &e->val))
                return 0;
            i++;
        }
        out->u.tab.n = i;
    } else {
        out->kind = CC_V_NIL;
    }
    return 1;
}

int cc_json_decode(const char *text, size_t len, cc_arena_t *a, cc_value_t *out, cc_err_t *err)
{
    cJSON *root = cJSON_ParseWithLength(text, len);
    int ok;
    if (root == NULL)
        return cc_err_set(err, CC_E_PARSE, "not valid JSON");
    ok = from_cjson(root, a, out);
    cJSON_Delete(root);
    return ok ? CC_OK : cc_err_set(err, CC_E_NOMEM, "out of memory");
}
/* }====== */

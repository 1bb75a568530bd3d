#include "header.h"
#include "swar.h"

#include <string.h>

/* RFC 9110's tchar (letters, digits and !#$%&'*+-.^_`|~) as a bitmap: one
 * lookup per byte, as every header of every request passes here. */
static const unsigned int tchar_bits[8] = {0x00000000u, 0x03ff6cfau, 0xc7fffffeu, 0x57ffffffu, 0, 0, 0, 0};

static int is_tchar(unsigned char c)
{
    return (tchar_bits[c >> 5] >> (c & 31)) & 1u;
}

/* Whether a byte of w may be a control byte (below 0x20, a tab included,
 * or DEL): values are scanned a word at a time, a flagged word byte by
 * byte. Bytes of 0x80 and above are allowed (obs-text). */
static int maybe_control8(uint64_t w)
{
    return cc_swar_below(w, 0x20) || cc_swar_has(w, 0x7F);
}

int cc_header_check(const char *name, size_t nlen, const char *value, size_t vlen, cc_err_t *err)
{
    size_t i;
    if (nlen == 0)
        return cc_err_set(err, CC_E_PARAM, "a header has an empty name");
    for (i = 0; i < nlen; i++)
        if (!is_tchar((unsigned char)name[i]))
            return cc_err_set(err, CC_E_PARAM, "a header name holds a character a header name may not hold");
    return cc_header_check_value(name, nlen, value, vlen, err);
}

int cc_header_check_value(const char *name, size_t nlen, const char *value, size_t vlen, cc_err_t *err)
{
    size_t i;
    for (i = 0; i + 8 <= vlen; i += 8) {
        uint64_t w;
        memcpy(&w, value + i, 8);
        if (maybe_control8(w))
            break;
    }
    for (; i < vlen; i++) {
        unsigned char c = (unsigned char)value[i];
        if ((c < 0x20 && c != '\t') || c == 0x7F)
            return cc_err_set(err, CC_E_PARAM,
                              "header %.*s: its value holds a control character (CR, LF, NUL, ...), refused",
                              (int)(nlen > 128 ? 128 : nlen), name);
    }
    return CC_OK;
}

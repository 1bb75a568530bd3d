#include "codec.h"

#include <string.h>

#include <openssl/evp.h>
#include <zlib.h>

static const char B64[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

void cc_base64_put(cc_buf_t *b, const void *data, size_t n)
{
    const unsigned char *p = data;
    char quad[4];
    size_t i;
    for (i = 0; i + 2 < n; i += 3) {
        quad[0] = B64[p[i] >> 2];
        quad[1] = B64[((p[i] & 3) << 4) | (p[i + 1] >> 4)];
        quad[2] = B64[((p[i + 1] & 15) << 2) | (p[i + 2] >> 6)];
        quad[3] = B64[p[i + 2] & 63];
        cc_buf_append(b, quad, 4);
    }
    if (i < n) {
        quad[0] = B64[p[i] >> 2];
        if (i + 1 < n) {
            quad[1] = B64[((p[i] & 3) << 4) | (p[i + 1] >> 4)];
            quad[2] = B64[(p[i + 1] & 15) << 2];
        } else {
            quad[1] = B64[(p[i] & 3) << 4];
            quad[2] = '=';
        }
        quad[3] = '=';
        cc_buf_append(b, quad, 4);
    }
}

static int b64_value(unsigned char c)
{
    if (c >= 'A' && c <= 'Z')
        return c - 'A';
    if (c >= 'a' && c <= 'z')
        return c - 'a' + 26;
    if (c >= '0' && c <= '9')
        return c - '0' + 52;
    if (c == '+')
        return 62;
    if (c == '/')
        return 63;
    return -1;
}

long cc_base64_decode(const char *s, size_t n, unsigned char *out)
{
    unsigned long acc = 0;
    long len = 0;
    size_t i, bits = 0;
    while (n > 0 && s[n - 1] == '=')
        n--;
    if (n % 4 == 1)
        return -1;
    for (i = 0; i < n; i++) {
        int v = b64_value((unsigned char)s[i]);
        if (v < 0)
            return -1;
        acc = (acc << 6) | (unsigned long)v;
        bits += 6;
        if (bits >= 8) {
            bits -= 8;
            out[len++] = (unsigned char)(acc >> bits);
            acc &= (1ul << bits) - 1;
        }
    }
    return len;
}

int cc_content_md5(cc_buf_t *b, const void *data, size_t n)
{
    unsigned char md[EVP_MAX_MD_SIZE];
    unsigned int len = 0;
    if (!EVP_Digest(data, n, md, &len, EVP_md5(), NULL))
        return 0;
    cc_base64_put(b, md, len);
    return 1;
}

int cc_gzip(cc_buf_t *b)
{
    z_stream z;
    cc_buf_t out;
    unsigned char chunk[16384];
    int rc;
    memset(&z, 0, sizeof z);
    /* 15 window bits + 16: a gzip header and trailer, as Python's gzip.compress writes */
    if (deflateInit2(&z, Z_DEFAULT_COMPRESSION, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY) != Z_OK)
        return 0;
    cc_buf_init(&out);
    z.next_in = (unsigned char *)b->data;
    z.avail_in = (uInt)b->len;
    do {
        z.next_out = chunk;
        z.avail_out = sizeof chunk;
        rc = deflate(&z, Z_FINISH);
        cc_buf_append(&out, chunk, sizeof chunk - z.avail_out);
    } while (rc == Z_OK);
    deflateEnd(&z);
    if (rc != Z_STREAM_END || !cc_buf_ok(&out)) {
        cc_buf_free(&out);
        return 0;
    }
    cc_buf_free(b);
    *b = out;
    return 1;
}

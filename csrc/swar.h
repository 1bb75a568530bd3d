/* Eight bytes at a time: tests on a 64-bit word of text (the bit tricks of
 * "Bit Twiddling Hacks"). Each may flag a word without such a byte after a
 * byte that does match (a borrow carries), never the other way: callers
 * look at a flagged word byte by byte. */
#ifndef CC_SWAR_H
#define CC_SWAR_H

#include <stddef.h>
#include <stdint.h>
#include <string.h>

#define CC_SWAR_ONES 0x0101010101010101ULL
#define CC_SWAR_HIGH 0x8080808080808080ULL

/* The *_bits forms give the high bit of each flagged byte: the lowest one
 * is exact (a borrow only carries upward), the ones above it may not be. */

/* Bytes of w below n (n at most 0x80); a byte of 0x80 or above never flags
 * by itself. */
static inline uint64_t cc_swar_below_bits(uint64_t w, unsigned n)
{
    return (w - CC_SWAR_ONES * n) & ~w & CC_SWAR_HIGH;
}

/* Bytes of w equal to c. */
static inline uint64_t cc_swar_has_bits(uint64_t w, unsigned char c)
{
    uint64_t x = w ^ (CC_SWAR_ONES * c);
    return (x - CC_SWAR_ONES) & ~x & CC_SWAR_HIGH;
}

static inline int cc_swar_below(uint64_t w, unsigned n)
{
    return cc_swar_below_bits(w, n) != 0;
}

static inline int cc_swar_has(uint64_t w, unsigned char c)
{
    return cc_swar_has_bits(w, c) != 0;
}

/* Whether a byte of w is 0x80 or above. */
static inline int cc_swar_high(uint64_t w)
{
    return (w & CC_SWAR_HIGH) != 0;
}

/* The first n bytes of s as a word (8 when n is 8 or more), its other bytes
 * pad: a short string, or a long one's last few bytes, is one word too. */
static inline uint64_t cc_swar_load(const char *s, size_t n, unsigned char pad)
{
    uint64_t w;
    if (n >= 8) {
        memcpy(&w, s, 8);
        return w;
    }
    /* in pieces of 4, 2 and 1 bytes: loads of a known size, where a memcpy
     * of n bytes is a call; a piece's bytes land in some lanes of the word,
     * the pad in the rest, which is all a test for a flagged byte needs */
    {
        uint64_t piece;
        size_t at = 0;
        w = 0;
        if (n & 4) {
            uint32_t x;
            memcpy(&x, s, 4);
            w = x;
            at = 4;
        }
        if (n & 2) {
            uint16_t x;
            memcpy(&x, s + at, 2);
            piece = x;
            w |= piece << (8 * at);
            at += 2;
        }
        if (n & 1) {
            piece = (unsigned char)s[at];
            w |= piece << (8 * at);
            at++;
        }
        return w | (CC_SWAR_ONES * pad) << (8 * at);
    }
}

/* How many bytes of a word loaded from memory come before the first flagged
 * one (bits nonzero): all of them are unflagged. 0 where the byte order is
 * not known to be little-endian (callers then look from the word's start). */
static inline unsigned cc_swar_skip(uint64_t bits)
{
#if defined(__GNUC__) && defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
    return (unsigned)__builtin_ctzll(bits) >> 3;
#else
    (void)bits;
    return 0;
#endif
}

#endif

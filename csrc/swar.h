/* Eight bytes at a time: tests on a 64-bit word of text (the bit tricks of
 * "Bit Twiddling Hacks"). Each may flag a word without such a byte after a
 * byte that does match (a borrow carries), never the other way: callers
 * look at a flagged word byte by byte. */
#ifndef CC_SWAR_H
#define CC_SWAR_H

#include <stdint.h>

#define CC_SWAR_ONES 0x0101010101010101ULL
#define CC_SWAR_HIGH 0x8080808080808080ULL

/* Whether a byte of w is below n (n at most 0x80); a byte of 0x80 or above
 * never flags by itself. */
static inline int cc_swar_below(uint64_t w, unsigned n)
{
    return ((w - CC_SWAR_ONES * n) & ~w & CC_SWAR_HIGH) != 0;
}

/* Whether a byte of w is c. */
static inline int cc_swar_has(uint64_t w, unsigned char c)
{
    uint64_t x = w ^ (CC_SWAR_ONES * c);
    return ((x - CC_SWAR_ONES) & ~x & CC_SWAR_HIGH) != 0;
}

/* Whether a byte of w is 0x80 or above. */
static inline int cc_swar_high(uint64_t w)
{
    return (w & CC_SWAR_HIGH) != 0;
}

#endif

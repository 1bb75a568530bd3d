/* Timestamps: ISO-8601 in and out, epoch seconds in between. */
#ifndef CC_TIMESTAMP_H
#define CC_TIMESTAMP_H

#include <stddef.h>

/* A time exact to the microsecond for any year 0001-9999: whole seconds since
 * the epoch and microseconds (0-999999), never a double on the way. */
typedef struct cc_ts {
    long long sec;
    long usec;
} cc_ts_t;

/* Parses ISO-8601, YYYY-MM-DD[(T| )hh:mm[:ss[.frac]]][Z|(+|-)hh[:mm]|(+|-)hhmm]
 * or the basic YYYYMMDD[Thhmm[ss[.frac]]][...] (no offset means UTC), into
 * epoch seconds. Returns 1 on success, 0 otherwise. */
int cc_ts_parse_iso8601(const char *s, size_t len, double *epoch);

/* Every timestamp input botocore accepts: ISO-8601 (extended, basic, date
 * only), RFC 822 dates, epoch seconds as a numeric string. Fraction digits
 * past the sixth are truncated. 1 on success. */
int cc_ts_parse_input(const char *s, size_t len, cc_ts_t *t);
/* Epoch seconds as a number (microseconds rounded); 0 outside years 1-9999. */
int cc_ts_from_number(double d, cc_ts_t *t);
/* As cc_ts_format_iso8601, exactly; 0 outside years 1-9999. out needs 32 bytes. */
int cc_ts_format(cc_ts_t t, char *out);
/* Whether cc_ts_format writes t: within the years 1 to 9999 (validation's
 * test, without the writing). */
int cc_ts_in_range(cc_ts_t t);

/* Parses an RFC 822/1123 date, "Tue, 29 Apr 2014 18:30:38 GMT" (the day name
 * optional; GMT, UTC, Z or +hhmm/-hhmm) into epoch seconds. 1 on success. */
int cc_ts_parse_rfc822(const char *s, size_t len, double *epoch);

/* Whole epoch seconds as an RFC 822 date, "Mon, 16 Dec 2019 23:48:18 GMT", as
 * Python's formatdate(usegmt=True) writes it; 0 outside years 1-9999. out
 * needs 32 bytes. */
int cc_ts_format_rfc822(long long sec, char *out);

/* Writes epoch seconds as UTC YYYY-MM-DDThh:mm:ssZ, with .ffffff before the Z
 * when there is a fraction of a second (as botocore). out needs 32 bytes.
 * Returns 0 when the time cannot be represented (not finite, before year 1,
 * after year 9999). */
int cc_ts_format_iso8601(double epoch, char *out);

/* The SigV4 X-Amz-Date form YYYYMMDDThhmmssZ of whole epoch seconds; out needs 17 bytes. */
void cc_ts_amz_date(long long epoch, char *out);

/* Seconds on a clock that never jumps (CLOCK_MONOTONIC), for durations and rates. */
double cc_monotonic(void);
/* Whole seconds since the epoch, from the system clock (signing dates). */
long long cc_wall_seconds(void);
/* Blocks the calling thread for about that many seconds (nanosleep). */
void cc_sleep(double seconds);

/* Days since 1970-01-01 of a proleptic Gregorian date, and back. */
long long cc_days_from_civil(long long y, unsigned m, unsigned d);
void cc_civil_from_days(long long z, long long *y, unsigned *m, unsigned *d);

#endif

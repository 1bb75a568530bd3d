#include "timestamp.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

/* Howard Hinnant's civil-date algorithms: exact, no timegm(), no time zone. */
long long cc_days_from_civil(long long y, unsigned m, unsigned d)
{
    long long era, yoe, doy, doe;
    y -= m <= 2;
    era = (y >= 0 ? y : y - 399) / 400;
    yoe = y - era * 400;
    doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
    doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + doe - 719468;
}

void cc_civil_from_days(long long z, long long *y, unsigned *m, unsigned *d)
{
    long long era, doe, yoe, doy, mp;
    z += 719468;
    era = (z >= 0 ? z : z - 146096) / 146097;
    doe = z - era * 146097;
    yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    mp = (5 * doy + 2) / 153;
    *d = (unsigned)(doy - (153 * mp + 2) / 5 + 1);
    *m = (unsigned)(mp < 10 ? mp + 3 : mp - 9);
    *y = yoe + era * 400 + (*m <= 2);
}

/* Reads exactly n digits at s[*i]; returns -1 if they are not all there. */
static long digits(const char *s, size_t len, size_t *i, int n)
{
    long v = 0;
    int k;
    for (k = 0; k < n; k++) {
        if (*i >= len || s[*i] < '0' || s[*i] > '9')
            return -1;
        v = v * 10 + (s[(*i)++] - '0');
    }
    return v;
}

static int days_in_month(long long y, unsigned m)
{
    static const int dim[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    int leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
    return m == 2 && leap ? 29 : dim[m - 1];
}

/* Fraction digits at s[*i] as microseconds: the first six count, the rest
 * are truncated (.9999999 is .999999, as botocore reads it, never the next
 * second). -1 when there is no digit. */
static long micro_digits(const char *s, size_t len, size_t *i)
{
    long v = 0;
    int n = 0;
    while (*i < len && s[*i] >= '0' && s[*i] <= '9') {
        if (n < 6)
            v = v * 10 + (s[*i] - '0');
        n++;
        (*i)++;
    }
    if (n == 0)
        return -1;
    for (; n < 6; n++)
        v *= 10;
    return v;
}

/* ISO-8601, extended (2026-03-01T09:00:00.5+01:00) or basic (20260301T090000Z),
 * date only meaning midnight; no offset means UTC. */
static int parse_iso(const char *s, size_t len, cc_ts_t *t)
{
    size_t i = 0;
    long y, mo, d, h = 0, mi = 0, sec = 0, oh = 0, om = 0, us = 0;
    int sign = 0, basic;
    if ((y = digits(s, len, &i, 4)) < 0)
        return 0;
    basic = !(i < len && s[i] == '-');
    if (!basic)
        i++;
    if ((mo = digits(s, len, &i, 2)) < 1 || mo > 12)
        return 0;
    if (!basic && (i >= len || s[i++] != '-'))
        return 0;
    if ((d = digits(s, len, &i, 2)) < 1 || d > days_in_month(y, (unsigned)mo))
        return 0;
    if (i < len && (s[i] == 'T' || s[i] == 't' || s[i] == ' ')) {
        i++;
        if ((h = digits(s, len, &i, 2)) < 0 || h > 23 || (!basic && (i >= len || s[i++] != ':')) ||
            (mi = digits(s, len, &i, 2)) < 0 || mi > 59)
            return 0;
        if (i < len && (basic ? (s[i] >= '0' && s[i] <= '9') : s[i] == ':')) {
            if (!basic)
                i++;
            if ((sec = digits(s, len, &i, 2)) < 0 || sec > 60)
                return 0;
            if (i < len && (s[i] == '.' || s[i] == ',')) {
                i++;
                if ((us = micro_digits(s, len, &i)) < 0)
                    return 0;
            }
        }
        if (i < len && (s[i] == 'Z' || s[i] == 'z')) {
            i++;
        } else if (i < len && (s[i] == '+' || s[i] == '-')) {
            sign = s[i++] == '-' ? -1 : 1;
            if ((oh = digits(s, len, &i, 2)) < 0 || oh > 23)
                return 0;
            if (i < len) { /* minutes, after an optional colon: +05:30 or +0530 */
                if (s[i] == ':')
                    i++;
                if ((om = digits(s, len, &i, 2)) < 0 || om > 59)
                    return 0;
            }
        }
    }
    if (i != len)
        return 0;
    t->sec = cc_days_from_civil(y, (unsigned)mo, (unsigned)d) * 86400 + h * 3600 + mi * 60 + sec -
             sign * (oh * 3600 + om * 60);
    t->usec = us;
    return 1;
}

/* Epoch seconds written as a number in a string: "1772355600", "-1.5". */
static int parse_epoch_text(const char *s, size_t len, cc_ts_t *t)
{
    size_t i = 0, start;
    long long whole = 0;
    long us = 0;
    int neg = 0;
    if (i < len && (s[i] == '-' || s[i] == '+'))
        neg = s[i++] == '-';
    start = i;
    while (i < len && s[i] >= '0' && s[i] <= '9') {
        if (i - start >= 15)
            return 0; /* far beyond year 9999 */
        whole = whole * 10 + (s[i++] - '0');
    }
    if (i == start)
        return 0;
    if (i < len && s[i] == '.') {
        i++;
        if ((us = micro_digits(s, len, &i)) < 0)
            return 0;
    }
    if (i != len)
        return 0;
    if (neg && us) { /* -1.5 is 2 seconds before, plus half a second */
        t->sec = -whole - 1;
        t->usec = 1000000 - us;
    } else {
        t->sec = neg ? -whole : whole;
        t->usec = us;
    }
    return 1;
}

int cc_ts_parse_iso8601(const char *s, size_t len, double *epoch)
{
    cc_ts_t t;
    if (!parse_iso(s, len, &t))
        return 0;
    *epoch = (double)t.sec + (double)t.usec / 1e6;
    return 1;
}

int cc_ts_parse_input(const char *s, size_t len, cc_ts_t *t)
{
    double d;
    if (parse_iso(s, len, t) || parse_epoch_text(s, len, t))
        return 1;
    if (cc_ts_parse_rfc822(s, len, &d)) {
        t->sec = (long long)d;
        t->usec = 0;
        return 1;
    }
    return 0;
}

int cc_ts_from_number(double d, cc_ts_t *t)
{
    double whole;
    if (!isfinite(d) || d < -62135596800.0 || d >= 253402300800.0)
        return 0;
    whole = floor(d);
    t->sec = (long long)whole;
    t->usec = (long)llround((d - whole) * 1e6);
    if (t->usec >= 1000000) {
        t->sec += 1;
        t->usec -= 1000000;
    }
    return 1;
}

/* v as exactly n decimal digits, zeros in front (v below 10^n). */
static void put_digits(char *out, unsigned long v, int n)
{
    while (n-- > 0) {
        out[n] = (char)('0' + v % 10);
        v /= 10;
    }
}

int cc_ts_in_range(cc_ts_t t)
{
    return t.sec >= -62135596800LL && t.sec <= 253402300799LL && t.usec >= 0 && t.usec <= 999999;
}

int cc_ts_format(cc_ts_t t, char *out)
{
    long long days, rem, y;
    unsigned m, d;
    if (!cc_ts_in_range(t))
        return 0;
    days = t.sec >= 0 ? t.sec / 86400 : -((-t.sec + 86399) / 86400);
    rem = t.sec - days * 86400;
    cc_civil_from_days(days, &y, &m, &d);
    /* digits by hand: a request's timestamps pass here, and snprintf cost
     * more than the rest of their writing */
    put_digits(out, (unsigned long)(y % 10000), 4);
    out[4] = '-';
    put_digits(out + 5, m % 100u, 2);
    out[7] = '-';
    put_digits(out + 8, d % 100u, 2);
    out[10] = 'T';
    put_digits(out + 11, (unsigned long)(rem / 3600 % 24), 2);
    out[13] = ':';
    put_digits(out + 14, (unsigned long)(rem / 60 % 60), 2);
    out[16] = ':';
    put_digits(out + 17, (unsigned long)(rem % 60), 2);
    if (t.usec) {
        out[19] = '.';
        put_digits(out + 20, (unsigned long)t.usec % 1000000u, 6);
        memcpy(out + 26, "Z", 2);
    } else {
        memcpy(out + 19, "Z", 2);
    }
    return 1;
}

int cc_ts_format_iso8601(double epoch, char *out)
{
    cc_ts_t t;
    return cc_ts_from_number(epoch, &t) && cc_ts_format(t, out);
}

void cc_ts_amz_date(long long epoch, char *out)
{
    long long days = epoch >= 0 ? epoch / 86400 : -((-epoch + 86399) / 86400);
    long long rem = epoch - days * 86400, y;
    unsigned m, d;
    cc_civil_from_days(days, &y, &m, &d);
    /* digits by hand: this runs on every call, and snprintf costs more than the rest */
    put_digits(out, (unsigned long)(y % 10000), 4);
    put_digits(out + 4, m % 100u, 2);
    put_digits(out + 6, d % 100u, 2);
    out[8] = 'T';
    put_digits(out + 9, (unsigned long)(rem / 3600 % 24), 2);
    put_digits(out + 11, (unsigned long)(rem / 60 % 60), 2);
    put_digits(out + 13, (unsigned long)(rem % 60), 2);
    memcpy(out + 15, "Z", 2);
}

long long cc_wall_seconds(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    return (long long)ts.tv_sec;
}

double cc_monotonic(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

void cc_sleep(double seconds)
{
    struct timespec req, rem;
    if (!(seconds > 0))
        return;
    req.tv_sec = (time_t)seconds;
    req.tv_nsec = (long)((seconds - (double)req.tv_sec) * 1e9);
    while (nanosleep(&req, &rem) != 0 && errno == EINTR)
        req = rem;
}

/* Two digits at p (no sign, no space). */
static int two_digits(const char *p, unsigned *v)
{
    if (p[0] < '0' || p[0] > '9' || p[1] < '0' || p[1] > '9')
        return 0;
    *v = (unsigned)(p[0] - '0') * 10u + (unsigned)(p[1] - '0');
    return 1;
}

int cc_ts_parse_rfc822(const char *s, size_t len, double *epoch)
{
    static const char months[] = "JanFebMarAprMayJunJulAugSepOctNovDec";
    char buf[64];
    const char *p, *zone;
    unsigned day, mon, hh, mi, ss, zh = 0, zm = 0;
    long long year;
    int sign = 0, n = 0;
    char mname[4];
    if (len == 0 || len >= sizeof buf)
        return 0;
    memcpy(buf, s, len);
    buf[len] = '\0';
    p = buf;
    if (p[0] >= 'A' && p[0] <= 'Z' && p[3] == ',') /* an optional "Tue, " */
        p += 4;
    while (*p == ' ')
        p++;
    /* "29 Apr 2014 18:30:38" */
    if (sscanf(p, "%2u %3[A-Za-z] %lld %n", &day, mname, &year, &n) != 3 || n == 0)
        return 0;
    {
        const char *m = strstr(months, mname);
        if (strlen(mname) != 3 || m == NULL || (m - months) % 3 != 0)
            return 0;
        mon = (unsigned)((m - months) / 3) + 1;
    }
    p += n;
    if (!two_digits(p, &hh) || p[2] != ':' || !two_digits(p + 3, &mi) || p[5] != ':' || !two_digits(p + 6, &ss))
        return 0;
    zone = p + 8;
    while (*zone == ' ')
        zone++;
    if (strcmp(zone, "GMT") == 0 || strcmp(zone, "UTC") == 0 || strcmp(zone, "Z") == 0 || *zone == '\0') {
        sign = 0;
    } else if ((zone[0] == '+' || zone[0] == '-') && two_digits(zone + 1, &zh) && two_digits(zone + 3, &zm) &&
               zone[5] == '\0') {
        sign = zone[0] == '+' ? 1 : -1;
    } else {
        return 0;
    }
    if (year < 1 || year > 9999 || day < 1 || day > 31 || hh > 23 || mi > 59 || ss > 60 || zh > 23 || zm > 59)
        return 0;
    *epoch = (double)(cc_days_from_civil(year, mon, day) * 86400 + hh * 3600 + mi * 60 + ss) -
             sign * (double)(zh * 3600 + zm * 60);
    return 1;
}

int cc_ts_format_rfc822(long long sec, char *out)
{
    static const char days[] = "ThuFriSatSunMonTueWed"; /* 1970-01-01 was a Thursday */
    static const char months[] = "JanFebMarAprMayJunJulAugSepOctNovDec";
    long long z = sec >= 0 ? sec / 86400 : -((-sec + 86399) / 86400), y;
    long long rem = sec - z * 86400, wd = ((z % 7) + 7) % 7;
    unsigned m, d;
    cc_civil_from_days(z, &y, &m, &d);
    if (y < 1 || y > 9999)
        return 0;
    snprintf(out, 32, "%.3s, %02u %.3s %04d %02d:%02d:%02d GMT", days + wd * 3, d, months + (m - 1) * 3, (int)y,
             (int)(rem / 3600), (int)(rem / 60 % 60), (int)(rem % 60));
    return 1;
}

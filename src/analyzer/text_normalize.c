/*
 * text_normalize.c - tidy extracted CV text in place (see text_normalize.h).
 *
 * Two passes over the same buffer, each writing at or behind where it
 * reads: the first decodes UTF-8 and maps characters (ligatures, spaces,
 * line breaks, controls), the second works on lines (runs of spaces, blank
 * lines, hyphenation at line ends).
 */
#include "text_normalize.h"

#include <stdint.h>
#include <string.h>

#include "utf8.h"

/* Decode the UTF-8 sequence at s (at most n bytes, n >= 1) into *cp and
 * return its length, or 0 when it is not a valid sequence (utf8.h). */
static size_t tn_decode(const unsigned char *s, size_t n, uint32_t *cp)
{
    static const unsigned char lead_mask[5] = { 0, 0x7F, 0x1F, 0x0F, 0x07 };
    size_t len = cv_utf8_seq_len(s, n), i;
    uint32_t c;

    if (len == 0)
        return 0;
    c = s[0] & lead_mask[len];
    for (i = 1; i < len; i++)
        c = (c << 6) | (s[i] & 0x3F);
    *cp = c;
    return len;
}

/* Unicode spaces shown as a plain space. */
static int tn_is_unicode_space(uint32_t cp)
{
    return cp == 0xA0 || cp == 0x1680 || (cp >= 0x2000 && cp <= 0x200A) ||
           cp == 0x202F || cp == 0x205F || cp == 0x3000;
}

/* Characters with no visible width, dropped; and private-use code points,
 * which carry no meaning outside the font that drew them (icon fonts such
 * as Font Awesome put their phone, envelope and logo glyphs there). */
static int tn_is_invisible(uint32_t cp)
{
    return (cp >= 0x200B && cp <= 0x200D) || cp == 0x2060 || cp == 0xFEFF ||
           (cp >= 0x80 && cp <= 0x9F && cp != 0x85) ||  /* C1 controls */
           (cp >= 0xE000 && cp <= 0xF8FF) || cp >= 0xF0000;
}

/* T1 (Cork) font encoding puts the en dash at 0x15 and the em dash at
 * 0x16: pdflatex output without a ToUnicode entry for them comes out of
 * the PDF as these control characters, where "2017 -- 2024" had a dash. */
#define TN_T1_ENDASH 0x15
#define TN_T1_EMDASH 0x16

/* Spelled-out form of a ligature, or NULL. */
static const char *tn_ligature(uint32_t cp)
{
    static const char *const lig[] = { "ff", "fi", "fl", "ffi", "ffl", "st", "st" };

    if (cp >= 0xFB00 && cp <= 0xFB06)
        return lig[cp - 0xFB00];
    return NULL;
}

/* True when only spaces or tabs separate s[i] from a line break. */
static int tn_at_line_end(const unsigned char *s, size_t i, size_t n)
{
    while (i < n && (s[i] == ' ' || s[i] == '\t'))
        i++;
    return i < n && (s[i] == '\n' || s[i] == '\r');
}

/* Pass 1: decode and map characters. Returns the new length. */
static size_t tn_map_chars(unsigned char *s, size_t n)
{
    size_t r = 0, w = 0;

    while (r < n) {
        unsigned char c = s[r];
        uint32_t cp = 0;
        size_t seq;
        const char *lig;

        if (c < 0x80) {
            r++;
            if (c == '\r') {
                if (r < n && s[r] == '\n')
                    r++;
                s[w++] = '\n';
            } else if (c == '\n' || c == '\v' || c == '\f') {
                s[w++] = '\n';
            } else if (c == '\t' || c == ' ') {
                s[w++] = ' ';
            } else if (c >= 0x20 && c != 0x7F) {
                s[w++] = c;
            } else if (c == TN_T1_ENDASH || c == TN_T1_EMDASH) {
                s[w++] = '-';
            }
            /* other C0 controls and DEL: dropped */
            continue;
        }
        seq = tn_decode(s + r, n - r, &cp);
        if (seq == 0) {
            r++;                /* not UTF-8: drop the byte */
            continue;
        }
        r += seq;
        lig = tn_ligature(cp);
        if (lig != NULL) {
            size_t ln = strlen(lig);    /* 2 or 3, never more than seq (3) */
            memcpy(s + w, lig, ln);
            w += ln;
        } else if (tn_is_unicode_space(cp)) {
            s[w++] = ' ';
        } else if (cp == 0x85 || cp == 0x2028 || cp == 0x2029) {
            s[w++] = '\n';
        } else if (cp == 0x2010 || cp == 0x2011) {
            s[w++] = '-';
        } else if (cp == 0xAD) {
            /* a break opportunity, except where a dash stood alone
             * ("Jun. 2018 \u00AD Jan. 2021") or the line broke at it */
            if (tn_at_line_end(s, r, n) || (w > 0 && s[w - 1] == ' ' && r < n && s[r] == ' '))
                s[w++] = '-';
        } else if (!tn_is_invisible(cp)) {
            memmove(s + w, s + r - seq, seq);
            w += seq;
        }
    }
    return w;
}

/* A letter, roughly: ASCII letters, Latin-1 and Latin Extended letters,
 * Greek, Cyrillic and the scripts up to U+1FFF. */
static int tn_is_letter(uint32_t cp)
{
    if ((cp >= 'a' && cp <= 'z') || (cp >= 'A' && cp <= 'Z'))
        return 1;
    if (cp >= 0xC0 && cp <= 0x24F)
        return cp != 0xD7 && cp != 0xF7;
    return cp >= 0x370 && cp <= 0x1FFF;
}

/* A lower-case letter, roughly: ASCII, Latin-1, Greek and Cyrillic. */
static int tn_is_lower(uint32_t cp)
{
    return (cp >= 'a' && cp <= 'z') || (cp >= 0xDF && cp <= 0xFF && cp != 0xF7) ||
           (cp >= 0x3AC && cp <= 0x3CE) || (cp >= 0x430 && cp <= 0x45F);
}

/* The code point that ends just before s[end], not reaching back before
 * s[start]; 0 when there is none. s[start..end) is valid UTF-8. */
static uint32_t tn_prev_cp(const unsigned char *s, size_t start, size_t end)
{
    size_t i = end;
    uint32_t cp = 0;

    if (end <= start)
        return 0;
    i--;
    while (i > start && end - i < 4 && (s[i] & 0xC0) == 0x80)
        i--;
    if (tn_decode(s + i, end - i, &cp) != end - i)
        return 0;
    return cp;
}

/* True when the word broken at a line end - s[line_start..end) back to a
 * space, then s[next..n) up to a space or line break - is a link or an
 * address ("linkedin.com/in/alex-" "morgan", "jean-" "paul@example.fr"):
 * its hyphen is part of it, not a hyphenation. */
static int tn_word_is_link(const unsigned char *s, size_t line_start, size_t end, size_t next,
                           size_t n)
{
    size_t i;

    for (i = end; i > line_start && s[i - 1] != ' ' && s[i - 1] != '\n'; i--)
        if (s[i - 1] == '/' || s[i - 1] == '@')
            return 1;
    for (i = next; i < n && s[i] != ' ' && s[i] != '\n'; i++)
        if (s[i] == '/' || s[i] == '@')
            return 1;
    return 0;
}

/*
 * Pass 2: lines. Only ' ' and '\n' remain as whitespace after pass 1.
 * Content bytes are copied; a run of spaces becomes one space only when
 * more content follows on the line; newlines seen since the last content
 * are written (at most 2) only when more content follows.
 */
static size_t tn_lines(unsigned char *s, size_t n)
{
    size_t r = 0, w = 0, line_start = 0, nl = 0;
    int pending_space = 0;

    while (r < n) {
        unsigned char c = s[r];

        if (c == ' ') {
            pending_space = 1;
            r++;
            continue;
        }
        if (c == '\n') {
            if (nl == 0 && w > line_start && s[w - 1] == '-' &&
                tn_is_letter(tn_prev_cp(s, line_start, w - 1))) {
                size_t j = r + 1;
                uint32_t cp = 0;

                while (j < n && s[j] == ' ')
                    j++;
                if (j < n && tn_decode(s + j, n - j, &cp) > 0 && tn_is_lower(cp)) {
                    if (!tn_word_is_link(s, line_start, w - 1, j, n))
                        w--;            /* drop the hyphen, join the lines */
                    r = j;
                    pending_space = 0;
                    continue;
                }
            }
            nl++;
            pending_space = 0;
            r++;
            continue;
        }
        /* content */
        if (w > 0 && nl > 0) {
            size_t k = nl > 2 ? 2 : nl;

            while (k-- > 0)
                s[w++] = '\n';
            line_start = w;
        } else if (pending_space && w > 0) {
            s[w++] = ' ';
        }
        nl = 0;
        pending_space = 0;
        s[w++] = c;
        r++;
    }
    return w;
}

size_t text_normalize(char *s, size_t len)
{
    unsigned char *u = (unsigned char *)s;
    size_t n;

    n = tn_map_chars(u, len);
    n = tn_lines(u, n);
    s[n] = '\0';
    return n;
}

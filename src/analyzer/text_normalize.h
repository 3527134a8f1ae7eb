/*
 * text_normalize.h - tidy text extracted from a CV (src/, pure functions).
 *
 * What a reader must know first: text_normalize works in place and never
 * makes the text longer, so a buffer that held the raw text holds the result.
 * It accepts any bytes (invalid UTF-8 is dropped) and always leaves valid
 * UTF-8. Pure: no allocation, no global state, thread safe. Validation and
 * cutting at a byte limit live in utf8.h.
 */
#ifndef CV_TEXT_NORMALIZE_H
#define CV_TEXT_NORMALIZE_H

#include <stddef.h>

/*
 * Normalise s[0..len) in place and return the new length (<= len); the
 * result is NUL-terminated, so s must have len + 1 writable bytes (a
 * struct cv_buf always has). The result:
 * - is valid UTF-8 (bytes that do not form a valid sequence are dropped);
 * - has \r\n, \r, U+2028, U+2029, U+0085, form feed and vertical tab as \n;
 * - has tabs, U+00A0 and the other Unicode spaces (U+1680, U+2000..U+200A,
 *   U+202F, U+205F, U+3000) as one plain space per run of spaces, no space
 *   at either end of a line, and at most one empty line in a row;
 * - has no control characters but \n, no zero-width characters (U+200B..D,
 *   U+2060), no byte order mark (U+FEFF) and no private-use characters
 *   (U+E000..U+F8FF, planes 15 and 16: icon-font glyphs); 0x15 and 0x16,
 *   the en and em dash of TeX's T1 encoding as pdflatex output often comes
 *   out of a PDF, become '-';
 * - has the ligatures U+FB00..U+FB06 (ff fi fl ffi ffl st st) spelled out,
 *   U+2010 and U+2011 as '-', a soft hyphen (U+00AD) as '-' at a line end
 *   or alone between spaces (a PDF's dash: "2018 \u00AD 2021"), dropped
 *   elsewhere;
 * - joins a word hyphenated at a line end: "develop-\nment" becomes
 *   "development" when a letter precedes the '-' and the next line starts
 *   with a lower-case letter (a heuristic for Latin, Greek and Cyrillic
 *   scripts); in a link or address (the word holds '/' or '@') the hyphen
 *   is kept: "linkedin.com/in/alex-\nmorgan" gives "linkedin.com/in/alex-
 *   morgan"; "full-stack" within a line and "2019-\n2020" are kept;
 * - has no leading or trailing whitespace (an all-blank text gives 0).
 * Applying it twice gives the same result as once.
 */
size_t text_normalize(char *s, size_t len);

#endif

/*
 * pdf_layout.h (worker/extract/) - the reading order of one PDF page, from
 * the text poppler gives and the box of each of its characters.
 *
 * poppler's own order follows its text blocks: a right-aligned date that
 * wrapped comes out before the title it belongs to, a sidebar's lines get
 * glued to the main column's. Here the characters are cut into fragments
 * (runs on one line with no wide blank inside), columns are found as
 * vertical blanks that run the height of a group of lines (not the blank
 * between a title and its date: a column's lines do not pair up with the
 * other side's), and the page is read column by column, each line left to
 * right.
 *
 * Pure computation on memory: no allocation survives a call, nothing is
 * printed. Not thread safe (cv-extract reads one document per process).
 */
#ifndef CV_EXTRACT_PDF_LAYOUT_H
#define CV_EXTRACT_PDF_LAYOUT_H

#include <stddef.h>

/* A character's box in page points, y growing downwards (poppler's). */
struct pdf_box {
    double x1, y1, x2, y2;
};

/* Receives the page's text in pieces; returns 0 to stop. */
typedef int (*pdf_layout_emit)(void *ud, const char *p, size_t n);

/* Fragments of a page read in order; a denser page goes in poppler's order
 * (its text as poppler gives it). */
#define PDF_LAYOUT_MAX_FRAGMENTS 2000

/*
 * Emit text[0..len) (UTF-8, as poppler_page_get_text gives it) in reading
 * order; boxes[i] is the box of the i-th character (nboxes of them, as
 * poppler_page_get_text_layout gives them). Lines end with '\n', the
 * fragments of one line are separated by a tab (a wide blank) or a space.
 * Without a usable layout (boxes not one per character, or not finite)
 * the text goes as it is. Returns 1 when everything
 * was emitted, 0 when emit asked to stop, -1 when out of memory (nothing
 * emitted then).
 */
int pdf_layout_page(const char *text, size_t len, const struct pdf_box *boxes, size_t nboxes,
                    pdf_layout_emit emit, void *ud);

#endif

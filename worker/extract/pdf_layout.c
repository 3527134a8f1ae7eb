/*
 * pdf_layout.c (worker/extract/) - the reading order of one PDF page from
 * poppler's characters and their boxes (see pdf_layout.h).
 *
 * 1. Fragments: runs of characters in poppler's order, broken at a line
 *    end, at a blank wider than PL_BREAK_EM glyph heights, and where the
 *    next character is on another line or back to the left.
 * 2. A region (first the page) is cut at a vertical blank when that blank
 *    is a gutter between columns: on each side, at least
 *    PL_ALONE_SHARE_MIN of the fragments sit on no line of the other side
 *    (right-aligned dates all share their title's line, a table's cells
 *    their row's). Each side is then a region of its own, left first.
 * 3. A region with no gutter is cut into bands (lines, whose middles do not
 *    overlap), read top to bottom: consecutive bands with the same cells
 *    (a table row whose cells wrap) cell by cell; consecutive bands that
 *    together have a gutter (a sidebar beside a main column, below a
 *    full-width header) as one region; the others one by one.
 * 4. A band's fragments are read left to right on one line.
 * The search for gutters is bounded (PL_MAX_WORK, PL_MAX_DEPTH); past it
 * the rest is read band by band. A page of more than
 * PDF_LAYOUT_MAX_FRAGMENTS, or whose boxes do not match its characters,
 * goes in poppler's order.
 */
#include "pdf_layout.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

/* A blank wider than this many glyph heights (of the region's mean
 * height) makes a candidate gutter. */
#define PL_GAP_EM 1.5
/* A blank wider than this many glyph heights (a word space is about a
 * quarter) breaks a fragment: the cells of a table row may be that close. */
#define PL_BREAK_EM 0.6
/* Below this many glyph heights two fragments of a line are one word's
 * pieces (no separator); below PL_GAP_EM a space, above it a tab. */
#define PL_GLUE_EM 0.1
/* See step 2 above. */
#define PL_ALONE_SHARE_MIN 0.25
/* Fragments whose middles are this many glyph heights apart at most are
 * paired (on one line) for step 2. */
#define PL_PAIR_EM 0.15
/* Consecutive lines this many glyph heights apart at most are one
 * paragraph's (a table row's wrapped cells, step 3). */
#define PL_LEADING_EM 1.3
/* Cells of a wrapped row start this many glyph heights apart at most. */
#define PL_ALIGN_EM 0.5
/* Candidate gutters tried per region, the widest first. */
#define PL_MAX_GUTTERS 8
/* Nesting of region splits followed. */
#define PL_MAX_DEPTH 32
/* Fragment comparisons per page for finding gutters. */
#define PL_MAX_WORK 20000000L

struct pl_frag {
    double x1, y1, x2, y2;      /* box */
    double c1, c2;              /* the middle half of the box's height */
    size_t off, len;            /* its bytes in the page text */
};

struct pl_page {
    const char *text;
    struct pl_frag *f;
    size_t nf;
    size_t *scratch;            /* nf entries, for pl_gutter */
    long work;
    pdf_layout_emit emit;
    void *ud;
    int stopped;
};

struct pl_gap {
    double x1, x2;
};

static size_t pl_char_len(const char *p, size_t left)
{
    size_t n = 1;

    while (n < left && ((unsigned char)p[n] & 0xC0) == 0x80)
        n++;
    return n;
}

static int pl_is_blank(char c)
{
    return c == ' ' || c == '\t' || c == '\r' || c == '\f' || c == '\v';
}

static double pl_height(const struct pdf_box *b)
{
    return b->y2 - b->y1;
}

/* Whether character b starts a new fragment after character a. */
static int pl_breaks(const struct pdf_box *a, const struct pdf_box *b)
{
    double ha = pl_height(a), hb = pl_height(b), h = ha > hb ? ha : hb;

    if (ha <= 0 || hb <= 0)
        return 0;
    if (b->y1 + hb / 4 > a->y2 - ha / 4 || b->y2 - hb / 4 < a->y1 + ha / 4)
        return 1;                           /* another line */
    if (b->x1 < a->x1 - h / 2)
        return 1;                           /* back to the left */
    return b->x1 - a->x2 > PL_BREAK_EM * h; /* a wide blank */
}

static double pl_frag_height(const struct pl_frag *f)
{
    return f->y2 - f->y1;
}

/* On one line, middles aligned: what a title and its date, or a table's
 * cells, are; a sidebar's line beside a main column's seldom is. */
static int pl_paired(const struct pl_frag *a, const struct pl_frag *b)
{
    double ha = pl_frag_height(a), hb = pl_frag_height(b), h = ha > hb ? ha : hb;
    double d = (a->y1 + a->y2) / 2 - (b->y1 + b->y2) / 2;

    return (d < 0 ? -d : d) <= PL_PAIR_EM * h;
}

/* Cut text into fragments; returns 0 when there are too many. */
static int pl_fragments(struct pl_page *pg, size_t len, const struct pdf_box *boxes)
{
    const struct pdf_box *last = NULL;
    struct pl_frag *cur = NULL;
    size_t i = 0, k = 0;

    while (i < len) {
        size_t step = pl_char_len(pg->text + i, len - i);
        char c = pg->text[i];

        if (c == '\n') {
            cur = NULL;
        } else if (!pl_is_blank(c)) {
            const struct pdf_box *b = &boxes[k];

            if (cur != NULL && pl_breaks(last, b))
                cur = NULL;
            if (cur == NULL) {
                if (pg->nf == PDF_LAYOUT_MAX_FRAGMENTS)
                    return 0;
                cur = &pg->f[pg->nf++];
                cur->x1 = b->x1;
                cur->y1 = b->y1;
                cur->x2 = b->x2;
                cur->y2 = b->y2;
                cur->off = i;
            } else if (pl_height(b) > 0) {
                cur->x1 = b->x1 < cur->x1 ? b->x1 : cur->x1;
                cur->y1 = b->y1 < cur->y1 ? b->y1 : cur->y1;
                cur->x2 = b->x2 > cur->x2 ? b->x2 : cur->x2;
                cur->y2 = b->y2 > cur->y2 ? b->y2 : cur->y2;
            }
            cur->len = i + step - cur->off;
            last = b;
        }
        i += step;
        k++;
    }
    for (i = 0; i < pg->nf; i++) {
        struct pl_frag *f = &pg->f[i];
        double q = (f->y2 - f->y1) / 4;

        f->c1 = f->y1 + q;
        f->c2 = f->y2 - q;
    }
    return 1;
}

static int pl_out(struct pl_page *pg, const char *p, size_t n)
{
    if (!pg->stopped && !pg->emit(pg->ud, p, n))
        pg->stopped = 1;
    return !pg->stopped;
}

/* Sorting fragment indexes: qsort has no user data, the page is one. */
static const struct pl_frag *pl_sort_frags;

static int pl_by_x(const void *a, const void *b)
{
    const struct pl_frag *fa = &pl_sort_frags[*(const size_t *)a];
    const struct pl_frag *fb = &pl_sort_frags[*(const size_t *)b];

    return (fa->x1 > fb->x1) - (fa->x1 < fb->x1);
}

static int pl_by_top(const void *a, const void *b)
{
    const struct pl_frag *fa = &pl_sort_frags[*(const size_t *)a];
    const struct pl_frag *fb = &pl_sort_frags[*(const size_t *)b];

    if (fa->c1 != fb->c1)
        return (fa->c1 > fb->c1) - (fa->c1 < fb->c1);
    return (fa->x1 > fb->x1) - (fa->x1 < fb->x1);
}

static void pl_sort(struct pl_page *pg, size_t *idx, size_t n,
                    int (*cmp)(const void *, const void *))
{
    pl_sort_frags = pg->f;
    qsort(idx, n, sizeof(*idx), cmp);
}

/* Whether a vertical cut at gap g of idx[0..n) is a gutter (step 2):
 * each side has lines of its own. */
static int pl_is_gutter(struct pl_page *pg, const size_t *idx, size_t n, const struct pl_gap *g)
{
    size_t count[2] = { 0, 0 }, alone[2] = { 0, 0 }, i, j;

    for (i = 0; i < n; i++) {
        const struct pl_frag *a = &pg->f[idx[i]];
        int side = a->x2 > g->x1, paired = 0;

        for (j = 0; j < n && !paired; j++) {
            const struct pl_frag *b = &pg->f[idx[j]];

            paired = (b->x2 > g->x1) != side && pl_paired(a, b);
        }
        count[side]++;
        alone[side] += !paired;
        pg->work += (long)n;
    }
    return (double)alone[0] >= PL_ALONE_SHARE_MIN * (double)count[0] && alone[0] > 0 &&
           (double)alone[1] >= PL_ALONE_SHARE_MIN * (double)count[1] && alone[1] > 0;
}

/*
 * Look for a gutter in idx[0..n): 0 when no blank is wide enough, 1 when
 * blanks were all rejected, 2 with *cut set to a gutter's middle.
 */
static int pl_gutter(struct pl_page *pg, const size_t *idx, size_t n, double *cut)
{
    struct pl_gap gaps[PL_MAX_GUTTERS];
    size_t ngaps = 0, i;
    double cover, hsum = 0, min_gap;

    if (n < 2)
        return 0;
    memcpy(pg->scratch, idx, n * sizeof(*idx));
    pl_sort(pg, pg->scratch, n, pl_by_x);
    for (i = 0; i < n; i++)
        hsum += pg->f[idx[i]].y2 - pg->f[idx[i]].y1;
    min_gap = PL_GAP_EM * hsum / (double)n;
    cover = pg->f[pg->scratch[0]].x2;
    pg->work += (long)n;
    for (i = 1; i < n; i++) {
        const struct pl_frag *f = &pg->f[pg->scratch[i]];

        if (f->x1 - cover > min_gap) {
            struct pl_gap g = { cover, f->x1 };
            size_t at = ngaps < PL_MAX_GUTTERS ? ngaps++ : PL_MAX_GUTTERS;

            /* keep the widest, widest first */
            while (at > 0 && gaps[at - 1].x2 - gaps[at - 1].x1 < g.x2 - g.x1) {
                if (at < PL_MAX_GUTTERS)
                    gaps[at] = gaps[at - 1];
                at--;
            }
            if (at < PL_MAX_GUTTERS)
                gaps[at] = g;
        }
        if (f->x2 > cover)
            cover = f->x2;
    }
    for (i = 0; i < ngaps; i++) {
        if (pl_is_gutter(pg, idx, n, &gaps[i])) {
            *cut = (gaps[i].x1 + gaps[i].x2) / 2;
            return 2;
        }
    }
    return ngaps > 0;
}

/* One band: its fragments left to right, then a line end. */
static void pl_emit_band(struct pl_page *pg, size_t *idx, size_t n)
{
    size_t i;

    pl_sort(pg, idx, n, pl_by_x);
    for (i = 0; i < n && !pg->stopped; i++) {
        const struct pl_frag *f = &pg->f[idx[i]];

        if (i > 0) {
            const struct pl_frag *e = &pg->f[idx[i - 1]];
            double h = f->y2 - f->y1 > e->y2 - e->y1 ? f->y2 - f->y1 : e->y2 - e->y1;
            double gap = f->x1 - e->x2;

            if (gap >= PL_GAP_EM * h)
                (void)pl_out(pg, "\t", 1);
            else if (gap >= PL_GLUE_EM * h)
                (void)pl_out(pg, " ", 1);
        }
        (void)pl_out(pg, pg->text + f->off, f->len);
    }
    (void)pl_out(pg, "\n", 1);
}

/*
 * The last band of the wrapped table row that starts at band b, or b: the
 * same number (two or more) of fragments on each band, starting at the
 * same places, the bands a paragraph's lines apart ("Senior Software" over
 * "Engineer" beside "Jan 2023 -" over "Present"). Bands are sorted by x.
 */
static size_t pl_wrapped_row(const struct pl_page *pg, const size_t *idx, const size_t *bstart,
                             size_t nb, size_t b)
{
    size_t k = bstart[b + 1] - bstart[b], e = b, t, c;

    if (k < 2)
        return b;
    for (t = b + 1; t < nb && bstart[t + 1] - bstart[t] == k; t++) {
        const struct pl_frag *up = &pg->f[idx[bstart[t - 1]]], *down = &pg->f[idx[bstart[t]]];
        double h = pl_frag_height(up), pitch = (down->y1 + down->y2 - up->y1 - up->y2) / 2;

        if (pitch <= 0 || pitch > PL_LEADING_EM * h)
            break;
        for (c = 0; c < k; c++) {
            const struct pl_frag *first = &pg->f[idx[bstart[b] + c]];
            const struct pl_frag *f = &pg->f[idx[bstart[t] + c]];
            double dx = f->x1 - first->x1;

            if ((dx < 0 ? -dx : dx) > PL_ALIGN_EM * pl_frag_height(first))
                break;
        }
        if (c < k)
            break;
        e = t;
    }
    return e;
}

static void pl_region(struct pl_page *pg, size_t *idx, size_t n, int depth)
{
    size_t *bstart, nb = 0, i, b;
    double cut, bottom = 0;
    int can_split = depth < PL_MAX_DEPTH && pg->work < PL_MAX_WORK;

    if (n == 0 || pg->stopped)
        return;
    if (can_split && pl_gutter(pg, idx, n, &cut) == 2) {
        size_t l = 0, r;

        for (r = 0; r < n; r++) {
            if (pg->f[idx[r]].x2 <= cut) {
                size_t t = idx[l];

                idx[l++] = idx[r];
                idx[r] = t;
            }
        }
        pl_region(pg, idx, l, depth + 1);
        pl_region(pg, idx + l, n - l, depth + 1);
        return;
    }
    /* Bands: bstart[b] is where band b starts in idx, bstart[nb] == n. */
    pl_sort(pg, idx, n, pl_by_top);
    bstart = malloc((n + 1) * sizeof(*bstart));
    if (bstart == NULL) {
        for (i = 0; i < n; i++)
            pl_emit_band(pg, idx + i, 1);
        return;
    }
    for (i = 0; i < n; i++) {
        const struct pl_frag *f = &pg->f[idx[i]];

        if (i == 0 || f->c1 > bottom) {
            bstart[nb++] = i;
            bottom = f->c2;
        } else if (f->c2 > bottom) {
            bottom = f->c2;
        }
    }
    bstart[nb] = n;
    for (b = 0; b < nb; b++)
        pl_sort(pg, idx + bstart[b], bstart[b + 1] - bstart[b], pl_by_x);
    for (b = 0; b < nb && !pg->stopped; ) {
        size_t last = pl_wrapped_row(pg, idx, bstart, nb, b), j, c, t;

        if (last > b) {
            /* cell by cell, each cell's lines in order */
            for (c = 0; c < bstart[b + 1] - bstart[b]; c++) {
                for (t = b; t <= last; t++) {
                    const struct pl_frag *f = &pg->f[idx[bstart[t] + c]];

                    (void)pl_out(pg, pg->text + f->off, f->len);
                    (void)pl_out(pg, "\n", 1);
                }
            }
            b = last + 1;
            continue;
        }

        /* The longest run of bands from b that has a gutter. */
        for (j = b + 1; nb > 1 && can_split && j < nb && pg->work < PL_MAX_WORK; j++) {
            int g = pl_gutter(pg, idx + bstart[b], bstart[j + 1] - bstart[b], &cut);

            if (g == 0)
                break;
            if (g == 2)
                last = j;
        }
        if (last > b || (nb > 1 && can_split))
            pl_region(pg, idx + bstart[b], bstart[last + 1] - bstart[b], depth + 1);
        else
            pl_emit_band(pg, idx + bstart[b], bstart[b + 1] - bstart[b]);
        b = last + 1;
    }
    free(bstart);
}

int pdf_layout_page(const char *text, size_t len, const struct pdf_box *boxes, size_t nboxes,
                    pdf_layout_emit emit, void *ud)
{
    struct pl_page pg;
    size_t nchars = 0, i, *idx;

    for (i = 0; i < len; i += pl_char_len(text + i, len - i))
        nchars++;
    memset(&pg, 0, sizeof(pg));
    pg.text = text;
    pg.emit = emit;
    pg.ud = ud;
    for (i = 0; i < nboxes && nchars == nboxes; i++) {
        if (!isfinite(boxes[i].x1) || !isfinite(boxes[i].y1) || !isfinite(boxes[i].x2) ||
            !isfinite(boxes[i].y2))
            nchars = 0;
    }
    if (nchars != nboxes)
        return pl_out(&pg, text, len);      /* no usable layout */
    /* Zeroed, though pl_fragments sets every field of a fragment it counts:
     * gcc's -fanalyzer cannot follow that through its loop. */
    pg.f = calloc(PDF_LAYOUT_MAX_FRAGMENTS, sizeof(*pg.f));
    idx = malloc(PDF_LAYOUT_MAX_FRAGMENTS * sizeof(*idx));
    pg.scratch = malloc(PDF_LAYOUT_MAX_FRAGMENTS * sizeof(*pg.scratch));
    if (pg.f == NULL || idx == NULL || pg.scratch == NULL) {
        free(pg.f);
        free(idx);
        free(pg.scratch);
        return -1;
    }
    if (pl_fragments(&pg, len, boxes)) {
        for (i = 0; i < pg.nf; i++)
            idx[i] = i;
        pl_region(&pg, idx, pg.nf, 0);
    } else {
        /* Too dense to order: poppler's order, its lines kept. */
        (void)pl_out(&pg, text, len);
    }
    free(pg.f);
    free(idx);
    free(pg.scratch);
    return pg.stopped ? 0 : 1;
}

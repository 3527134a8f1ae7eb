/*
 * heuristic_rules.c - the offline analyzer's rules table and the small
 * functions that read it (see heuristic_rules.h): atsScore penalties,
 * strengths, weaknesses, suggestions and the summary's drivers, then the
 * rendering of a message's placeholders from the facts.
 */
#include "heuristic_rules.h"

#include <stddef.h>
#include <stdio.h>
#include <string.h>

#include "utf8.h"

/* Drivers named in the summary, each way. */
#define HZ_MAX_DRIVERS 3

/* ---- The table ---- */

#define F(name) HZ_FACT_BIT(name)
#define SECTIONS (F(SUMMARY) | F(EXPERIENCE) | F(EDUCATION) | F(SKILLS))
#define ATS_PROBLEMS                                                                          \
    (F(TABLE) | F(COLUMNS) | F(SYMBOLS) | F(LONG_LINES) | F(PERSONAL) | F(CAPS) | F(PAGES))

#define ATS(points, ...) { HZ_LIST_ATS, __VA_ARGS__, .weight = (points) }
#define STRENGTH(message, ...) { HZ_LIST_STRENGTHS, __VA_ARGS__, .msg = HZ_MSG_##message }
#define WEAKNESS(message, ...) { HZ_LIST_WEAKNESSES, __VA_ARGS__, .msg = HZ_MSG_##message }
#define SUGGESTION(message, ...) { HZ_LIST_SUGGESTIONS, __VA_ARGS__, .msg = HZ_MSG_##message }
#define UP(message, ...) { HZ_LIST_UP, __VA_ARGS__, .msg = HZ_MSG_##message }
#define DOWN(message, ...) { HZ_LIST_DOWN, __VA_ARGS__, .msg = HZ_MSG_##message }

const struct hz_rule hz_rules[] = {
    /* atsScore starts at 100 and loses these points. */
    ATS(10, .none = F(CONTACT)),
    ATS(10, .none = F(EXPERIENCE)),
    ATS(8, .none = F(EDUCATION)),
    ATS(8, .none = F(SKILLS)),
    ATS(15, .all = F(TABLE)),
    ATS(10, .all = F(COLUMNS)),
    ATS(10, .all = F(SYMBOLS)),
    ATS(5, .all = F(LONG_LINES)),
    ATS(5, .all = F(PERSONAL)),
    ATS(5, .all = F(CAPS)),
    ATS(5, .all = F(PAGES)),

    STRENGTH(S_ALL_SECTIONS, .all = F(COMPLETE)),
    STRENGTH(S_CORE_SECTIONS, .all = F(EXPERIENCE) | F(EDUCATION) | F(SKILLS),
             .none = F(COMPLETE)),
    STRENGTH(S_QUANTIFIED, .all = F(QUANTIFIED_GOOD)),
    STRENGTH(S_VERBS, .all = F(VERBS_GOOD)),
    STRENGTH(S_JD_KEYWORDS, .all = F(JD) | F(KEYWORDS_GOOD)),
    STRENGTH(S_SKILLS_NAMED, .all = F(FOUND_MANY), .none = F(JD)),
    STRENGTH(S_CONTACT, .all = F(CONTACT)),
    STRENGTH(S_DATED, .all = F(DATED_2), .none = F(GAP)),
    STRENGTH(S_LENGTH, .all = F(LENGTH_IDEAL)),
    STRENGTH(S_ATS, .all = F(ATS_GOOD), .none = ATS_PROBLEMS),

    WEAKNESS(W_NO_CONTACT, .none = F(CONTACT)),
    WEAKNESS(W_SECTIONS, .all = F(SECTION_MISSING)),
    WEAKNESS(W_JD_KEYWORDS_POOR, .all = F(JD) | F(JD_KEYWORDS), .none = F(KEYWORDS_GOOD)),
    /* Missing keywords come from the candidates: JD_KEYWORDS holds too. */
    WEAKNESS(W_JD_KEYWORDS_MISSING, .all = F(JD) | F(MISSING) | F(KEYWORDS_GOOD)),
    WEAKNESS(W_ROLE_SKILLS, .all = F(MISSING), .none = F(JD)),
    WEAKNESS(W_TABLE, .all = F(TABLE)),
    WEAKNESS(W_SYMBOLS, .all = F(SYMBOLS)),
    WEAKNESS(W_PERSONAL, .all = F(PERSONAL)),
    WEAKNESS(W_NO_QUANTIFIED, .none = F(QUANTIFIED)),
    WEAKNESS(W_FEW_QUANTIFIED, .all = F(QUANTIFIED), .none = F(QUANTIFIED_GOOD)),
    WEAKNESS(W_VERBS, .all = F(BULLETS) | F(CANDIDATES_3), .none = F(VERBS_GOOD)),
    WEAKNESS(W_PARAGRAPHS, .all = F(CANDIDATES), .none = F(BULLETS)),
    WEAKNESS(W_GAP, .all = F(GAP), .per_gap = true),
    WEAKNESS(W_NO_DATES, .none = F(DATED)),
    WEAKNESS(W_SHORT, .all = F(SHORT)),
    WEAKNESS(W_LONG, .all = F(LONG)),
    WEAKNESS(W_COLUMNS, .all = F(COLUMNS)),
    WEAKNESS(W_LONG_LINES, .all = F(LONG_LINES)),
    WEAKNESS(W_CAPS, .all = F(CAPS)),
    WEAKNESS(W_PAGES, .all = F(PAGES)),

    SUGGESTION(DO_CONTACT, .none = F(CONTACT)),
    SUGGESTION(DO_EXPERIENCE, .none = F(EXPERIENCE)),
    SUGGESTION(DO_SKILLS_MISSING, .all = F(MISSING), .none = F(SKILLS)),
    SUGGESTION(DO_KEYWORDS_MISSING, .all = F(MISSING) | F(SKILLS)),
    SUGGESTION(DO_SKILLS_FOUND, .all = F(FOUND), .none = F(MISSING) | F(SKILLS)),
    SUGGESTION(DO_SKILLS, .none = F(FOUND) | F(MISSING) | F(SKILLS)),
    SUGGESTION(DO_QUANTIFY, .none = F(QUANTIFIED_GOOD)),
    SUGGESTION(DO_GAP, .all = F(GAP), .per_gap = true),
    SUGGESTION(DO_ONE_COLUMN, .any = F(TABLE) | F(COLUMNS)),
    SUGGESTION(DO_SYMBOLS, .all = F(SYMBOLS)),
    SUGGESTION(DO_VERBS, .all = F(BULLETS) | F(CANDIDATES_3), .none = F(VERBS_GOOD)),
    SUGGESTION(DO_BULLETS, .none = F(BULLETS)),
    SUGGESTION(DO_PERSONAL, .all = F(PERSONAL)),
    SUGGESTION(DO_SUMMARY, .none = F(SUMMARY)),
    SUGGESTION(DO_EDUCATION, .none = F(EDUCATION)),
    SUGGESTION(DO_DATES, .none = F(DATED)),
    SUGGESTION(DO_EXPAND, .all = F(SHORT)),
    SUGGESTION(DO_SHORTEN, .all = F(LONG)),
    SUGGESTION(DO_LONG_LINES, .all = F(LONG_LINES)),
    SUGGESTION(DO_CAPS, .all = F(CAPS)),
    SUGGESTION(DO_PAGES, .all = F(PAGES)),
    SUGGESTION(DO_LINKEDIN, .all = F(CONTACT), .none = F(LINKEDIN)),
    /* Always something to act on, for the strongest CV too: with a job
     * offer, lead with what matches it; without, ask for one. */
    SUGGESTION(DO_TAILOR, .all = F(KEYWORDS_GOOD) | F(FOUND)),
    SUGGESTION(DO_JOB_OFFER, .none = F(JD)),
    SUGGESTION(DO_TARGET_ROLE, .none = F(ROLE)),

    UP(UP_JD_KEYWORDS, .all = F(JD) | F(KEYWORDS_GOOD)),
    UP(UP_ALL_SECTIONS, .all = F(COMPLETE)),
    UP(UP_QUANTIFIED, .all = F(QUANTIFIED_GOOD)),
    UP(UP_VERBS, .all = F(VERBS_GOOD)),
    UP(UP_ATS, .all = F(ATS_GOOD)),

    DOWN(DOWN_NO_CONTACT, .none = F(CONTACT)),
    DOWN(DOWN_SECTIONS, .all = F(SECTION_MISSING)),
    DOWN(DOWN_ATS, .all = F(ATS_POOR)),
    DOWN(DOWN_JD_KEYWORDS, .all = F(JD) | F(JD_KEYWORDS), .none = F(KEYWORDS_GOOD)),
    DOWN(DOWN_GAP, .all = F(GAP)),
    DOWN(DOWN_FEW_QUANTIFIED, .none = F(QUANTIFIED_GOOD)),
    DOWN(DOWN_SHORT, .all = F(SHORT)),
    DOWN(DOWN_LONG, .all = F(LONG)),
};

const size_t hz_rules_count = sizeof(hz_rules) / sizeof(hz_rules[0]);

#undef F
#undef SECTIONS
#undef ATS_PROBLEMS
#undef ATS
#undef STRENGTH
#undef WEAKNESS
#undef SUGGESTION
#undef UP
#undef DOWN

/* ---- Reading it ---- */

bool hz_rule_holds(const struct hz_rule *r, uint64_t bits)
{
    return (bits & r->all) == r->all && (r->any == 0 || (bits & r->any) != 0) &&
           (bits & r->none) == 0;
}

int hz_rules_weight(enum hz_rule_list list, uint64_t bits)
{
    int sum = 0;
    size_t i;

    for (i = 0; i < hz_rules_count; i++)
        if (hz_rules[i].list == list && hz_rule_holds(&hz_rules[i], bits))
            sum += hz_rules[i].weight;
    return sum;
}

void hz_list_init(struct hz_list *l, size_t max)
{
    l->n = 0;
    l->max = max < HEURISTIC_MAX_SUGGESTIONS ? max : HEURISTIC_MAX_SUGGESTIONS;
}

/* Cut s[0..*len) so it does not end inside a UTF-8 sequence. */
static void hz_fix_tail(const char *s, size_t *len)
{
    size_t n = *len, k = n;

    while (k > 0 && n - k < CV_UTF8_SEQ_MAX_BYTES && ((unsigned char)s[k - 1] & 0xC0) == 0x80)
        k--;
    if (k > 0 && (unsigned char)s[k - 1] >= 0xC0 &&
        cv_utf8_seq_len((const unsigned char *)s + k - 1, n - (k - 1)) == 0)
        *len = k - 1;
}

/* Add message id (about gap) to l; dropped once l is full, cut on a whole
 * character when longer than HEURISTIC_ITEM_MAX_BYTES. */
static void hz_list_add(struct hz_list *l, const struct hz_facts *f, enum hz_msg id, size_t gap)
{
    size_t len;

    if (l->n >= l->max)
        return;
    len = hz_render(l->items[l->n], HEURISTIC_ITEM_MAX_BYTES, f, id, gap);
    if (len >= HEURISTIC_ITEM_MAX_BYTES)
        len = HEURISTIC_ITEM_MAX_BYTES - 1;
    hz_fix_tail(l->items[l->n], &len);
    l->items[l->n][len] = '\0';
    l->n++;
}

void hz_rules_texts(enum hz_rule_list list, const struct hz_facts *f, struct hz_list *out)
{
    size_t i, k;

    for (i = 0; i < hz_rules_count; i++) {
        const struct hz_rule *r = &hz_rules[i];

        if (r->list != list || !hz_rule_holds(r, f->bits))
            continue;
        if (!r->per_gap)
            hz_list_add(out, f, r->msg, 0);
        for (k = 0; r->per_gap && k < f->ngaps && k < HZ_GAPS_NAMED; k++)
            hz_list_add(out, f, r->msg, k);
    }
}

/* "a, b and c" ("a, b et c") from n phrases; whole phrases only. */
static void hz_join(char *dst, size_t size, const char *const *parts, size_t n,
                    const struct hz_language *lang)
{
    size_t i, o = 0;

    dst[0] = '\0';
    for (i = 0; i < n; i++) {
        const char *sep = i == 0 ? "" : i + 1 < n ? ", " : hz_msg(lang, HZ_MSG_AND);
        int w = snprintf(dst + o, size - o, "%s%s", sep, parts[i]);

        if (w < 0 || (size_t)w >= size - o) {
            dst[o] = '\0';
            break;
        }
        o += (size_t)w;
    }
}

void hz_rules_summary(const struct hz_facts *f, char *dst, size_t size)
{
    const struct hz_language *L = f->lang;
    struct hz_list up, down;
    const char *parts[HZ_MAX_DRIVERS];
    char up_text[HEURISTIC_SUMMARY_MAX_BYTES], down_text[HEURISTIC_SUMMARY_MAX_BYTES];
    char score[64];
    size_t k, len;
    int w;

    hz_list_init(&up, HZ_MAX_DRIVERS);
    hz_list_init(&down, HZ_MAX_DRIVERS);
    hz_rules_texts(HZ_LIST_UP, f, &up);
    hz_rules_texts(HZ_LIST_DOWN, f, &down);
    for (k = 0; k < up.n; k++)
        parts[k] = up.items[k];
    hz_join(up_text, sizeof(up_text), parts, up.n, L);
    for (k = 0; k < down.n; k++)
        parts[k] = down.items[k];
    hz_join(down_text, sizeof(down_text), parts, down.n, L);
    (void)hz_render(score, sizeof(score), f, HZ_MSG_SUM_SCORE, 0);
    w = snprintf(dst, size, "%s%s%s%s%s%s", score,
                 up.n > 0 ? hz_msg(L, HZ_MSG_SUM_STRENGTHS) : "", up_text, up.n > 0 ? "." : "",
                 hz_msg(L, down.n > 0 ? HZ_MSG_SUM_TO_IMPROVE : HZ_MSG_SUM_NO_ISSUE), down_text);
    if (w < 0) {
        dst[0] = '\0';
        return;
    }
    /* Cut on a whole character when too long, and end with a full stop. */
    len = (size_t)w < size - 1 ? (size_t)w : size - 2;
    hz_fix_tail(dst, &len);
    dst[len++] = '.';
    dst[len] = '\0';
}

/* ---- Placeholders ---- */

/* Where a placeholder's value comes from. */
enum hz_ph_kind {
    HZ_PH_INT,          /* an int of struct hz_facts, at offset */
    HZ_PH_SIZE,         /* a size_t of struct hz_facts, at offset */
    HZ_PH_TEXT,         /* a NUL-terminated text of struct hz_facts, at offset */
    HZ_PH_GAP,          /* an int of the struct hz_gap the text is about, at offset */
    HZ_PH_FOUND,        /* the first names of keywords.found */
    HZ_PH_MISSING,      /* the first names of keywords.missing */
    HZ_PH_CONTACT,      /* the contact details found */
    HZ_PH_SECTIONS,     /* the standard sections missing */
};

struct hz_placeholder {
    const char *name;
    enum hz_ph_kind kind;
    size_t offset;
};

#define FACT(name, kind, field) { name, kind, offsetof(struct hz_facts, field) }
#define GAP(name, field) { name, HZ_PH_GAP, offsetof(struct hz_gap, field) }

static const struct hz_placeholder hz_placeholders[] = {
    FACT("score", HZ_PH_INT, score),
    FACT("ats_score", HZ_PH_INT, ats.score),
    FACT("words", HZ_PH_SIZE, words),
    FACT("quantified", HZ_PH_SIZE, quantified),
    FACT("example", HZ_PH_TEXT, example),
    FACT("verb_lines", HZ_PH_SIZE, verb_lines),
    FACT("candidates", HZ_PH_SIZE, candidates),
    FACT("kw_found", HZ_PH_SIZE, kw_found),
    FACT("kw_total", HZ_PH_SIZE, kw_total),
    FACT("found_count", HZ_PH_SIZE, nfound),
    FACT("role", HZ_PH_TEXT, role),
    FACT("symbols", HZ_PH_SIZE, ats.nsymbols),
    FACT("first_year", HZ_PH_INT, first_year),
    FACT("last_year", HZ_PH_INT, last_year),
    GAP("gap_months", months),
    GAP("gap_from", from_year),
    GAP("gap_to", to_year),
    { "found", HZ_PH_FOUND, 0 },
    { "missing", HZ_PH_MISSING, 0 },
    { "contact", HZ_PH_CONTACT, 0 },
    { "sections", HZ_PH_SECTIONS, 0 },
};

#undef FACT
#undef GAP

/* The placeholder named t[0..n); NULL when none is. */
static const struct hz_placeholder *hz_placeholder_of(const char *t, size_t n)
{
    size_t k;

    for (k = 0; k < sizeof(hz_placeholders) / sizeof(hz_placeholders[0]); k++)
        if (strlen(hz_placeholders[k].name) == n && memcmp(hz_placeholders[k].name, t, n) == 0)
            return &hz_placeholders[k];
    return NULL;
}

bool hz_template_ok(const char *t)
{
    const char *open;

    while ((open = strchr(t, '{')) != NULL) {
        const char *close = strchr(open + 1, '}');

        if (close == NULL || hz_placeholder_of(open + 1, (size_t)(close - open - 1)) == NULL)
            return false;
        t = close + 1;
    }
    return true;
}

void hz_names_upto(char *dst, size_t size, const struct text_keyword *k, size_t n,
                   size_t max_names)
{
    size_t o = 0, i;

    dst[0] = '\0';
    for (i = 0; i < n && i < max_names; i++) {
        int w = snprintf(dst + o, size - o, "%s%s", i > 0 ? ", " : "", k[i].display);

        if (w < 0 || (size_t)w >= size - o) {
            dst[o] = '\0';
            break;
        }
        o += (size_t)w;
    }
}

/* "email, phone and LinkedIn": the contact details found. */
static void hz_contact_parts(char *dst, size_t size, const struct hz_facts *f)
{
    const char *parts[4];
    size_t n = 0;

    if (f->contact.email)
        parts[n++] = hz_msg(f->lang, HZ_MSG_EMAIL);
    if (f->contact.phone)
        parts[n++] = hz_msg(f->lang, HZ_MSG_PHONE);
    if (f->contact.linkedin)
        parts[n++] = "LinkedIn";
    if (f->contact.github)
        parts[n++] = "GitHub";
    hz_join(dst, size, parts, n, f->lang);
}

/* "Summary, Skills": the standard sections without a heading. */
static void hz_missing_sections(char *dst, size_t size, const struct hz_facts *f)
{
    static const enum cv_section_kind std[] = { CV_SECTION_SUMMARY, CV_SECTION_EXPERIENCE,
                                                CV_SECTION_EDUCATION, CV_SECTION_SKILLS };
    size_t k, o = 0;

    dst[0] = '\0';
    for (k = 0; k < sizeof(std) / sizeof(std[0]); k++) {
        int w;

        if (f->sec[std[k]])
            continue;
        w = snprintf(dst + o, size - o, "%s%s", o > 0 ? ", " : "",
                     hz_section_name(std[k], f->lang));
        if (w < 0 || (size_t)w >= size - o)
            break;
        o += (size_t)w;
    }
}

/* Bytes written to a bounded text, and the length the whole would have. */
struct hz_out {
    char *dst;
    size_t size, len;
};

static void hz_out_put(struct hz_out *o, const char *s, size_t n)
{
    if (o->len < o->size - 1) {
        size_t room = o->size - 1 - o->len;

        memcpy(o->dst + o->len, s, n < room ? n : room);
    }
    o->len += n;
}

static void hz_out_str(struct hz_out *o, const char *s)
{
    hz_out_put(o, s, strlen(s));
}

static void hz_out_size(struct hz_out *o, size_t v)
{
    char num[24];
    int w = snprintf(num, sizeof(num), "%zu", v);

    hz_out_put(o, num, w > 0 ? (size_t)w : 0);
}

static void hz_out_int(struct hz_out *o, int v)
{
    char num[16];
    int w = snprintf(num, sizeof(num), "%d", v);

    hz_out_put(o, num, w > 0 ? (size_t)w : 0);
}

static void hz_out_value(struct hz_out *o, const struct hz_facts *f,
                         const struct hz_placeholder *p, const struct hz_gap *gap)
{
    const char *at = (const char *)f + p->offset;
    char text[HZ_NAMES_MAX_BYTES];

    switch (p->kind) {
    case HZ_PH_INT:
        hz_out_int(o, *(const int *)at);
        return;
    case HZ_PH_SIZE:
        hz_out_size(o, *(const size_t *)at);
        return;
    case HZ_PH_TEXT:
        hz_out_str(o, at);
        return;
    case HZ_PH_GAP:
        hz_out_int(o, *(const int *)((const char *)gap + p->offset));
        return;
    case HZ_PH_FOUND:
        hz_names_upto(text, sizeof(text), f->found, f->nfound, HZ_NAMES_IN_TEXT);
        break;
    case HZ_PH_MISSING:
        hz_names_upto(text, sizeof(text), f->missing, f->nmissing, HZ_NAMES_IN_TEXT);
        break;
    case HZ_PH_CONTACT:
        hz_contact_parts(text, sizeof(text), f);
        break;
    case HZ_PH_SECTIONS:
        hz_missing_sections(text, sizeof(text), f);
        break;
    }
    hz_out_str(o, text);
}

size_t hz_render(char *dst, size_t size, const struct hz_facts *f, enum hz_msg id, size_t gap)
{
    static const struct hz_gap no_gap = { 0, 0, 0 };
    struct hz_out o = { dst, size, 0 };
    const struct hz_gap *g = gap < f->ngaps && gap < HZ_MAX_GAPS ? &f->gaps[gap] : &no_gap;
    const char *t = hz_msg(f->lang, id);

    while (*t != '\0') {
        const char *open = strchr(t, '{'), *close;
        const struct hz_placeholder *ph;

        if (open == NULL) {
            hz_out_str(&o, t);
            break;
        }
        close = strchr(open + 1, '}');
        ph = close != NULL ? hz_placeholder_of(open + 1, (size_t)(close - open - 1)) : NULL;
        if (ph == NULL) {                         /* not a placeholder: a plain "{" */
            hz_out_put(&o, t, (size_t)(open - t) + 1);
            t = open + 1;
            continue;
        }
        hz_out_put(&o, t, (size_t)(open - t));
        hz_out_value(&o, f, ph, g);
        t = close + 1;
    }
    dst[o.len < size ? o.len : size - 1] = '\0';
    return o.len;
}

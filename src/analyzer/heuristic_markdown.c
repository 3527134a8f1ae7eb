/*
 * heuristic_markdown.c - the offline analyzer's Markdown rewrite of a CV
 * (see heuristic.h for what it writes, heuristic_run.h for the contract).
 *
 * Read top to bottom: a bounded writer that keeps the rewrite valid UTF-8
 * and Markdown-safe, then the sections in their standard order. It only
 * moves the candidate's own lines; what it adds are the headings, a
 * summary line built from the facts, and notes (HTML comments) in the
 * output language.
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>

#include "buf.h"
#include "cv_sections.h"
#include "heuristic_messages.h"
#include "heuristic_rules.h"
#include "heuristic_run.h"
#include "text_tokens.h"
#include "utf8.h"

/* ---- Writing ---- */

enum hz_md_prev {
    HZ_MD_START,
    HZ_MD_BLANK,
    HZ_MD_TEXT,
    HZ_MD_BULLET,
};

struct hz_md {
    struct cv_buf buf;
    enum cv_status st;      /* CV_ERR_NOMEM once memory ran out */
    bool full;              /* HEURISTIC_MARKDOWN_MAX_BYTES reached: lines dropped */
    enum hz_md_prev prev;
    size_t section_lines;   /* lines written since the last heading */
};

static void hz_md_raw(struct hz_md *md, const char *s, size_t n)
{
    if (md->st != CV_OK)
        return;
    if (cv_buf_append(&md->buf, s, n) != CV_OK)
        md->st = CV_ERR_NOMEM;   /* the reserve makes TOO_LARGE impossible */
}

static void hz_md_puts(struct hz_md *md, const char *s)
{
    hz_md_raw(md, s, strlen(s));
}

/* Append s[0..n) as text: invalid UTF-8 as U+FFFD, controls as spaces. */
static void hz_md_text(struct hz_md *md, const char *s, size_t n)
{
    const unsigned char *u = (const unsigned char *)s;
    size_t i = 0, run = 0;

    while (i < n) {
        size_t sl = cv_utf8_seq_len(u + i, n - i);

        if (sl == 0 || (sl == 1 && (u[i] < 0x20 || u[i] == 0x7F))) {
            hz_md_raw(md, s + run, i - run);
            hz_md_puts(md, sl == 0 ? "\xEF\xBF\xBD" : " ");
            i++;
            run = i;
            continue;
        }
        i += sl;
    }
    hz_md_raw(md, s + run, n - run);
}

/* Room for a line of n bytes (written at worst 3 bytes per byte)? When
 * not, the rewrite is full and later lines are dropped. */
static bool hz_md_room(struct hz_md *md, size_t n)
{
    if (!md->full && md->buf.len + 3 * n + 16 > HEURISTIC_MARKDOWN_MAX_BYTES)
        md->full = true;
    return !md->full && md->st == CV_OK;
}

static void hz_md_heading(struct hz_md *md, const char *title, size_t n)
{
    if (!hz_md_room(md, n))
        return;
    if (md->prev != HZ_MD_START)
        hz_md_puts(md, "\n");
    hz_md_puts(md, "## ");
    hz_md_text(md, title, n);
    hz_md_puts(md, "\n\n");
    md->prev = HZ_MD_BLANK;
    md->section_lines = 0;
}

/* A line of the CV: bullets become "- ", other lines paragraphs. */
static void hz_md_line(struct hz_md *md, const char *s, size_t n, size_t bullet_len)
{
    bool bullet = bullet_len > 0;

    if (n == bullet_len || !hz_md_room(md, n))
        return;
    if ((bullet && md->prev == HZ_MD_TEXT) || (!bullet && (md->prev == HZ_MD_TEXT ||
                                                           md->prev == HZ_MD_BULLET)))
        hz_md_puts(md, "\n");
    if (bullet)
        hz_md_puts(md, "- ");
    else if (s[0] == '#' || (n >= 2 && (s[0] == '-' || s[0] == '*' || s[0] == '+') && s[1] == ' '))
        hz_md_puts(md, "\\");   /* keep it text, not a heading or a list */
    hz_md_text(md, s + bullet_len, n - bullet_len);
    hz_md_puts(md, "\n");
    md->prev = bullet ? HZ_MD_BULLET : HZ_MD_TEXT;
    md->section_lines++;
}

/* An HTML comment for the candidate, written even when the rewrite is
 * full (HEURISTIC_MARKDOWN_NOTES_MAX_BYTES holds it). */
static void hz_md_note(struct hz_md *md, const char *text)
{
    if (md->prev == HZ_MD_TEXT || md->prev == HZ_MD_BULLET)
        hz_md_puts(md, "\n");
    hz_md_puts(md, "<!-- ");
    hz_md_puts(md, text);
    hz_md_puts(md, " -->\n");
    md->prev = HZ_MD_TEXT;
}

/* An HTML comment in the flow of the rewrite (dropped once it is full). */
static void hz_md_comment(struct hz_md *md, const char *text)
{
    if (!hz_md_room(md, strlen(text)))
        return;
    hz_md_note(md, text);
}

/* Where an untitled body line goes: Experience when the CV has no such
 * heading, else Summary when it has none, else Additional information. */
static enum cv_section_kind hz_md_untitled_dest(const struct hz_facts *f)
{
    if (!f->sec[CV_SECTION_EXPERIENCE])
        return CV_SECTION_EXPERIENCE;
    if (!f->sec[CV_SECTION_SUMMARY])
        return CV_SECTION_SUMMARY;
    return CV_SECTION_NONE;
}

/* Write the lines of kind (headed sections of that kind, plus untitled
 * body lines when they go there), debris aside. */
static void hz_md_section_lines(struct hz_md *md, const struct hz_run *r, enum cv_section_kind kind)
{
    const struct cv_layout *lay = &r->layout;
    bool untitled = hz_md_untitled_dest(&r->f) == kind;
    size_t i;

    for (i = 0; i < lay->nlines; i++) {
        const struct cv_line *l = &lay->lines[i];

        if (l->heading) {
            if (l->section == kind && l->inline_text.len > 0)
                hz_md_line(md, l->inline_text.ptr, l->inline_text.len, 0);
            continue;
        }
        if (hz_layout_debris(l))
            continue;
        if (l->section == kind ||
            (untitled && l->section == CV_SECTION_NONE && i >= r->f.header_end))
            hz_md_line(md, l->text.ptr, l->text.len, l->bullet_len);
    }
}

/* A standard section: its heading in the output language, its lines, and
 * when it has none and ask is not HZ_MSG_NONE, a note asking for it. */
static void hz_md_standard(struct hz_md *md, const struct hz_run *r, enum cv_section_kind kind,
                           enum hz_msg ask)
{
    const char *title = hz_section_name(kind, r->f.lang);

    hz_md_heading(md, title, strlen(title));
    hz_md_section_lines(md, r, kind);
    if (md->section_lines == 0 && ask != HZ_MSG_NONE)
        hz_md_comment(md, hz_msg(r->f.lang, ask));
}

/* Found keywords the Skills section does not name yet. */
static enum cv_status hz_md_extra_skills(const struct hz_run *r, struct text_keyword *out,
                                         size_t *count, struct cv_error *err)
{
    struct cv_buf skills;
    struct text_tokens_doc doc;
    size_t i;
    enum cv_status st = CV_OK;

    *count = 0;
    cv_buf_init(&skills, HEURISTIC_TEXT_MAX_BYTES + CV_SECTIONS_MAX_LINES);
    for (i = 0; i < r->layout.nlines && st == CV_OK; i++) {
        const struct cv_line *l = &r->layout.lines[i];
        const struct cv_str *t = l->heading ? &l->inline_text : &l->text;

        if (l->section == CV_SECTION_SKILLS && t->len > 0) {
            st = cv_buf_append(&skills, t->ptr, t->len);
            if (st == CV_OK)
                st = cv_buf_append(&skills, "\n", 1);
        }
    }
    if (st != CV_OK) {
        cv_buf_free(&skills);
        return cv_error_set(err, CV_ERR_NOMEM, "out of memory writing the Markdown rewrite");
    }
    st = text_tokens_doc_init(&doc, skills.data != NULL ? skills.data : "", skills.len,
                              TEXT_TOKENS_MAX_TOKENS, err);
    if (st == CV_OK) {
        for (i = 0; i < r->f.nfound; i++)
            if (!text_tokens_doc_has(&doc, &r->f.found[i]))
                out[(*count)++] = r->f.found[i];
        text_tokens_doc_free(&doc);
    }
    cv_buf_free(&skills);
    return st;
}

static void hz_md_header(struct hz_md *md, const struct hz_run *r)
{
    const struct cv_layout *lay = &r->layout;
    size_t i, parts = 0;

    if (r->f.name_line != SIZE_MAX) {
        const struct cv_line *l = &lay->lines[r->f.name_line];

        hz_md_puts(md, "# ");
        hz_md_text(md, l->text.ptr + l->bullet_len, l->text.len - l->bullet_len);
        hz_md_puts(md, "\n");
    }
    for (i = 0; i < lay->nlines; i++) {
        const struct cv_line *l = &lay->lines[i];
        bool header = (i < r->f.header_end && i != r->f.name_line) ||
                      (l->section == CV_SECTION_CONTACT && !l->heading);

        if (!header || l->text.len == 0 || !hz_md_room(md, l->text.len))
            continue;
        hz_md_puts(md, parts > 0 ? " | " : r->f.name_line != SIZE_MAX ? "\n" : "");
        hz_md_text(md, l->text.ptr + l->bullet_len, l->text.len - l->bullet_len);
        parts++;
    }
    if (parts > 0)
        hz_md_puts(md, "\n");
    md->prev = r->f.name_line != SIZE_MAX || parts > 0 ? HZ_MD_TEXT : HZ_MD_START;
}

/* A one-line summary from the target role and the skills found in the CV
 * (with a job description, those of its keywords the CV has), never more
 * than the CV says; or a note asking for one. */
static void hz_md_generated_summary(struct hz_md *md, const struct hz_run *r)
{
    char line[HZ_ROLE_SHOWN_MAX_BYTES + HZ_NAMES_MAX_BYTES + 64];
    bool role = r->f.role[0] != '\0', skills = r->f.nfound > 0;
    size_t n;

    if (!role && !skills) {
        hz_md_comment(md, hz_msg(r->f.lang, HZ_MSG_MD_NO_SUMMARY));
        return;
    }
    n = hz_render(line, sizeof(line), &r->f,
                  role && skills ? HZ_MSG_MD_ROLE_AND_SKILLS
                  : skills       ? HZ_MSG_MD_SKILLS
                                 : HZ_MSG_MD_ROLE,
                  0);
    if (n >= sizeof(line)) {
        hz_md_comment(md, hz_msg(r->f.lang, HZ_MSG_MD_NO_SUMMARY));
        return;
    }
    hz_md_line(md, line, n, 0);
}

enum cv_status hz_markdown(const struct hz_run *r, char **out, struct cv_error *err)
{
    static const enum cv_section_kind rest[] = { CV_SECTION_PROJECTS, CV_SECTION_CERTIFICATIONS,
                                                 CV_SECTION_LANGUAGES, CV_SECTION_INTERESTS };
    const struct cv_layout *lay = &r->layout;
    const struct hz_language *L = r->f.lang;
    struct text_keyword extra[HEURISTIC_MAX_KEYWORDS];
    struct hz_md md;
    char names[HZ_NAMES_MAX_BYTES], note[HZ_NAMES_MAX_BYTES + 128];
    size_t nextra = 0, i, k;
    enum cv_status st;

    memset(&md, 0, sizeof(md));
    cv_buf_init(&md.buf, HEURISTIC_MARKDOWN_MAX_BYTES + HEURISTIC_MARKDOWN_NOTES_MAX_BYTES);
    md.prev = HZ_MD_START;
    st = hz_md_extra_skills(r, extra, &nextra, err);
    if (st != CV_OK)
        goto fail;

    hz_md_header(&md, r);

    /* Aimed at the offer: that line opens the summary even when the CV
     * has its own, which follows it. */
    hz_md_heading(&md, hz_section_name(CV_SECTION_SUMMARY, L),
                  strlen(hz_section_name(CV_SECTION_SUMMARY, L)));
    if (r->f.role[0] != '\0' || (r->f.has_jd && r->f.nfound > 0))
        hz_md_generated_summary(&md, r);
    hz_md_section_lines(&md, r, CV_SECTION_SUMMARY);
    if (md.section_lines == 0)
        hz_md_generated_summary(&md, r);
    hz_md_standard(&md, r, CV_SECTION_EXPERIENCE, HZ_MSG_MD_NO_EXPERIENCE);
    hz_md_standard(&md, r, CV_SECTION_EDUCATION, HZ_MSG_MD_NO_EDUCATION);
    hz_md_standard(&md, r, CV_SECTION_SKILLS, HZ_MSG_NONE);
    if (nextra > 0) {
        hz_names_upto(names, sizeof(names), extra, nextra, HEURISTIC_MAX_KEYWORDS);
        hz_md_line(&md, names, strlen(names), 0);
    }
    if (md.section_lines == 0)
        hz_md_comment(&md, hz_msg(L, HZ_MSG_MD_NO_SKILLS));
    for (k = 0; k < sizeof(rest) / sizeof(rest[0]); k++)
        if (r->f.sec[rest[k]])
            hz_md_standard(&md, r, rest[k], HZ_MSG_NONE);
    /* Other known sections keep their own heading, in the CV's order. */
    for (i = 0; i < lay->nlines; i++) {
        const struct cv_line *l = &lay->lines[i];
        char head[CV_SECTIONS_HEADING_MAX_BYTES + 1];
        size_t n;

        if (l->section != CV_SECTION_OTHER)
            continue;
        if (l->heading) {
            hz_clean(head, sizeof(head), l->text.ptr, l->text.len, false);
            n = strlen(head);
            while (n > 0 && (head[n - 1] == ':' || head[n - 1] == ' '))
                n--;
            for (k = 0; k < n && (head[k] == '#' || head[k] == ' '); k++)
                ;
            hz_md_heading(&md, head + k, n - k);
            continue;
        }
        if (!hz_layout_debris(l))
            hz_md_line(&md, l->text.ptr, l->text.len, l->bullet_len);
    }
    if (hz_md_untitled_dest(&r->f) == CV_SECTION_NONE) {
        bool any = false;

        for (i = r->f.header_end; i < lay->nlines && !any; i++)
            any = lay->lines[i].section == CV_SECTION_NONE && lay->lines[i].text.len > 0;
        if (any)
            hz_md_standard(&md, r, CV_SECTION_NONE, HZ_MSG_NONE);
    }

    /* Notes for the candidate, never shown as CV text. */
    if (r->f.nmissing > 0 &&
        hz_render(note, sizeof(note), &r->f, HZ_MSG_MD_MISSING_KEYWORDS, 0) < sizeof(note))
        hz_md_note(&md, note);
    if (md.full || lay->truncated || r->text_len < r->in->text_len)
        hz_md_note(&md, hz_msg(L, HZ_MSG_MD_TOO_LONG));
    if (md.st != CV_OK) {
        st = cv_error_set(err, CV_ERR_NOMEM, "out of memory writing the Markdown rewrite");
        goto fail;
    }
    if (md.buf.data == NULL)
        hz_md_puts(&md, "");
    *out = cv_buf_take(&md.buf);
    if (*out == NULL) {
        st = cv_error_set(err, CV_ERR_NOMEM, "out of memory writing the Markdown rewrite");
        goto fail;
    }
    return CV_OK;
fail:
    cv_buf_free(&md.buf);
    return st;
}

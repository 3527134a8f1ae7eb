/*
 * probe.c - cv-corpus-probe, the measuring end of tests/corpus/score: reads
 * one CV file the way cv-worker does (extract_text, then heuristic_analyze
 * with the Markdown rewrite) and prints, as one JSON object on stdout, what
 * the offline analyzer found in it, for the score script to compare with
 * the document's label.
 *
 * Usage: cv-corpus-probe FILE   (.pdf, .docx or .txt)
 * Output keys: error (the end-user message, or null), text (the extracted
 * text), pua and controls (private-use and control characters in it, '\n'
 * excepted), language, sections (headings seen, by kind name), contact
 * {email, phone, linkedin, github}, ranges (dated ranges of the experience
 * section as the analyzer reads them: start, end as "YYYY-MM", ongoing),
 * skills (known skills found), name (the "# " line of the rewrite, or
 * null), suggestions (their count) and result (the analysis itself).
 * "Present" is fixed to PROBE_REFERENCE_YEAR so the output never depends
 * on the clock. Exit status 0 whenever an object was printed.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>

#include "cv_sections.h"
#include "extract.h"
#include "heuristic.h"
#include "text_tokens.h"


#define PROBE_REFERENCE_YEAR 2026
#define PROBE_MAX_RANGES 64
#define PROBE_MAX_SKILLS 64

static enum extract_format probe_format(const char *path)
{
    const char *dot = strrchr(path, '.');

    if (dot && strcmp(dot, ".pdf") == 0)
        return EXTRACT_PDF;
    if (dot && strcmp(dot, ".docx") == 0)
        return EXTRACT_DOCX;
    return EXTRACT_TEXT;
}

/* Private-use (U+E000..U+F8FF, planes 15-16) and control characters. */
static void probe_count_bad(const char *s, size_t n, int *pua, int *controls)
{
    size_t i = 0;

    *pua = *controls = 0;
    while (i < n) {
        unsigned char c = (unsigned char)s[i];
        uint32_t cp;
        size_t k;

        if (c < 0x80) {
            cp = c;
            k = 1;
        } else if ((c & 0xE0) == 0xC0 && i + 1 < n) {
            cp = ((uint32_t)(c & 0x1F) << 6) | (s[i + 1] & 0x3F);
            k = 2;
        } else if ((c & 0xF0) == 0xE0 && i + 2 < n) {
            cp = ((uint32_t)(c & 0x0F) << 12) | ((uint32_t)(s[i + 1] & 0x3F) << 6) |
                 (s[i + 2] & 0x3F);
            k = 3;
        } else if (i + 3 < n) {
            cp = ((uint32_t)(c & 0x07) << 18) | ((uint32_t)(s[i + 1] & 0x3F) << 12) |
                 ((uint32_t)(s[i + 2] & 0x3F) << 6) | (s[i + 3] & 0x3F);
            k = 4;
        } else {
            break;
        }
        if ((cp >= 0xE000 && cp <= 0xF8FF) || cp >= 0xF0000)
            (*pua)++;
        else if ((cp < 0x20 && cp != '\n') || (cp >= 0x7F && cp < 0xA0))
            (*controls)++;
        i += k;
    }
}

static json_object *probe_month(int m)
{
    char b[16];

    snprintf(b, sizeof(b), "%04d-%02d", m / 12, m % 12 + 1);
    return json_object_new_string(b);
}

static void probe_layout(json_object *o, const char *text, size_t len)
{
    struct cv_layout lay;
    struct cv_error err;
    struct cv_contact c = { 0 };
    json_object *sections = json_object_new_array(), *ranges = json_object_new_array(),
                *contact = json_object_new_object();
    int present = CV_SECTIONS_MONTH(PROBE_REFERENCE_YEAR, 12);
    size_t i, k, used;

    if (cv_sections_parse(text, len, &lay, &err) == CV_OK) {
        enum cv_section_kind kind = lay.present[CV_SECTION_EXPERIENCE] ? CV_SECTION_EXPERIENCE
                                                                       : CV_SECTION_NONE;

        for (k = 1; k < CV_SECTION_KIND_COUNT; k++)
            if (lay.present[k])
                json_object_array_add(sections,
                                      json_object_new_string(cv_sections_kind_name(k)));
        for (i = 0; i < lay.nlines; i += used) {
            struct cv_date_range r[PROBE_MAX_RANGES];
            size_t n;

            used = 1;
            if (lay.lines[i].section != kind)
                continue;
            n = cv_sections_line_date_ranges(&lay, i, present, r, PROBE_MAX_RANGES, &used);
            for (k = 0; k < n; k++) {
                json_object *x = json_object_new_object();

                json_object_object_add(x, "start", probe_month(r[k].start));
                json_object_object_add(x, "end", probe_month(r[k].end));
                json_object_object_add(x, "ongoing", json_object_new_boolean(r[k].ongoing));
                json_object_array_add(ranges, x);
            }
        }
        cv_sections_free(&lay);
    }
    cv_sections_scan_contact(text, len, &c);
    json_object_object_add(contact, "email", json_object_new_boolean(c.email));
    json_object_object_add(contact, "phone", json_object_new_boolean(c.phone));
    json_object_object_add(contact, "linkedin", json_object_new_boolean(c.linkedin));
    json_object_object_add(contact, "github", json_object_new_boolean(c.github));
    json_object_object_add(o, "sections", sections);
    json_object_object_add(o, "contact", contact);
    json_object_object_add(o, "ranges", ranges);
}

static void probe_tokens(json_object *o, const char *text, size_t len)
{
    struct text_tokens_doc doc;
    struct text_keyword kw[PROBE_MAX_SKILLS];
    struct cv_error err;
    json_object *skills = json_object_new_array();
    size_t i, n;

    if (text_tokens_doc_init(&doc, text, len, TEXT_TOKENS_MAX_TOKENS, &err) == CV_OK) {
        n = text_tokens_doc_skills(&doc, kw, PROBE_MAX_SKILLS);
        for (i = 0; i < n; i++)
            json_object_array_add(skills, json_object_new_string(kw[i].display));
        json_object_object_add(o, "language",
                               json_object_new_string(text_tokens_guess_lang(&doc) ==
                                                      TEXT_LANG_FR ? "fr" : "en"));
        text_tokens_doc_free(&doc);
    }
    json_object_object_add(o, "skills", skills);
}

static void probe_analysis(json_object *o, const char *text, size_t len)
{
    struct heuristic_input in = { .text = text, .text_len = len, .optimize = true,
                                  .reference_year = PROBE_REFERENCE_YEAR };
    json_object *result = NULL, *sugg;
    char *md = NULL;
    struct cv_error err;

    if (heuristic_analyze(&in, &result, &md, &err) != CV_OK) {
        json_object_object_add(o, "error", json_object_new_string(err.message));
        return;
    }
    if (md && strncmp(md, "# ", 2) == 0) {
        const char *eol = strchr(md, '\n');

        json_object_object_add(o, "name", json_object_new_string_len(
                                              md + 2, (int)(eol ? (size_t)(eol - md - 2)
                                                                : strlen(md + 2))));
    } else {
        json_object_object_add(o, "name", NULL);
    }
    json_object_object_add(o, "markdown", md ? json_object_new_string(md) : NULL);
    sugg = json_object_object_get(result, "suggestions");
    json_object_object_add(o, "suggestions",
                           json_object_new_int((int)json_object_array_length(sugg)));
    json_object_object_add(o, "result", result);
    free(md);
}

int main(int argc, char **argv)
{
    struct extract_result x;
    struct cv_error err;
    json_object *o;
    int pua, controls;

    if (argc != 2) {
        fprintf(stderr, "usage: cv-corpus-probe FILE\n");
        return 2;
    }
    if (extract_set_program(CV_EXTRACT_PROGRAM, &err) != CV_OK) {
        fprintf(stderr, "cv-corpus-probe: %s\n", err.message);
        return 2;
    }
    o = json_object_new_object();
    if (extract_text(argv[1], probe_format(argv[1]), NULL, &x, &err) != CV_OK) {
        json_object_object_add(o, "error", json_object_new_string(err.message));
    } else {
        json_object_object_add(o, "error", NULL);
        json_object_object_add(o, "text", json_object_new_string_len(x.text, (int)x.len));
        probe_count_bad(x.text, x.len, &pua, &controls);
        json_object_object_add(o, "pua", json_object_new_int(pua));
        json_object_object_add(o, "controls", json_object_new_int(controls));
        probe_layout(o, x.text, x.len);
        probe_tokens(o, x.text, x.len);
        probe_analysis(o, x.text, x.len);
        extract_result_free(&x);
    }
    puts(json_object_to_json_string_ext(o, JSON_C_TO_STRING_PRETTY | JSON_C_TO_STRING_NOSLASHESCAPE));
    json_object_put(o);
    return 0;
}

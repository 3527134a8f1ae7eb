/*
 * text_tokens.h - words of a CV or a job description for the offline
 * analyzer (src/, pure): accent folding, tokenisation, English and French
 * stopwords, a built-in list of skills (multi-word ones included) and the
 * keyword matching built on them.
 *
 * What a reader must know first: everything works on a *folded* copy of the
 * text (lower case, accents removed, symbols turned into spaces), and every
 * token remembers where it came from in the original, so what is shown to a
 * user keeps the author's spelling ("Node.js", "Gestion de projet").
 * Functions keep no state between calls and are thread safe; a
 * struct text_tokens_doc has one owner at a time.
 */
#ifndef CV_TEXT_TOKENS_H
#define CV_TEXT_TOKENS_H

#include <stdbool.h>
#include <stddef.h>

#include "cv_status.h"

/* ---- Limits ---- */

/* Tokens kept per document: a 200 KiB CV holds about 30 000 words. Tokens
 * past this are ignored and the document is marked truncated. */
#define TEXT_TOKENS_MAX_TOKENS 60000
/* Bytes of a keyword's folded and displayed forms (skill names are short;
 * a longer token is not a keyword anyone would list). */
#define TEXT_TOKENS_KEYWORD_MAX_BYTES 64
/* Words of a phrase that text_tokens_doc_has compares. */
#define TEXT_TOKENS_PHRASE_MAX_WORDS 8

enum text_lang {
    TEXT_LANG_EN = 0,
    TEXT_LANG_FR = 1,
};

/* One token: a view into the folded text and the span it came from. */
struct text_token {
    size_t off, len;             /* in doc->folded */
    size_t orig_off, orig_len;   /* in doc->orig */
};

/* A tokenised text. Fields are read-only for callers. */
struct text_tokens_doc {
    const char *orig;            /* the caller's text; not owned, must outlive the doc */
    size_t orig_len;
    char *folded;                /* owned, NUL-terminated */
    size_t folded_len;
    size_t *map;                 /* owned: folded byte i came from orig byte map[i];
                                    folded_len + 1 entries, the last is orig_len */
    struct text_token *tokens;   /* owned */
    size_t ntokens;
    bool truncated;              /* more than max_tokens tokens; the rest ignored */
};

/* A keyword: its folded form (words joined by one space, as matched) and
 * the form shown to the user. `cased` keywords ("Go", "R", "Swift") only
 * match an occurrence written with a capital, so "go" or "swift" as plain
 * words do not count. */
struct text_keyword {
    char folded[TEXT_TOKENS_KEYWORD_MAX_BYTES + 1];
    char display[TEXT_TOKENS_KEYWORD_MAX_BYTES + 1];
    bool cased;
};

/*
 * Fold s[0..n) into out (out_size bytes, NUL-terminated when out_size > 0)
 * and return the bytes written: ASCII upper case to lower case; Latin-1
 * and Latin Extended-A letters to their base letters ("é" -> "e", "ç" ->
 * "c", "œ" -> "oe", "ß" -> "ss"); combining accents dropped; dashes to
 * '-', curly apostrophes to '\'', curly quotes to '"'; currency signs
 * (€ £ ¥ ₹) to '$'; other symbols, emoji, controls (but '\n') and invalid
 * bytes to one space each; other letters (Greek, CJK, ...) copied. The
 * result is never longer than the input. Stops early, on a whole
 * character, when out is full. Pure.
 */
size_t text_tokens_fold(const char *s, size_t n, char *out, size_t out_size);

/* What text_tokens_squeeze does with one character. */
enum text_squeeze {
    TEXT_SQUEEZE_KEEP,    /* copied */
    TEXT_SQUEEZE_SPACE,   /* a separator: a run of them is one space between kept
                             characters, none at the start or the end */
    TEXT_SQUEEZE_DROP,    /* left out, as if absent */
};

/* Classify the character c[0..len) (one valid UTF-8 sequence), given the
 * output written so far, out[0..out_len). */
typedef enum text_squeeze (*text_squeeze_fn)(const unsigned char *c, size_t len, const char *out,
                                             size_t out_len);

/*
 * Copy s[0..n) into dst (size > 0 bytes, always NUL-terminated) as one line
 * of valid UTF-8: invalid bytes dropped, each character kept, dropped or
 * made a separator by classify, runs of separators written as one space.
 * When a character does not fit, stops there (never inside a character),
 * ending with "..." (U+2026) when mark_cut - room for it is kept. Returns
 * the bytes written, NUL aside. Pure: keeps no pointer.
 */
size_t text_tokens_squeeze(char *dst, size_t size, const char *s, size_t n,
                           text_squeeze_fn classify, bool mark_cut);

/*
 * Next token of folded text f[0..n) at or after *pos: its offset and
 * length go to *off and *len, *pos moves past it. False when none is left.
 * A token is a run of letters and digits, plus ".", "/", "+" and "#" where
 * they belong to a name: "node.js", "asp.net", ".net", "ci/cd", "ui/ux"
 * (short parts either side of '/'), "c++", "c#". Apostrophes and hyphens
 * split ("l'équipe" gives "l", "equipe"; "full-stack" gives "full",
 * "stack"). Pure.
 */
bool text_tokens_next(const char *f, size_t n, size_t *pos, size_t *off, size_t *len);

/*
 * Fold and tokenise s[0..n) into doc, keeping at most max_tokens tokens
 * (at most TEXT_TOKENS_MAX_TOKENS). Keeps the pointer s: the text must
 * outlive the doc. CV_ERR_NOMEM when memory runs out, CV_ERR_TOO_LARGE
 * when n is too large to index (doc is then empty and needs no free).
 * Release with text_tokens_doc_free.
 */
enum cv_status text_tokens_doc_init(struct text_tokens_doc *doc, const char *s, size_t n,
                                    size_t max_tokens, struct cv_error *err) CV_WARN_UNUSED;

/* Release what doc owns; doc becomes empty. Safe on an empty doc. */
void text_tokens_doc_free(struct text_tokens_doc *doc);

/* True when the folded word w[0..n) is an English or French stopword. */
bool text_tokens_is_stopword(const char *w, size_t n);

/* The language of doc, by counting stopwords that belong to one language
 * only; a tie (no stopword at all included) gives TEXT_LANG_EN. */
enum text_lang text_tokens_guess_lang(const struct text_tokens_doc *doc);

/*
 * True when doc contains kw as a sequence of tokens. The last word may
 * differ by a plural 's' ("API"/"APIs"); a name with '.' or '/' also
 * matches its parts or its squashed form ("CI/CD", "CI CD", "CICD";
 * "Node.js", "NodeJS"). Folding makes "développement" match
 * "developpement".
 */
bool text_tokens_doc_has(const struct text_tokens_doc *doc, const struct text_keyword *kw);

/*
 * Candidate keywords of a job description, in order of first appearance,
 * deduplicated, at most max into out, count in *count: known skills
 * (longest phrase first, "react native" before "react"), then other words
 * that are not stopwords nor job-ad filler ("experience", "team",
 * "poste") and either appear twice or look technical ("GraphQL", "AWS",
 * "S3", "C++"). Displays are the description's own spelling.
 * CV_ERR_NOMEM when memory runs out (*count is then 0).
 */
enum cv_status text_tokens_jd_keywords(const struct text_tokens_doc *jd, struct text_keyword *out,
                                       size_t max, size_t *count,
                                       struct cv_error *err) CV_WARN_UNUSED;

/* Known skills present in doc, in order of first appearance, deduplicated,
 * at most max; displays are the canonical names ("PostgreSQL"). Returns
 * the count. */
size_t text_tokens_doc_skills(const struct text_tokens_doc *doc, struct text_keyword *out,
                              size_t max);

/* Skills a target role implies ("Data Engineer" -> Python, SQL, Spark,
 * ...), from a small built-in table; 0 when the role is not in it.
 * Returns the count, at most max. */
size_t text_tokens_role_skills(const struct text_tokens_doc *role, struct text_keyword *out,
                               size_t max);

/* True when the built-in tables are sorted and consistent (binary search
 * depends on it). For the unit tests. */
bool text_tokens_tables_ok(void);

#endif

/*
 * filetype.c - content sniffing of uploaded CVs and display file names
 * (see filetype.h). The ZIP layout read here is that of PKWARE's
 * APPNOTE.TXT, sections 4.3.12 (central directory file header) and
 * 4.3.16 (end of central directory record); integers are little-endian.
 */
#include "filetype.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define FILETYPE_PDF_MAGIC "%PDF-"
#define FILETYPE_PDF_MAGIC_BYTES 5
#define FILETYPE_ZIP_LOCAL_MAGIC "PK\x03\x04"
#define FILETYPE_ZIP_MAGIC_BYTES 4
#define FILETYPE_ZIP_EOCD_SIG 0x06054b50u
#define FILETYPE_ZIP_CDIR_SIG 0x02014b50u
#define FILETYPE_ZIP_CDIR_ENTRY_BYTES 46
#define FILETYPE_DOCX_MAIN_PART "word/document.xml"

#define FILETYPE_ACCEPTED "send a PDF, a Word document (DOCX) or UTF-8 plain text"

/* ---- Names ------------------------------------------------------------- */

const char *filetype_mime(enum cv_file_type type)
{
    switch (type) {
    case CV_FILE_PDF: return "application/pdf";
    case CV_FILE_DOCX:
        return "application/vnd.openxmlformats-officedocument.wordprocessingml.document";
    case CV_FILE_TEXT: return "text/plain; charset=utf-8";
    case CV_FILE_UNKNOWN: break;
    }
    return "application/octet-stream";
}

const char *filetype_extension(enum cv_file_type type)
{
    switch (type) {
    case CV_FILE_PDF: return "pdf";
    case CV_FILE_DOCX: return "docx";
    case CV_FILE_TEXT: return "txt";
    case CV_FILE_UNKNOWN: break;
    }
    return "";
}

const char *filetype_name(enum cv_file_type type)
{
    switch (type) {
    case CV_FILE_PDF: return "pdf";
    case CV_FILE_DOCX: return "docx";
    case CV_FILE_TEXT: return "text";
    case CV_FILE_UNKNOWN: break;
    }
    return "unknown";
}

/* ---- Sniffer: feeding -------------------------------------------------- */

void filetype_sniffer_init(struct filetype_sniffer *s)
{
    memset(s->head, 0, sizeof(s->head));
    s->head_len = 0;
    s->total_bytes = 0;
    cv_utf8_stream_init(&s->text);
    s->text_possible = true;
    s->zip_candidate = false;
    s->tail = NULL;
    s->tail_pos = 0;
    s->tail_len = 0;
    s->failed = CV_OK;
    s->finished = false;
}

void filetype_sniffer_free(struct filetype_sniffer *s)
{
    if (s == NULL)
        return;
    free(s->tail);
    s->tail = NULL;
    s->tail_pos = 0;
    s->tail_len = 0;
}

static bool sniffer_is_pdf(const struct filetype_sniffer *s)
{
    return s->head_len >= FILETYPE_PDF_MAGIC_BYTES &&
           memcmp(s->head, FILETYPE_PDF_MAGIC, FILETYPE_PDF_MAGIC_BYTES) == 0;
}

/* Append n bytes to the tail ring, keeping the last FILETYPE_TAIL_BYTES. */
static void sniffer_tail_push(struct filetype_sniffer *s, const unsigned char *p, size_t n)
{
    size_t first;

    if (n >= FILETYPE_TAIL_BYTES) {
        memcpy(s->tail, p + (n - FILETYPE_TAIL_BYTES), FILETYPE_TAIL_BYTES);
        s->tail_pos = 0;
        s->tail_len = FILETYPE_TAIL_BYTES;
        return;
    }
    first = FILETYPE_TAIL_BYTES - s->tail_pos;
    if (first > n)
        first = n;
    memcpy(s->tail + s->tail_pos, p, first);
    memcpy(s->tail, p + first, n - first);
    s->tail_pos = (s->tail_pos + n) % FILETYPE_TAIL_BYTES;
    s->tail_len = s->tail_len + n > FILETYPE_TAIL_BYTES ? FILETYPE_TAIL_BYTES
                                                         : s->tail_len + n;
}

enum cv_status filetype_sniffer_feed(struct filetype_sniffer *s, const void *data,
                                     size_t len, struct cv_error *err)
{
    const unsigned char *p = data;
    size_t k = 0, old_head_len = s->head_len;

    if (s->finished)
        return cv_error_set(err, CV_ERR_INTERNAL, "filetype: feed after finish");
    if (s->failed != CV_OK)
        return cv_error_set(err, s->failed, "filetype: an earlier feed failed (%s)",
                            cv_status_name(s->failed));
    if (len == 0)
        return CV_OK;
    if (p == NULL)
        return cv_error_set(err, CV_ERR_INTERNAL, "filetype: NULL data of %zu bytes", len);

    if (s->head_len < FILETYPE_HEAD_BYTES) {
        k = FILETYPE_HEAD_BYTES - s->head_len;
        if (k > len)
            k = len;
        memcpy(s->head + s->head_len, p, k);
        s->head_len += k;
    }

    /* The head just became long enough to show a ZIP: from here on keep
     * the tail, starting with every byte seen so far (all in head). */
    if (!s->zip_candidate && k > 0 && s->head_len >= FILETYPE_ZIP_MAGIC_BYTES &&
        memcmp(s->head, FILETYPE_ZIP_LOCAL_MAGIC, FILETYPE_ZIP_MAGIC_BYTES) == 0) {
        s->tail = malloc(FILETYPE_TAIL_BYTES);
        if (s->tail == NULL) {
            s->failed = CV_ERR_NOMEM;
            return cv_error_set(err, CV_ERR_NOMEM, "filetype: cannot allocate %d bytes",
                                FILETYPE_TAIL_BYTES);
        }
        s->zip_candidate = true;
        sniffer_tail_push(s, s->head, old_head_len);
        sniffer_tail_push(s, p, len);
    } else if (s->zip_candidate) {
        sniffer_tail_push(s, p, len);
    }

    /* A PDF is decided by its head; text no longer matters. */
    if (sniffer_is_pdf(s))
        s->text_possible = false;
    if (s->text_possible &&
        (memchr(p, 0, len) != NULL || !cv_utf8_stream_feed(&s->text, p, len)))
        s->text_possible = false;

    s->total_bytes += len;
    return CV_OK;
}

/* ---- Sniffer: deciding ------------------------------------------------- */

static uint16_t rd16(const unsigned char *p)
{
    return (uint16_t)(p[0] | (p[1] << 8));
}

static uint32_t rd32(const unsigned char *p)
{
    return (uint32_t)p[0] | ((uint32_t)p[1] << 8) | ((uint32_t)p[2] << 16) |
           ((uint32_t)p[3] << 24);
}

static void reverse_bytes(unsigned char *p, size_t n)
{
    size_t i;
    unsigned char c;

    for (i = 0; i < n / 2; i++) {
        c = p[i];
        p[i] = p[n - 1 - i];
        p[n - 1 - i] = c;
    }
}

/* Turn the ring into a plain array of tail_len bytes, oldest first. */
static void sniffer_tail_linearize(struct filetype_sniffer *s)
{
    if (s->tail_len < FILETYPE_TAIL_BYTES || s->tail_pos == 0)
        return;   /* never wrapped, or wrapped exactly: already in order */
    reverse_bytes(s->tail, s->tail_pos);
    reverse_bytes(s->tail + s->tail_pos, FILETYPE_TAIL_BYTES - s->tail_pos);
    reverse_bytes(s->tail, FILETYPE_TAIL_BYTES);
    s->tail_pos = 0;
}

/*
 * Whether the archive whose last tlen bytes are t (total bytes in all) has
 * a central directory entry named exactly "word/document.xml". On false,
 * *why says why, for the client. Bounded: one EOCD candidate (the last
 * one whose comment reaches the end of the file), at most
 * FILETYPE_ZIP_MAX_ENTRIES entries, every read inside the directory.
 */
static bool zip_is_docx(const unsigned char *t, size_t tlen, uint64_t total, const char **why)
{
    static const char main_part[] = FILETYPE_DOCX_MAIN_PART;
    const size_t main_len = sizeof(main_part) - 1;
    uint64_t tail_start = total - tlen, eocd_at;
    size_t idx = 0, back, pos, end, i;
    uint32_t cd_size, cd_offset;
    uint16_t entries;
    bool found_eocd = false, found_part = false;

    *why = "a ZIP archive that is damaged or truncated";
    if (tlen < FILETYPE_ZIP_EOCD_BYTES)
        return false;
    for (back = 0; back <= FILETYPE_ZIP_COMMENT_MAX_BYTES &&
                   back <= tlen - FILETYPE_ZIP_EOCD_BYTES; back++) {
        idx = tlen - FILETYPE_ZIP_EOCD_BYTES - back;
        if (rd32(t + idx) == FILETYPE_ZIP_EOCD_SIG && rd16(t + idx + 20) == back) {
            found_eocd = true;
            break;
        }
    }
    if (!found_eocd)
        return false;

    entries = rd16(t + idx + 10);
    cd_size = rd32(t + idx + 12);
    cd_offset = rd32(t + idx + 16);
    if (entries == 0xFFFF || cd_size == 0xFFFFFFFFu || cd_offset == 0xFFFFFFFFu) {
        *why = "a ZIP64 archive, which is not supported";
        return false;
    }
    if (rd16(t + idx + 4) != 0 || rd16(t + idx + 6) != 0 || rd16(t + idx + 8) != entries) {
        *why = "a split ZIP archive, which is not supported";
        return false;
    }
    eocd_at = tail_start + idx;
    if ((uint64_t)cd_offset + cd_size > eocd_at)
        return false;   /* directory overlaps its own end record: damaged */
    if (cd_offset < tail_start || entries > FILETYPE_ZIP_MAX_ENTRIES) {
        *why = "a ZIP archive with too many entries to check";
        return false;
    }

    pos = (size_t)(cd_offset - tail_start);
    end = pos + cd_size;
    for (i = 0; i < entries; i++) {
        size_t name_len, entry_len;

        if (end - pos < FILETYPE_ZIP_CDIR_ENTRY_BYTES || rd32(t + pos) != FILETYPE_ZIP_CDIR_SIG)
            return false;
        name_len = rd16(t + pos + 28);
        entry_len = FILETYPE_ZIP_CDIR_ENTRY_BYTES + name_len + rd16(t + pos + 30) +
                    rd16(t + pos + 32);
        if (entry_len > end - pos)
            return false;
        if (name_len == main_len &&
            memcmp(t + pos + FILETYPE_ZIP_CDIR_ENTRY_BYTES, main_part, main_len) == 0)
            found_part = true;
        pos += entry_len;
    }
    if (!found_part)
        *why = "a ZIP archive that is not a Word document";
    return found_part;
}

enum cv_status filetype_sniffer_finish(struct filetype_sniffer *s, enum cv_file_type *type,
                                       struct cv_error *err)
{
    const char *why = NULL;

    *type = CV_FILE_UNKNOWN;
    if (s->finished)
        return cv_error_set(err, CV_ERR_INTERNAL, "filetype: finish called twice");
    s->finished = true;
    if (s->failed != CV_OK) {
        filetype_sniffer_free(s);
        return cv_error_set(err, s->failed, "filetype: an earlier feed failed (%s)",
                            cv_status_name(s->failed));
    }
    if (s->total_bytes == 0) {
        (void)cv_error_set(err, CV_ERR_INVALID, "the file is empty");
        cv_error_add_field(err, "cv", "the file is empty");
        return CV_ERR_INVALID;
    }

    if (sniffer_is_pdf(s)) {
        *type = CV_FILE_PDF;
    } else if (s->zip_candidate) {
        sniffer_tail_linearize(s);
        if (zip_is_docx(s->tail, s->tail_len, s->total_bytes, &why))
            *type = CV_FILE_DOCX;
    }
    /* A ZIP is (nearly) never valid NUL-free UTF-8, but if it is, the
     * text rule applies to it like to any other file. */
    if (*type == CV_FILE_UNKNOWN && s->text_possible && cv_utf8_stream_finish(&s->text)) {
        *type = CV_FILE_TEXT;
        why = NULL;
    }
    filetype_sniffer_free(s);
    if (*type != CV_FILE_UNKNOWN)
        return CV_OK;
    if (why != NULL)
        return cv_error_set(err, CV_ERR_UNSUPPORTED_FILE_TYPE,
                            "unsupported file type (%s): " FILETYPE_ACCEPTED, why);
    return cv_error_set(err, CV_ERR_UNSUPPORTED_FILE_TYPE,
                        "unsupported file type: " FILETYPE_ACCEPTED);
}

/* ---- Display name ------------------------------------------------------ */

/* Code point of the valid sequence of len bytes at s. */
static uint32_t utf8_decode(const unsigned char *s, size_t len)
{
    static const unsigned char lead_mask[CV_UTF8_SEQ_MAX_BYTES + 1] = {0, 0x7F, 0x1F, 0x0F, 0x07};
    uint32_t cp = s[0] & lead_mask[len];
    size_t i;

    for (i = 1; i < len; i++)
        cp = (cp << 6) | (s[i] & 0x3Fu);
    return cp;
}

/* Characters dropped from a display name: C0, DEL, C1, and the invisible
 * direction and line controls (LRM, RLM, LS, PS, LRE..RLO, LRI..PDI). */
static bool name_char_dropped(uint32_t cp)
{
    return cp < 0x20 || (cp >= 0x7F && cp <= 0x9F) || cp == 0x200E || cp == 0x200F ||
           cp == 0x2028 || cp == 0x2029 || (cp >= 0x202A && cp <= 0x202E) ||
           (cp >= 0x2066 && cp <= 0x2069);
}

enum cv_status filetype_display_name(const char *raw, size_t len, enum cv_file_type type,
                                     char *out, size_t out_size, struct cv_error *err)
{
    static const unsigned char replacement[] = "\xEF\xBF\xBD";   /* U+FFFD */
    const unsigned char *s = (const unsigned char *)raw;
    size_t i, start = 0, n = 0;

    if (out == NULL || out_size < FILETYPE_DISPLAY_NAME_MAX_BYTES + 1 ||
        (raw == NULL && len > 0))
        return cv_error_set(err, CV_ERR_INTERNAL,
                            "filetype_display_name: bad arguments (out_size %zu, len %zu)",
                            out_size, len);

    /* Base name: after the last separator of either convention. Neither
     * byte can occur inside a multi-byte UTF-8 sequence. */
    for (i = 0; i < len; i++)
        if (s[i] == '/' || s[i] == '\\')
            start = i + 1;

    for (i = start; i < len;) {
        const unsigned char *seq = s + i;
        size_t seq_len = cv_utf8_seq_len(seq, len - i);

        if (seq_len == 0) {
            seq = replacement;
            seq_len = sizeof(replacement) - 1;
            i++;
        } else {
            i += seq_len;
            if (name_char_dropped(utf8_decode(seq, seq_len)))
                continue;
        }
        if (n == 0 && (seq[0] == ' ' || seq[0] == '.'))
            continue;   /* leading trim */
        if (seq_len > FILETYPE_DISPLAY_NAME_MAX_BYTES - n)
            break;      /* cap, on a code point boundary */
        memcpy(out + n, seq, seq_len);
        n += seq_len;
    }
    while (n > 0 && (out[n - 1] == ' ' || out[n - 1] == '.'))
        n--;            /* trailing trim */
    out[n] = '\0';

    if (n == 0) {
        const char *ext = filetype_extension(type);
        int w = snprintf(out, out_size, "cv%s%s", ext[0] != '\0' ? "." : "", ext);

        if (w < 0 || (size_t)w >= out_size)
            return cv_error_set(err, CV_ERR_INTERNAL, "filetype_display_name: fallback cut");
    }
    return CV_OK;
}

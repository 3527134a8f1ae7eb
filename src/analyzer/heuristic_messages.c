/*
 * heuristic_messages.c - the list of the offline analyzer's languages and
 * lookups into their message tables (see heuristic_messages.h).
 */
#include "heuristic_messages.h"

const struct hz_language *const hz_languages[] = { &hz_language_en, &hz_language_fr };
const size_t hz_languages_count = sizeof(hz_languages) / sizeof(hz_languages[0]);

static char hz_lower(char c)
{
    return c >= 'A' && c <= 'Z' ? (char)(c - 'A' + 'a') : c;
}

const struct hz_language *hz_language_by_code(const char *code)
{
    size_t k;

    if (code == NULL || code[0] == '\0')
        return NULL;
    for (k = 0; k < hz_languages_count; k++)
        if (hz_lower(code[0]) == hz_languages[k]->code[0] &&
            hz_lower(code[1]) == hz_languages[k]->code[1])
            return hz_languages[k];
    return NULL;
}

const struct hz_language *hz_language_of(enum text_lang lang)
{
    return lang == TEXT_LANG_FR ? &hz_language_fr : &hz_language_en;
}

const char *hz_msg(const struct hz_language *lang, enum hz_msg id)
{
    return lang->msg[id];
}

const char *hz_section_name(enum cv_section_kind kind, const struct hz_language *lang)
{
    static const enum hz_msg names[CV_SECTION_KIND_COUNT] = {
        [CV_SECTION_SUMMARY] = HZ_MSG_SECTION_SUMMARY,
        [CV_SECTION_EXPERIENCE] = HZ_MSG_SECTION_EXPERIENCE,
        [CV_SECTION_EDUCATION] = HZ_MSG_SECTION_EDUCATION,
        [CV_SECTION_SKILLS] = HZ_MSG_SECTION_SKILLS,
        [CV_SECTION_LANGUAGES] = HZ_MSG_SECTION_LANGUAGES,
        [CV_SECTION_CERTIFICATIONS] = HZ_MSG_SECTION_CERTIFICATIONS,
        [CV_SECTION_PROJECTS] = HZ_MSG_SECTION_PROJECTS,
        [CV_SECTION_INTERESTS] = HZ_MSG_SECTION_INTERESTS,
    };

    if ((unsigned)kind < CV_SECTION_KIND_COUNT && names[kind] != HZ_MSG_NONE)
        return hz_msg(lang, names[kind]);
    return hz_msg(lang, HZ_MSG_SECTION_OTHER);
}

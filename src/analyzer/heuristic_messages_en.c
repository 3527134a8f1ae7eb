/*
 * heuristic_messages_en.c - the offline analyzer's texts in English (see
 * heuristic_messages.h for the placeholders' rule, heuristic_rules.h for
 * their names).
 */
#include "heuristic_messages.h"

const struct hz_language hz_language_en = {
    .code = "en",
    .msg = {
        [HZ_MSG_AND] = " and ",
        [HZ_MSG_EMAIL] = "email",
        [HZ_MSG_PHONE] = "phone",
        [HZ_MSG_SECTION_SUMMARY] = "Summary",
        [HZ_MSG_SECTION_EXPERIENCE] = "Experience",
        [HZ_MSG_SECTION_EDUCATION] = "Education",
        [HZ_MSG_SECTION_SKILLS] = "Skills",
        [HZ_MSG_SECTION_LANGUAGES] = "Languages",
        [HZ_MSG_SECTION_CERTIFICATIONS] = "Certifications",
        [HZ_MSG_SECTION_PROJECTS] = "Projects",
        [HZ_MSG_SECTION_INTERESTS] = "Interests",
        [HZ_MSG_SECTION_OTHER] = "Additional information",

        [HZ_MSG_S_ALL_SECTIONS] = "Clear structure: contact details, summary, experience, "
                                  "education and skills sections are all present",
        [HZ_MSG_S_CORE_SECTIONS] = "Standard Experience, Education and Skills sections make "
                                   "the CV easy to scan",
        [HZ_MSG_S_QUANTIFIED] = "{quantified} achievements are backed by figures "
                                "(e.g. \"{example}\")",
        [HZ_MSG_S_VERBS] = "{verb_lines} of {candidates} bullet points start with an action verb",
        [HZ_MSG_S_JD_KEYWORDS] = "Matches {kw_found} of {kw_total} job-description keywords "
                                 "({found})",
        [HZ_MSG_S_SKILLS_NAMED] = "Names {found_count} recognisable skills ({found})",
        [HZ_MSG_S_CONTACT] = "Contact details are easy to find ({contact})",
        [HZ_MSG_S_DATED] = "Positions are dated ({first_year}-{last_year}) with no gap of more "
                           "than a year",
        [HZ_MSG_S_LENGTH] = "Appropriate length ({words} words)",
        [HZ_MSG_S_ATS] = "ATS-friendly layout: no tables, columns, decorative symbols or "
                         "personal data",

        [HZ_MSG_W_NO_CONTACT] = "No email address or phone number found",
        [HZ_MSG_W_SECTIONS] = "Missing standard sections: {sections}",
        [HZ_MSG_W_JD_KEYWORDS_POOR] = "Only {kw_found} of {kw_total} job-description keywords "
                                      "appear; missing: {missing}",
        [HZ_MSG_W_JD_KEYWORDS_MISSING] = "Job-description keywords not found in the CV: "
                                         "{missing}",
        [HZ_MSG_W_ROLE_SKILLS] = "Skills usually expected for the role of {role} are not "
                                 "mentioned: {missing}",
        [HZ_MSG_W_TABLE] = "Tables drawn with '|' are often scrambled by ATS parsers",
        [HZ_MSG_W_SYMBOLS] = "{symbols} decorative symbols or emoji (such as ★ or ➤) can "
                             "confuse ATS",
        [HZ_MSG_W_PERSONAL] = "Contains personal data (date of birth, photo, marital status or "
                              "nationality)",
        [HZ_MSG_W_NO_QUANTIFIED] = "No quantified achievements: results are not backed by "
                                   "figures",
        [HZ_MSG_W_FEW_QUANTIFIED] = "Only {quantified} achievement(s) backed by figures",
        [HZ_MSG_W_VERBS] = "Only {verb_lines} of {candidates} bullet points start with an "
                           "action verb",
        [HZ_MSG_W_PARAGRAPHS] = "Experience is written as paragraphs, without bullet points",
        [HZ_MSG_W_GAP] = "Unexplained gap of {gap_months} months between {gap_from} and "
                         "{gap_to}",
        [HZ_MSG_W_NO_DATES] = "No dates found for your positions",
        [HZ_MSG_W_SHORT] = "Too short ({words} words) to show your experience",
        [HZ_MSG_W_LONG] = "Too long ({words} words) for a CV",
        [HZ_MSG_W_COLUMNS] = "Text laid out in columns (tabs or runs of spaces) may be read out "
                             "of order",
        [HZ_MSG_W_LONG_LINES] = "Very long lines or paragraphs are hard to scan",
        [HZ_MSG_W_CAPS] = "Several lines are written in ALL CAPS",
        [HZ_MSG_W_PAGES] = "Page numbers or headers/footers (\"Page 1 of 2\") are mixed into "
                           "the text",

        [HZ_MSG_DO_CONTACT] = "Add your email address and phone number at the top of the CV",
        [HZ_MSG_DO_EXPERIENCE] = "Add an Experience section: one entry per position with "
                                 "employer, title, dates and 3-5 bullet points",
        [HZ_MSG_DO_SKILLS_MISSING] = "Add a Skills section listing: {missing} (only those you "
                                     "really have)",
        [HZ_MSG_DO_KEYWORDS_MISSING] = "If you have them, add these keywords to your Skills "
                                       "section and experience bullets: {missing}",
        [HZ_MSG_DO_SKILLS_FOUND] = "Add a Skills section listing your main tools (e.g. "
                                   "{found})",
        [HZ_MSG_DO_SKILLS] = "Add a Skills section listing your main tools and technologies",
        [HZ_MSG_DO_QUANTIFY] = "Quantify results in your experience bullets, e.g. 'reduced "
                               "deploy time by 40%' or 'led a team of 8'",
        [HZ_MSG_DO_GAP] = "Explain the gap between {gap_from} and {gap_to} (studies, freelance "
                          "work, career break or personal project)",
        [HZ_MSG_DO_ONE_COLUMN] = "Replace tables and columns with plain single-column text",
        [HZ_MSG_DO_SYMBOLS] = "Replace decorative symbols and emoji with plain \"-\" bullets",
        [HZ_MSG_DO_VERBS] = "Start each bullet with an action verb such as led, built, "
                            "designed, reduced or delivered",
        [HZ_MSG_DO_BULLETS] = "Describe each position in 3-5 bullet points starting with "
                              "\"- \"",
        [HZ_MSG_DO_PERSONAL] = "Remove personal data such as date of birth, photo, marital "
                               "status or nationality",
        [HZ_MSG_DO_SUMMARY] = "Add a Summary at the top: 2-3 lines on your role, years of "
                              "experience and key skills",
        [HZ_MSG_DO_EDUCATION] = "Add an Education section with degrees, schools and years",
        [HZ_MSG_DO_DATES] = "Add start and end dates (month and year) to every position",
        [HZ_MSG_DO_EXPAND] = "Expand the CV to at least 300 words: describe responsibilities "
                             "and results for each position",
        [HZ_MSG_DO_SHORTEN] = "Shorten the CV to 1-2 pages (under 1,000 words): keep the last "
                              "10-15 years and the most relevant roles",
        [HZ_MSG_DO_LONG_LINES] = "Break long paragraphs into short bullet points",
        [HZ_MSG_DO_CAPS] = "Write body text in sentence case rather than ALL CAPS",
        [HZ_MSG_DO_PAGES] = "Remove page numbers and headers/footers such as \"Page 1 of 2\"",
        [HZ_MSG_DO_LINKEDIN] = "Add the URL of your LinkedIn profile next to your contact "
                               "details",
        [HZ_MSG_DO_TAILOR] = "Name the job offer's keywords you already master ({found}) in "
                             "your summary, the first lines a recruiter reads",
        [HZ_MSG_DO_JOB_OFFER] = "Paste the job offer you are applying to: the analysis then "
                                "compares its keywords with your CV and lists the ones to add",
        [HZ_MSG_DO_TARGET_ROLE] = "Name the role you are aiming for: the analysis then checks "
                                  "the skills that role expects and shapes the rewrite for it",

        [HZ_MSG_SUM_SCORE] = "Score {score}/100.",
        [HZ_MSG_SUM_STRENGTHS] = " Strengths: ",
        [HZ_MSG_SUM_TO_IMPROVE] = " To improve: ",
        [HZ_MSG_SUM_NO_ISSUE] = " No major issue found",
        [HZ_MSG_UP_JD_KEYWORDS] = "{kw_found} of {kw_total} job keywords found",
        [HZ_MSG_UP_ALL_SECTIONS] = "all standard sections",
        [HZ_MSG_UP_QUANTIFIED] = "{quantified} quantified achievements",
        [HZ_MSG_UP_VERBS] = "action-oriented bullet points",
        [HZ_MSG_UP_ATS] = "an ATS-friendly layout",
        [HZ_MSG_DOWN_NO_CONTACT] = "no contact details",
        [HZ_MSG_DOWN_SECTIONS] = "missing sections ({sections})",
        [HZ_MSG_DOWN_ATS] = "ATS issues (ATS score {ats_score}/100)",
        [HZ_MSG_DOWN_JD_KEYWORDS] = "only {kw_found} of {kw_total} job keywords found",
        [HZ_MSG_DOWN_GAP] = "a gap between {gap_from} and {gap_to}",
        [HZ_MSG_DOWN_FEW_QUANTIFIED] = "few quantified results",
        [HZ_MSG_DOWN_SHORT] = "a very short CV ({words} words)",
        [HZ_MSG_DOWN_LONG] = "a very long CV ({words} words)",

        [HZ_MSG_MD_ROLE_AND_SKILLS] = "{role} with experience in {found}.",
        [HZ_MSG_MD_SKILLS] = "Experience in {found}.",
        [HZ_MSG_MD_ROLE] = "{role}.",
        [HZ_MSG_MD_NO_SUMMARY] = "Add 2-3 lines on your role, experience and key skills.",
        [HZ_MSG_MD_NO_EXPERIENCE] = "No experience found: add each position with employer, "
                                    "title, dates and results.",
        [HZ_MSG_MD_NO_EDUCATION] = "No education found: add your degrees, schools and years.",
        [HZ_MSG_MD_NO_SKILLS] = "No skills found: list your main tools and technologies.",
        [HZ_MSG_MD_MISSING_KEYWORDS] = "Missing keywords to consider (add only those you "
                                       "really have): {missing}",
        [HZ_MSG_MD_TOO_LONG] = "The CV was too long: its end is not included.",
    },
};

/*
 * heuristic_messages_fr.c - the offline analyzer's texts in French (see
 * heuristic_messages.h for the placeholders' rule, heuristic_rules.h for
 * their names).
 */
#include "heuristic_messages.h"

const struct hz_language hz_language_fr = {
    .code = "fr",
    .msg = {
        [HZ_MSG_AND] = " et ",
        [HZ_MSG_EMAIL] = "e-mail",
        [HZ_MSG_PHONE] = "téléphone",
        [HZ_MSG_SECTION_SUMMARY] = "Profil",
        [HZ_MSG_SECTION_EXPERIENCE] = "Expérience professionnelle",
        [HZ_MSG_SECTION_EDUCATION] = "Formation",
        [HZ_MSG_SECTION_SKILLS] = "Compétences",
        [HZ_MSG_SECTION_LANGUAGES] = "Langues",
        [HZ_MSG_SECTION_CERTIFICATIONS] = "Certifications",
        [HZ_MSG_SECTION_PROJECTS] = "Projets",
        [HZ_MSG_SECTION_INTERESTS] = "Centres d'intérêt",
        [HZ_MSG_SECTION_OTHER] = "Informations complémentaires",

        [HZ_MSG_S_ALL_SECTIONS] = "Structure claire : coordonnées, profil, expérience, "
                                  "formation et compétences sont toutes présentes",
        [HZ_MSG_S_CORE_SECTIONS] = "Les sections Expérience, Formation et Compétences rendent "
                                   "le CV facile à lire",
        [HZ_MSG_S_QUANTIFIED] = "{quantified} réalisations sont chiffrées (ex. « {example} »)",
        [HZ_MSG_S_VERBS] = "{verb_lines} puces sur {candidates} commencent par un verbe "
                           "d'action",
        [HZ_MSG_S_JD_KEYWORDS] = "Contient {kw_found} mots-clés de l'offre sur {kw_total} "
                                 "({found})",
        [HZ_MSG_S_SKILLS_NAMED] = "Cite {found_count} compétences identifiables ({found})",
        [HZ_MSG_S_CONTACT] = "Coordonnées faciles à trouver ({contact})",
        [HZ_MSG_S_DATED] = "Parcours daté ({first_year}-{last_year}) sans interruption de plus "
                           "d'un an",
        [HZ_MSG_S_LENGTH] = "Longueur adaptée ({words} mots)",
        [HZ_MSG_S_ATS] = "Mise en page compatible ATS : ni tableaux, ni colonnes, ni symboles "
                         "décoratifs, ni données personnelles",

        [HZ_MSG_W_NO_CONTACT] = "Aucune adresse e-mail ni numéro de téléphone trouvé",
        [HZ_MSG_W_SECTIONS] = "Sections standard manquantes : {sections}",
        [HZ_MSG_W_JD_KEYWORDS_POOR] = "Seulement {kw_found} mots-clés de l'offre sur "
                                      "{kw_total} ; manquants : {missing}",
        [HZ_MSG_W_JD_KEYWORDS_MISSING] = "Mots-clés de l'offre absents du CV : {missing}",
        [HZ_MSG_W_ROLE_SKILLS] = "Compétences attendues pour le poste de {role} non "
                                 "mentionnées : {missing}",
        [HZ_MSG_W_TABLE] = "Les tableaux dessinés avec « | » sont souvent mal lus par les ATS",
        [HZ_MSG_W_SYMBOLS] = "{symbols} symboles décoratifs ou emoji (comme ★ ou ➤) peuvent "
                             "gêner les ATS",
        [HZ_MSG_W_PERSONAL] = "Contient des données personnelles (date de naissance, photo, "
                              "situation familiale ou nationalité)",
        [HZ_MSG_W_NO_QUANTIFIED] = "Aucune réalisation chiffrée : les résultats ne sont étayés "
                                   "par aucun chiffre",
        [HZ_MSG_W_FEW_QUANTIFIED] = "Seulement {quantified} réalisation(s) chiffrée(s)",
        [HZ_MSG_W_VERBS] = "Seulement {verb_lines} puces sur {candidates} commencent par un "
                           "verbe d'action",
        [HZ_MSG_W_PARAGRAPHS] = "Expérience rédigée en paragraphes, sans puces",
        [HZ_MSG_W_GAP] = "Interruption de {gap_months} mois non expliquée entre {gap_from} et "
                         "{gap_to}",
        [HZ_MSG_W_NO_DATES] = "Aucune date trouvée pour vos postes",
        [HZ_MSG_W_SHORT] = "Trop court ({words} mots) pour montrer votre expérience",
        [HZ_MSG_W_LONG] = "Trop long ({words} mots) pour un CV",
        [HZ_MSG_W_COLUMNS] = "Texte en colonnes (tabulations ou espaces) risquant d'être lu "
                             "dans le désordre",
        [HZ_MSG_W_LONG_LINES] = "Lignes ou paragraphes très longs, difficiles à parcourir",
        [HZ_MSG_W_CAPS] = "Plusieurs lignes sont écrites en MAJUSCULES",
        [HZ_MSG_W_PAGES] = "Numéros de page ou en-têtes/pieds de page (« Page 1 sur 2 ») mêlés "
                           "au texte",

        [HZ_MSG_DO_CONTACT] = "Ajoutez votre adresse e-mail et votre numéro de téléphone en "
                              "haut du CV",
        [HZ_MSG_DO_EXPERIENCE] = "Ajoutez une section Expérience professionnelle : un bloc par "
                                 "poste avec employeur, intitulé, dates et 3 à 5 puces",
        [HZ_MSG_DO_SKILLS_MISSING] = "Ajoutez une section Compétences listant : {missing} "
                                     "(seulement celles que vous maîtrisez)",
        [HZ_MSG_DO_KEYWORDS_MISSING] = "Si vous les maîtrisez, ajoutez ces mots-clés à vos "
                                       "compétences et à vos expériences : {missing}",
        [HZ_MSG_DO_SKILLS_FOUND] = "Ajoutez une section Compétences listant vos principaux "
                                   "outils (ex. {found})",
        [HZ_MSG_DO_SKILLS] = "Ajoutez une section Compétences listant vos principaux outils",
        [HZ_MSG_DO_QUANTIFY] = "Chiffrez vos résultats dans vos expériences, ex. « réduit les "
                               "coûts de 20 % » ou « encadré une équipe de 8 personnes »",
        [HZ_MSG_DO_GAP] = "Expliquez l'interruption entre {gap_from} et {gap_to} (formation, "
                          "freelance, pause de carrière ou projet personnel)",
        [HZ_MSG_DO_ONE_COLUMN] = "Remplacez tableaux et colonnes par du texte simple sur une "
                                 "colonne",
        [HZ_MSG_DO_SYMBOLS] = "Remplacez symboles décoratifs et emoji par de simples puces "
                              "« - »",
        [HZ_MSG_DO_VERBS] = "Commencez chaque puce par un verbe d'action : dirigé, conçu, "
                            "développé, piloté, réduit, mis en place",
        [HZ_MSG_DO_BULLETS] = "Présentez chaque poste en 3 à 5 puces commençant par « - »",
        [HZ_MSG_DO_PERSONAL] = "Retirez les données personnelles : date de naissance, photo, "
                               "situation familiale, nationalité",
        [HZ_MSG_DO_SUMMARY] = "Ajoutez un Profil en tête : 2 à 3 lignes sur votre métier, vos "
                              "années d'expérience et vos compétences clés",
        [HZ_MSG_DO_EDUCATION] = "Ajoutez une section Formation avec diplômes, établissements "
                                "et années",
        [HZ_MSG_DO_DATES] = "Indiquez les dates de début et de fin (mois et année) de chaque "
                            "poste",
        [HZ_MSG_DO_EXPAND] = "Étoffez le CV (au moins 300 mots) : décrivez missions et "
                             "résultats pour chaque poste",
        [HZ_MSG_DO_SHORTEN] = "Réduisez le CV à 1 ou 2 pages (moins de 1 000 mots) : gardez "
                              "les 10 à 15 dernières années et les postes les plus pertinents",
        [HZ_MSG_DO_LONG_LINES] = "Découpez les longs paragraphes en puces courtes",
        [HZ_MSG_DO_CAPS] = "Écrivez le texte en minuscules plutôt qu'en MAJUSCULES",
        [HZ_MSG_DO_PAGES] = "Supprimez numéros de page et en-têtes/pieds de page (« Page 1 sur "
                            "2 »)",
        [HZ_MSG_DO_LINKEDIN] = "Ajoutez l'URL de votre profil LinkedIn à vos coordonnées",
        [HZ_MSG_DO_TAILOR] = "Reprenez dans votre profil les mots-clés de l'offre que vous "
                             "maîtrisez déjà ({found}) : ce sont les premières lignes qu'un "
                             "recruteur lit",
        [HZ_MSG_DO_JOB_OFFER] = "Collez l'offre d'emploi visée : l'analyse comparera ses "
                                "mots-clés avec votre CV et listera ceux à ajouter",
        [HZ_MSG_DO_TARGET_ROLE] = "Indiquez le poste visé : l'analyse vérifiera les compétences "
                                  "qu'il demande et orientera la réécriture vers lui",

        [HZ_MSG_SUM_SCORE] = "Score de {score}/100.",
        [HZ_MSG_SUM_STRENGTHS] = " Points forts : ",
        [HZ_MSG_SUM_TO_IMPROVE] = " À améliorer : ",
        [HZ_MSG_SUM_NO_ISSUE] = " Aucun problème majeur détecté",
        [HZ_MSG_UP_JD_KEYWORDS] = "{kw_found} mots-clés de l'offre sur {kw_total}",
        [HZ_MSG_UP_ALL_SECTIONS] = "toutes les sections standard",
        [HZ_MSG_UP_QUANTIFIED] = "{quantified} réalisations chiffrées",
        [HZ_MSG_UP_VERBS] = "des puces orientées action",
        [HZ_MSG_UP_ATS] = "une mise en page compatible ATS",
        [HZ_MSG_DOWN_NO_CONTACT] = "pas de coordonnées",
        [HZ_MSG_DOWN_SECTIONS] = "des sections manquantes ({sections})",
        [HZ_MSG_DOWN_ATS] = "des problèmes ATS (score ATS {ats_score}/100)",
        [HZ_MSG_DOWN_JD_KEYWORDS] = "seulement {kw_found} mots-clés de l'offre sur {kw_total}",
        [HZ_MSG_DOWN_GAP] = "une interruption entre {gap_from} et {gap_to}",
        [HZ_MSG_DOWN_FEW_QUANTIFIED] = "peu de résultats chiffrés",
        [HZ_MSG_DOWN_SHORT] = "un CV très court ({words} mots)",
        [HZ_MSG_DOWN_LONG] = "un CV très long ({words} mots)",

        [HZ_MSG_MD_ROLE_AND_SKILLS] = "{role} - expérience en {found}.",
        [HZ_MSG_MD_SKILLS] = "Expérience en {found}.",
        [HZ_MSG_MD_ROLE] = "{role}.",
        [HZ_MSG_MD_NO_SUMMARY] = "Ajoutez 2 à 3 lignes sur votre métier, votre expérience et "
                                 "vos compétences clés.",
        [HZ_MSG_MD_NO_EXPERIENCE] = "Aucune expérience trouvée : ajoutez chaque poste avec "
                                    "employeur, intitulé, dates et résultats.",
        [HZ_MSG_MD_NO_EDUCATION] = "Aucune formation trouvée : ajoutez vos diplômes, "
                                   "établissements et années.",
        [HZ_MSG_MD_NO_SKILLS] = "Aucune compétence trouvée : listez vos principaux outils.",
        [HZ_MSG_MD_MISSING_KEYWORDS] = "Mots-clés manquants à envisager (n'ajoutez que ceux que "
                                       "vous maîtrisez) : {missing}",
        [HZ_MSG_MD_TOO_LONG] = "Le CV était trop long : sa fin n'est pas reprise.",
    },
};

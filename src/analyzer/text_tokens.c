/*
 * text_tokens.c - folding, tokens, stopwords, skills and keyword matching
 * for the offline analyzer (see text_tokens.h).
 *
 * The word tables below are sorted by their folded form in byte order
 * (strcmp), because lookups are binary searches; text_tokens_tables_ok
 * checks it, and the unit test calls it. Keep them sorted when editing.
 */
#include "text_tokens.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "utf8.h"

/* ---- Tables ---- */

#define TT_EN 1u
#define TT_FR 2u

struct tt_stopword {
    const char *word;
    unsigned langs;   /* TT_EN, TT_FR or both */
};

/* Function words of English and French, folded; single letters are what
 * elisions leave ("l'", "d'", "it's"). */
static const struct tt_stopword tt_stopwords[] = {
    { "a", TT_EN | TT_FR }, { "about", TT_EN }, { "above", TT_EN }, { "afin", TT_FR },
    { "after", TT_EN }, { "again", TT_EN }, { "against", TT_EN }, { "ai", TT_FR },
    { "aie", TT_FR }, { "ainsi", TT_FR }, { "all", TT_EN }, { "alors", TT_FR },
    { "also", TT_EN }, { "am", TT_EN }, { "an", TT_EN }, { "and", TT_EN }, { "any", TT_EN },
    { "are", TT_EN }, { "as", TT_EN }, { "at", TT_EN }, { "au", TT_FR }, { "aucun", TT_FR },
    { "aussi", TT_FR }, { "autre", TT_FR }, { "autres", TT_FR }, { "aux", TT_FR },
    { "avec", TT_FR }, { "avoir", TT_FR }, { "avons", TT_FR }, { "be", TT_EN },
    { "because", TT_EN }, { "been", TT_EN }, { "before", TT_EN }, { "being", TT_EN },
    { "below", TT_EN }, { "between", TT_EN }, { "both", TT_EN }, { "but", TT_EN },
    { "by", TT_EN }, { "c", TT_FR }, { "ca", TT_FR }, { "can", TT_EN }, { "car", TT_FR },
    { "ce", TT_FR }, { "cela", TT_FR }, { "celle", TT_FR }, { "celles", TT_FR },
    { "celui", TT_FR }, { "ces", TT_FR }, { "cet", TT_FR }, { "cette", TT_FR },
    { "ceux", TT_FR }, { "chaque", TT_FR }, { "chez", TT_FR }, { "comme", TT_FR },
    { "could", TT_EN }, { "d", TT_EN | TT_FR }, { "dans", TT_FR }, { "de", TT_FR },
    { "des", TT_FR }, { "did", TT_EN }, { "do", TT_EN }, { "does", TT_EN }, { "doing", TT_EN },
    { "donc", TT_FR }, { "dont", TT_FR }, { "down", TT_EN }, { "du", TT_FR },
    { "during", TT_EN }, { "each", TT_EN }, { "elle", TT_FR }, { "elles", TT_FR },
    { "en", TT_FR }, { "encore", TT_FR }, { "entre", TT_FR }, { "est", TT_FR },
    { "et", TT_FR }, { "etaient", TT_FR }, { "etait", TT_FR }, { "etc", TT_EN | TT_FR },
    { "ete", TT_FR }, { "etre", TT_FR }, { "eu", TT_FR }, { "eux", TT_FR }, { "few", TT_EN },
    { "for", TT_EN }, { "from", TT_EN }, { "further", TT_EN }, { "had", TT_EN },
    { "has", TT_EN }, { "have", TT_EN }, { "having", TT_EN }, { "he", TT_EN },
    { "her", TT_EN }, { "here", TT_EN }, { "hers", TT_EN }, { "herself", TT_EN },
    { "him", TT_EN }, { "himself", TT_EN }, { "his", TT_EN }, { "how", TT_EN }, { "i", TT_EN },
    { "if", TT_EN }, { "il", TT_FR }, { "ils", TT_FR }, { "in", TT_EN }, { "into", TT_EN },
    { "is", TT_EN }, { "it", TT_EN }, { "its", TT_EN }, { "itself", TT_EN }, { "j", TT_FR },
    { "je", TT_FR }, { "just", TT_EN }, { "l", TT_FR }, { "la", TT_FR }, { "le", TT_FR },
    { "les", TT_FR }, { "leur", TT_FR }, { "leurs", TT_FR }, { "ll", TT_EN },
    { "lors", TT_FR }, { "lui", TT_FR }, { "m", TT_EN | TT_FR }, { "ma", TT_FR },
    { "mais", TT_FR }, { "me", TT_EN | TT_FR }, { "meme", TT_FR }, { "mes", TT_FR },
    { "moi", TT_FR }, { "mon", TT_FR }, { "more", TT_EN }, { "most", TT_EN }, { "my", TT_EN },
    { "myself", TT_EN }, { "n", TT_FR }, { "ne", TT_FR }, { "ni", TT_FR }, { "no", TT_EN },
    { "nor", TT_EN }, { "nos", TT_FR }, { "not", TT_EN }, { "notre", TT_FR },
    { "nous", TT_FR }, { "of", TT_EN }, { "off", TT_EN }, { "on", TT_EN | TT_FR },
    { "once", TT_EN }, { "only", TT_EN }, { "ont", TT_FR }, { "or", TT_EN },
    { "other", TT_EN }, { "ou", TT_FR }, { "our", TT_EN }, { "ours", TT_EN },
    { "ourselves", TT_EN }, { "out", TT_EN }, { "over", TT_EN }, { "own", TT_EN },
    { "par", TT_FR }, { "parmi", TT_FR }, { "pas", TT_FR }, { "per", TT_EN }, { "peu", TT_FR },
    { "plus", TT_FR }, { "pour", TT_FR }, { "qu", TT_FR }, { "quand", TT_FR },
    { "que", TT_FR }, { "quel", TT_FR }, { "quelle", TT_FR }, { "quelles", TT_FR },
    { "quels", TT_FR }, { "qui", TT_FR }, { "re", TT_EN }, { "s", TT_EN | TT_FR },
    { "sa", TT_FR }, { "same", TT_EN }, { "sans", TT_FR }, { "se", TT_FR }, { "selon", TT_FR },
    { "ses", TT_FR }, { "she", TT_EN }, { "should", TT_EN }, { "si", TT_FR }, { "so", TT_EN },
    { "soi", TT_FR }, { "some", TT_EN }, { "son", TT_FR }, { "sont", TT_FR },
    { "sous", TT_FR }, { "such", TT_EN }, { "suis", TT_FR }, { "sur", TT_FR },
    { "t", TT_EN | TT_FR }, { "ta", TT_FR }, { "te", TT_FR }, { "tes", TT_FR },
    { "than", TT_EN }, { "that", TT_EN }, { "the", TT_EN }, { "their", TT_EN },
    { "theirs", TT_EN }, { "them", TT_EN }, { "themselves", TT_EN }, { "then", TT_EN },
    { "there", TT_EN }, { "these", TT_EN }, { "they", TT_EN }, { "this", TT_EN },
    { "those", TT_EN }, { "through", TT_EN }, { "to", TT_EN }, { "toi", TT_FR },
    { "ton", TT_FR }, { "too", TT_EN }, { "tous", TT_FR }, { "tout", TT_FR },
    { "toute", TT_FR }, { "toutes", TT_FR }, { "tres", TT_FR }, { "tu", TT_FR },
    { "un", TT_FR }, { "under", TT_EN }, { "une", TT_FR }, { "unes", TT_FR }, { "uns", TT_FR },
    { "until", TT_EN }, { "up", TT_EN }, { "us", TT_EN }, { "ve", TT_EN }, { "very", TT_EN },
    { "via", TT_EN | TT_FR }, { "vos", TT_FR }, { "votre", TT_FR }, { "vous", TT_FR },
    { "was", TT_EN }, { "we", TT_EN }, { "were", TT_EN }, { "what", TT_EN }, { "when", TT_EN },
    { "where", TT_EN }, { "which", TT_EN }, { "while", TT_EN }, { "who", TT_EN },
    { "whom", TT_EN }, { "why", TT_EN }, { "will", TT_EN }, { "with", TT_EN },
    { "within", TT_EN }, { "would", TT_EN }, { "y", TT_FR }, { "you", TT_EN },
    { "your", TT_EN }, { "yours", TT_EN }, { "yourself", TT_EN }, { "yourselves", TT_EN },
};

/* Words every job advertisement uses that say nothing about the job:
 * never proposed as keywords on their own. */
static const char *const tt_filler[] = {
    "abilities", "ability", "able", "advantage", "annees", "ans", "apply", "approach", "asset",
    "atout", "autonome", "autonomie", "avantages", "background", "based", "benefits", "best",
    "bonne", "bonnes", "bonus", "build", "building", "cadre", "candidat", "candidate",
    "candidates", "capable", "capacite", "capacites", "cdd", "cdi", "client", "clients",
    "company", "competences", "competitive", "connaissance", "connaissances", "contexte",
    "contract", "contrat", "culture", "day", "days", "demonstrated", "description", "desired",
    "e.g", "environment", "environnement", "equipe", "equipes", "equivalent", "excellent",
    "experience", "experienced", "experiences", "expertise", "f/h", "familiar", "familiarity",
    "fort", "forte", "full", "good", "great", "growing", "growth", "h/f", "help", "helping",
    "highly", "hiring", "i.e", "ideal", "ideally", "including", "job", "join", "jour", "jours",
    "knowledge", "level", "looking", "maitrise", "maitriser", "minimum", "mission", "missions",
    "mois", "must", "new", "nice", "niveau", "offer", "offre", "opportunity", "part", "plus",
    "position", "poste", "preferred", "profil", "profile", "proven", "qualifications",
    "recherche", "recherchons", "rejoignez", "rejoindre", "remote", "required", "requirements",
    "requis", "responsabilites", "responsibilities", "role", "salaire", "salary", "sein",
    "semaine", "skills", "solid", "souhaite", "souhaitee", "strong", "team", "teams",
    "teletravail", "travail", "travailler", "understanding", "using", "want", "week", "well",
    "work", "working", "world", "www", "year", "years",
};

struct tt_skill {
    const char *folded;    /* tokens joined by one space */
    const char *display;
    bool cased;            /* also a common word: needs a capital to count */
};

/* Skills recognised by name, multi-word ones matched as phrases. */
static const struct tt_skill tt_skills[] = {
    { ".net", ".NET", false }, { "accounting", "Accounting", false },
    { "agile", "Agile", false }, { "airflow", "Airflow", false },
    { "analyse de donnees", "Analyse de données", false }, { "android", "Android", false },
    { "anglais", "Anglais", false }, { "angular", "Angular", false },
    { "ansible", "Ansible", false }, { "apache kafka", "Apache Kafka", false },
    { "apprentissage automatique", "Apprentissage automatique", false },
    { "asp.net", "ASP.NET", false }, { "autocad", "AutoCAD", false }, { "aws", "AWS", false },
    { "azure", "Azure", false }, { "bash", "Bash", false }, { "big data", "Big Data", false },
    { "bigquery", "BigQuery", false },
    { "business intelligence", "Business Intelligence", false }, { "c", "C", true },
    { "c#", "C#", false }, { "c++", "C++", false }, { "ci/cd", "CI/CD", false },
    { "comptabilite", "Comptabilité", false }, { "computer vision", "Computer Vision", false },
    { "confluence", "Confluence", false }, { "css", "CSS", false },
    { "cybersecurite", "Cybersécurité", false }, { "cybersecurity", "Cybersecurity", false },
    { "dart", "Dart", true }, { "data analysis", "Data Analysis", false },
    { "data engineering", "Data Engineering", false }, { "data science", "Data Science", false },
    { "data visualisation", "Data Visualisation", false },
    { "data visualization", "Data Visualization", false },
    { "deep learning", "Deep Learning", false },
    { "developpement logiciel", "Développement logiciel", false },
    { "developpement web", "Développement web", false }, { "devops", "DevOps", false },
    { "digital marketing", "Digital Marketing", false }, { "django", "Django", false },
    { "docker", "Docker", false }, { "elasticsearch", "Elasticsearch", false },
    { "english", "English", false }, { "etl", "ETL", false }, { "excel", "Excel", true },
    { "fastapi", "FastAPI", false }, { "figma", "Figma", false }, { "flask", "Flask", true },
    { "flutter", "Flutter", false }, { "gcp", "GCP", false },
    { "gestion de projet", "Gestion de projet", false }, { "git", "Git", false },
    { "gitlab", "GitLab", false }, { "go", "Go", true }, { "golang", "Golang", false },
    { "google analytics", "Google Analytics", false }, { "google cloud", "Google Cloud", false },
    { "google cloud platform", "Google Cloud Platform", false }, { "graphql", "GraphQL", false },
    { "hadoop", "Hadoop", false }, { "html", "HTML", false },
    { "illustrator", "Illustrator", false },
    { "intelligence artificielle", "Intelligence artificielle", false }, { "ios", "iOS", false },
    { "java", "Java", false }, { "javascript", "JavaScript", false },
    { "jenkins", "Jenkins", false }, { "jira", "Jira", false }, { "jquery", "jQuery", false },
    { "kafka", "Kafka", false }, { "kotlin", "Kotlin", false },
    { "kubernetes", "Kubernetes", false }, { "laravel", "Laravel", false },
    { "leadership", "Leadership", false }, { "linux", "Linux", false },
    { "machine learning", "Machine Learning", false },
    { "management d equipe", "Management d'équipe", false },
    { "marketing digital", "Marketing digital", false }, { "matlab", "MATLAB", false },
    { "microservices", "Microservices", false },
    { "microsoft office", "Microsoft Office", false }, { "mongodb", "MongoDB", false },
    { "mysql", "MySQL", false },
    { "natural language processing", "Natural Language Processing", false },
    { "next.js", "Next.js", false }, { "nginx", "Nginx", false }, { "nlp", "NLP", false },
    { "node.js", "Node.js", false }, { "nosql", "NoSQL", false }, { "numpy", "NumPy", false },
    { "oracle", "Oracle", false }, { "pandas", "pandas", false },
    { "photoshop", "Photoshop", false }, { "php", "PHP", false },
    { "postgresql", "PostgreSQL", false }, { "power bi", "Power BI", false },
    { "powerpoint", "PowerPoint", false }, { "powershell", "PowerShell", false },
    { "problem solving", "Problem Solving", false },
    { "product management", "Product Management", false },
    { "project management", "Project Management", false }, { "python", "Python", false },
    { "pytorch", "PyTorch", false }, { "r", "R", true }, { "rabbitmq", "RabbitMQ", false },
    { "react", "React", false }, { "react native", "React Native", false },
    { "redis", "Redis", false }, { "rest api", "REST API", false }, { "ruby", "Ruby", false },
    { "ruby on rails", "Ruby on Rails", false }, { "rust", "Rust", true },
    { "salesforce", "Salesforce", false }, { "sap", "SAP", false }, { "scala", "Scala", false },
    { "scikit learn", "scikit-learn", false }, { "scrum", "Scrum", false },
    { "selenium", "Selenium", false }, { "seo", "SEO", false },
    { "snowflake", "Snowflake", true }, { "solidworks", "SolidWorks", false },
    { "spark", "Spark", true }, { "spring", "Spring", true },
    { "spring boot", "Spring Boot", false }, { "sql", "SQL", false },
    { "sql server", "SQL Server", false },
    { "stakeholder management", "Stakeholder Management", false },
    { "statistics", "Statistics", false }, { "statistiques", "Statistiques", false },
    { "swift", "Swift", true }, { "tableau", "Tableau", true },
    { "tensorflow", "TensorFlow", false }, { "terraform", "Terraform", false },
    { "tests unitaires", "Tests unitaires", false }, { "typescript", "TypeScript", false },
    { "ui/ux", "UI/UX", false }, { "unit testing", "Unit Testing", false },
    { "vue.js", "Vue.js", false }, { "webpack", "Webpack", false },
};

#define TT_ROLE_MAX_SKILLS 6

struct tt_role {
    const char *role;                           /* folded phrase looked for */
    const char *skills[TT_ROLE_MAX_SKILLS];     /* folded names in tt_skills */
};

/* Target roles and the skills a recruiter expects of them; the first
 * entry found in the role wins, so specific roles come first. */
static const struct tt_role tt_roles[] = {
    { "data scientist", { "python", "machine learning", "sql", "statistics", "pandas" } },
    { "data engineer", { "python", "sql", "spark", "airflow", "etl", "kafka" } },
    { "data analyst", { "sql", "excel", "python", "power bi", "tableau", "data visualization" } },
    { "analyste de donnees", { "sql", "excel", "python", "power bi", "statistiques" } },
    { "devops", { "docker", "kubernetes", "terraform", "ci/cd", "linux", "aws" } },
    { "site reliability", { "docker", "kubernetes", "terraform", "ci/cd", "linux", "aws" } },
    { "sre", { "docker", "kubernetes", "terraform", "ci/cd", "linux", "aws" } },
    { "machine learning",
      { "python", "machine learning", "pytorch", "tensorflow", "deep learning" } },
    { "full stack", { "javascript", "react", "node.js", "sql", "git", "docker" } },
    { "fullstack", { "javascript", "react", "node.js", "sql", "git", "docker" } },
    { "frontend", { "javascript", "typescript", "react", "html", "css" } },
    { "front end", { "javascript", "typescript", "react", "html", "css" } },
    { "backend", { "sql", "docker", "rest api", "git", "linux" } },
    { "back end", { "sql", "docker", "rest api", "git", "linux" } },
    { "android", { "kotlin", "java", "android", "git" } },
    { "ios", { "swift", "ios", "git" } },
    { "mobile", { "react native", "flutter", "kotlin", "swift" } },
    { "product manager", { "product management", "agile", "scrum", "jira" } },
    { "product owner", { "agile", "scrum", "jira" } },
    { "chef de projet", { "gestion de projet", "agile", "scrum", "jira" } },
    { "project manager", { "project management", "agile", "scrum", "jira" } },
    { "designer", { "figma", "ui/ux" } },
    { "software engineer", { "git", "sql", "ci/cd", "unit testing" } },
    { "software developer", { "git", "sql", "ci/cd", "unit testing" } },
    { "ingenieur logiciel", { "git", "sql", "ci/cd", "tests unitaires" } },
    { "developpeur", { "git", "sql", "tests unitaires" } },
    { "developer", { "git", "sql", "unit testing" } },
};

/* Domain endings: "acme.com" in a job advertisement is not a skill. */
static const char *const tt_domain_ends[] = { "ai", "app", "co", "com", "de", "dev", "eu",
                                              "fr", "io", "org", "uk" };

#define TT_COUNT(a) (sizeof(a) / sizeof((a)[0]))

/* ---- Folding ---- */

/* Base letters of U+00C0..U+00FF and U+0100..U+017F; a digit stands for
 * two letters (tt_digraphs). */
static const char tt_latin1[] = "aaaaaa1ceeeeiiiidnooooo ouuuuy23"
                                "aaaaaa1ceeeeiiiidnooooo ouuuuy2y";
static const char tt_latin_ext_a[] = "aaaaaaccccccccddddeeeeeeeeeegggggggghhhhiiiiiiiiii44jjkkk"
                                     "llllllllllnnnnnnnnnoooooo55rrrrrrssssssssttttttuuuuuuuuuuuu"
                                     "wwyyyzzzzzzs";
static const char *const tt_digraphs[] = { "", "ae", "th", "ss", "ij", "oe" };

_Static_assert(sizeof(tt_latin1) == 64 + 1, "one entry per code point U+00C0..U+00FF");
_Static_assert(sizeof(tt_latin_ext_a) == 128 + 1, "one entry per code point U+0100..U+017F");

/* Code point of the valid sequence s[0..len). */
static uint32_t tt_decode(const unsigned char *s, size_t len)
{
    uint32_t c;
    size_t i;

    if (len == 1)
        return s[0];
    c = s[0] & (len == 2 ? 0x1Fu : len == 3 ? 0x0Fu : 0x07u);
    for (i = 1; i < len; i++)
        c = (c << 6) | (s[i] & 0x3Fu);
    return c;
}

/* Write the letter(s) table entry e stands for into rep; return the count. */
static size_t tt_table_letter(char e, char rep[2])
{
    if (e >= '1' && e <= '5') {
        memcpy(rep, tt_digraphs[e - '0'], 2);
        return 2;
    }
    rep[0] = e;
    return 1;
}

/* What the non-ASCII code point cp folds to: up to two bytes in rep and
 * their count, or *copy set when the original sequence is kept. */
static size_t tt_fold_cp(uint32_t cp, char rep[2], bool *copy)
{
    *copy = false;
    if (cp >= 0xC0 && cp <= 0xFF)
        return tt_table_letter(tt_latin1[cp - 0xC0], rep);
    if (cp >= 0x100 && cp <= 0x17F)
        return tt_table_letter(tt_latin_ext_a[cp - 0x100], rep);
    if (cp >= 0x300 && cp <= 0x36F)      /* combining accents */
        return 0;
    if (cp == 0xA3 || cp == 0xA5 || cp == 0x20A4 || cp == 0x20AC || cp == 0x20B9)
        rep[0] = '$';
    else if ((cp >= 0x2010 && cp <= 0x2015) || cp == 0x2043 || cp == 0x2212)
        rep[0] = '-';
    else if (cp == 0x2018 || cp == 0x2019 || cp == 0x201A || cp == 0x201B || cp == 0x2032 ||
             cp == 0x02BC)
        rep[0] = '\'';
    else if (cp >= 0x201C && cp <= 0x201F)
        rep[0] = '"';
    else if (cp < 0x100 || (cp >= 0x2000 && cp <= 0x2BFF) || (cp >= 0x2E00 && cp <= 0x2E7F) ||
             (cp >= 0x3000 && cp <= 0x303F) || (cp >= 0xE000 && cp <= 0xF8FF) ||
             (cp >= 0xFE00 && cp <= 0xFE0F) || (cp >= 0xFFF0 && cp <= 0xFFFF) ||
             (cp >= 0x1F000 && cp <= 0x1FAFF) || cp >= 0xE0000)
        rep[0] = ' ';                    /* C1 controls, Latin-1 signs, symbols, emoji */
    else
        *copy = true;                    /* a letter of another script */
    return 1;
}

/* text_tokens_fold, also recording in map (when not NULL, out_size
 * entries) the input offset each output byte came from. */
static size_t tt_fold_map(const char *s, size_t n, char *out, size_t out_size, size_t *map)
{
    const unsigned char *u = (const unsigned char *)s;
    size_t i = 0, o = 0, k;

    if (out_size == 0)
        return 0;
    while (i < n) {
        size_t sl = cv_utf8_seq_len(u + i, n - i), nrep = 1;
        char rep[2] = { ' ', ' ' };
        bool copy = false;

        if (sl == 0) {
            sl = 1;                      /* invalid byte: a space */
        } else if (sl == 1) {
            unsigned char c = u[i];

            if (c >= 'A' && c <= 'Z')
                rep[0] = (char)(c + ('a' - 'A'));
            else if ((c < 0x20 && c != '\n') || c == 0x7F)
                rep[0] = ' ';
            else
                rep[0] = (char)c;
        } else {
            nrep = tt_fold_cp(tt_decode(u + i, sl), rep, &copy);
        }
        if (copy)
            nrep = sl;
        if (nrep > out_size - 1 - o)
            break;
        memcpy(out + o, copy ? (const char *)u + i : rep, nrep);
        if (map != NULL)
            for (k = 0; k < nrep; k++)
                map[o + k] = i;
        o += nrep;
        i += sl;
    }
    out[o] = '\0';
    if (map != NULL)
        map[o] = i;
    return o;
}

size_t text_tokens_fold(const char *s, size_t n, char *out, size_t out_size)
{
    return tt_fold_map(s, n, out, out_size, NULL);
}

/* ---- Tokens ---- */

static bool tt_alpha(unsigned char c)
{
    return c >= 'a' && c <= 'z';
}

static bool tt_word(unsigned char c)
{
    return tt_alpha(c) || (c >= '0' && c <= '9') || c >= 0x80;
}

/* Does the '/' at s[i] join a short name ("ci/cd", "ui/ux", "tcp/ip")?
 * Both sides are 1 to 3 letters and the token has no other '/'. */
static bool tt_slash_joins(const unsigned char *s, size_t start, size_t i, size_t n)
{
    size_t j, k;

    if (i - start < 1 || i - start > 3)
        return false;
    for (k = start; k < i; k++)
        if (!tt_alpha(s[k]))
            return false;
    for (j = i + 1; j < n && tt_alpha(s[j]); j++)
        ;
    return j - (i + 1) >= 1 && j - (i + 1) <= 3 && (j == n || !tt_word(s[j]));
}

bool text_tokens_next(const char *f, size_t n, size_t *pos, size_t *off, size_t *len)
{
    const unsigned char *s = (const unsigned char *)f;
    size_t i = *pos, start, k;
    bool slash = false, letters = true;

    while (i < n && !tt_word(s[i]) &&
           !(s[i] == '.' && i + 1 < n && tt_alpha(s[i + 1]) && (i == 0 || !tt_word(s[i - 1]))))
        i++;
    if (i >= n) {
        *pos = n;
        return false;
    }
    start = i;
    if (s[i] == '.')
        i++;                             /* ".net" */
    while (i < n) {
        if (tt_word(s[i]) || (s[i] == '.' && i + 1 < n && tt_word(s[i + 1]))) {
            i++;
        } else if (s[i] == '/' && !slash && tt_slash_joins(s, start, i, n)) {
            slash = true;
            i++;
        } else {
            break;
        }
    }
    for (k = start; k < i; k++)
        letters = letters && tt_alpha(s[k]);
    if (i < n && letters && i - start <= 2) {     /* "c#", "f#", "c++" */
        if (s[i] == '#' && (i + 1 == n || !tt_word(s[i + 1])))
            i++;
        else if (s[i] == '+' && i + 1 < n && s[i + 1] == '+' && (i + 2 == n || !tt_word(s[i + 2])))
            i += 2;
    }
    *off = start;
    *len = i - start;
    *pos = i;
    return true;
}

enum cv_status text_tokens_doc_init(struct text_tokens_doc *doc, const char *s, size_t n,
                                    size_t max_tokens, struct cv_error *err)
{
    size_t pos = 0, off, len, count = 0, i;

    memset(doc, 0, sizeof(*doc));
    if (max_tokens > TEXT_TOKENS_MAX_TOKENS)
        max_tokens = TEXT_TOKENS_MAX_TOKENS;
    if (n >= SIZE_MAX / sizeof(size_t))
        return cv_error_set(err, CV_ERR_TOO_LARGE, "text too large to tokenise");
    doc->orig = s;
    doc->orig_len = n;
    doc->folded = malloc(n + 1);
    doc->map = malloc((n + 1) * sizeof(*doc->map));
    if (doc->folded == NULL || doc->map == NULL)
        goto nomem;
    doc->folded_len = tt_fold_map(s, n, doc->folded, n + 1, doc->map);
    while (text_tokens_next(doc->folded, doc->folded_len, &pos, &off, &len)) {
        if (count == max_tokens) {
            doc->truncated = true;
            break;
        }
        count++;
    }
    doc->tokens = malloc((count > 0 ? count : 1) * sizeof(*doc->tokens));
    if (doc->tokens == NULL)
        goto nomem;
    pos = 0;
    for (i = 0; i < count; i++) {
        if (!text_tokens_next(doc->folded, doc->folded_len, &pos, &off, &len))
            break;
        doc->tokens[i].off = off;
        doc->tokens[i].len = len;
        doc->tokens[i].orig_off = doc->map[off];
        doc->tokens[i].orig_len = doc->map[off + len] - doc->map[off];
    }
    doc->ntokens = i;
    return CV_OK;
nomem:
    text_tokens_doc_free(doc);
    return cv_error_set(err, CV_ERR_NOMEM, "out of memory tokenising text");
}

void text_tokens_doc_free(struct text_tokens_doc *doc)
{
    free(doc->folded);
    free(doc->map);
    free(doc->tokens);
    memset(doc, 0, sizeof(*doc));
}

/* ---- Lookups ---- */

/* strcmp of w[0..n) against the NUL-terminated e. */
static int tt_cmp(const char *w, size_t n, const char *e)
{
    size_t el = strlen(e), m = n < el ? n : el;
    int c = memcmp(w, e, m);

    if (c != 0)
        return c;
    return n < el ? -1 : n > el ? 1 : 0;
}

/* First index in a sorted table of count entries, each key(i), not less
 * than w[0..n). */
static size_t tt_lower_bound(const char *w, size_t n, size_t count, const char *(*key)(size_t))
{
    size_t lo = 0, hi = count;

    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;

        if (tt_cmp(w, n, key(mid)) > 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo;
}

static const char *tt_stop_key(size_t i)
{
    return tt_stopwords[i].word;
}

static const char *tt_filler_key(size_t i)
{
    return tt_filler[i];
}

static const char *tt_skill_key(size_t i)
{
    return tt_skills[i].folded;
}

/* Index of w[0..n) in the stopword table, or SIZE_MAX. */
static size_t tt_stop_index(const char *w, size_t n)
{
    size_t i = tt_lower_bound(w, n, TT_COUNT(tt_stopwords), tt_stop_key);

    return i < TT_COUNT(tt_stopwords) && tt_cmp(w, n, tt_stopwords[i].word) == 0 ? i : SIZE_MAX;
}

bool text_tokens_is_stopword(const char *w, size_t n)
{
    return tt_stop_index(w, n) != SIZE_MAX;
}

static bool tt_is_filler(const char *w, size_t n)
{
    size_t i = tt_lower_bound(w, n, TT_COUNT(tt_filler), tt_filler_key);

    return i < TT_COUNT(tt_filler) && tt_cmp(w, n, tt_filler[i]) == 0;
}

/* Index of the skill named exactly w[0..n), or SIZE_MAX. */
static size_t tt_skill_index(const char *w, size_t n)
{
    size_t i = tt_lower_bound(w, n, TT_COUNT(tt_skills), tt_skill_key);

    return i < TT_COUNT(tt_skills) && tt_cmp(w, n, tt_skills[i].folded) == 0 ? i : SIZE_MAX;
}

enum text_lang text_tokens_guess_lang(const struct text_tokens_doc *doc)
{
    size_t i, en = 0, fr = 0;

    for (i = 0; i < doc->ntokens; i++) {
        size_t k = tt_stop_index(doc->folded + doc->tokens[i].off, doc->tokens[i].len);

        if (k == SIZE_MAX)
            continue;
        if (tt_stopwords[k].langs == TT_EN)
            en++;
        else if (tt_stopwords[k].langs == TT_FR)
            fr++;
    }
    return fr > en ? TEXT_LANG_FR : TEXT_LANG_EN;
}

/* ---- Phrases ---- */

struct tt_phrase {
    const char *w[TEXT_TOKENS_PHRASE_MAX_WORDS];
    size_t n[TEXT_TOKENS_PHRASE_MAX_WORDS];
    size_t nw;
};

/* Split folded text s[0..n) into ph; false when it has no word or more
 * than TEXT_TOKENS_PHRASE_MAX_WORDS. ph points into s. */
static bool tt_phrase_split(const char *s, size_t n, struct tt_phrase *ph)
{
    size_t pos = 0, off, len;

    ph->nw = 0;
    while (text_tokens_next(s, n, &pos, &off, &len)) {
        if (ph->nw == TEXT_TOKENS_PHRASE_MAX_WORDS)
            return false;
        ph->w[ph->nw] = s + off;
        ph->n[ph->nw] = len;
        ph->nw++;
    }
    return ph->nw > 0;
}

/* Equal, or equal but for a plural 's' on a word of 3 letters or more. */
static bool tt_same_plural(const char *a, size_t an, const char *b, size_t bn)
{
    if (an == bn)
        return memcmp(a, b, an) == 0;
    if (an == bn + 1 && bn >= 3 && a[bn] == 's')
        return memcmp(a, b, bn) == 0;
    if (bn == an + 1 && an >= 3 && b[an] == 's')
        return memcmp(a, b, an) == 0;
    return false;
}

/* True when the original of token i starts with a capital letter (ASCII,
 * or Latin-1 À..Þ). */
static bool tt_capitalised(const struct text_tokens_doc *doc, size_t i)
{
    const unsigned char *o = (const unsigned char *)doc->orig + doc->tokens[i].orig_off;
    size_t n = doc->tokens[i].orig_len;

    if (n >= 1 && o[0] >= 'A' && o[0] <= 'Z')
        return true;
    return n >= 2 && o[0] == 0xC3 && o[1] >= 0x80 && o[1] <= 0x9E && o[1] != 0x97;
}

/* Does ph occur at token i of doc? */
static bool tt_phrase_at(const struct text_tokens_doc *doc, size_t i, const struct tt_phrase *ph,
                         bool cased)
{
    size_t k;

    if (i > doc->ntokens || ph->nw > doc->ntokens - i)
        return false;
    for (k = 0; k < ph->nw; k++) {
        const struct text_token *t = &doc->tokens[i + k];
        const char *w = doc->folded + t->off;

        if (k + 1 < ph->nw) {
            if (t->len != ph->n[k] || memcmp(w, ph->w[k], t->len) != 0)
                return false;
        } else if (!tt_same_plural(w, t->len, ph->w[k], ph->n[k])) {
            return false;
        }
    }
    return !cased || tt_capitalised(doc, i);
}

static bool tt_phrase_in(const struct text_tokens_doc *doc, const struct tt_phrase *ph, bool cased)
{
    size_t i;

    for (i = 0; i < doc->ntokens; i++)
        if (doc->tokens[i].len > 0 && doc->folded[doc->tokens[i].off] == ph->w[0][0] &&
            tt_phrase_at(doc, i, ph, cased))
            return true;
    return false;
}

bool text_tokens_doc_has(const struct text_tokens_doc *doc, const struct text_keyword *kw)
{
    char alt[TEXT_TOKENS_KEYWORD_MAX_BYTES + 1];
    size_t n = strnlen(kw->folded, TEXT_TOKENS_KEYWORD_MAX_BYTES), i, o;
    struct tt_phrase ph;

    if (tt_phrase_split(kw->folded, n, &ph) && tt_phrase_in(doc, &ph, kw->cased))
        return true;
    /* "ci/cd" also as "ci cd" and "cicd", "node.js" as "node js" and "nodejs". */
    if (ph.nw != 1 || kw->folded[0] == '.' || strpbrk(kw->folded, "./") == NULL)
        return false;
    for (i = 0; i < n; i++)
        alt[i] = (kw->folded[i] == '.' || kw->folded[i] == '/') ? ' ' : kw->folded[i];
    alt[n] = '\0';
    if (tt_phrase_split(alt, n, &ph) && tt_phrase_in(doc, &ph, kw->cased))
        return true;
    for (i = 0, o = 0; i < n; i++)
        if (kw->folded[i] != '.' && kw->folded[i] != '/')
            alt[o++] = kw->folded[i];
    alt[o] = '\0';
    return tt_phrase_split(alt, o, &ph) && tt_phrase_in(doc, &ph, kw->cased);
}

/* ---- Skills and keywords ---- */

/* Look for skills whose first word is key[0..n) (or its plural) at token
 * i; keep the one of most words in *best / *best_words. */
static void tt_skill_scan(const struct text_tokens_doc *doc, size_t i, const char *key, size_t n,
                          size_t *best, size_t *best_words)
{
    size_t j = tt_lower_bound(key, n, TT_COUNT(tt_skills), tt_skill_key);

    for (; j < TT_COUNT(tt_skills) && strncmp(tt_skills[j].folded, key, n) == 0; j++) {
        const char *rest = tt_skills[j].folded + n;
        struct tt_phrase ph;

        if (rest[0] == 's')
            rest++;                                  /* "microservice" for "microservices" */
        if (rest[0] != '\0' && rest[0] != ' ')
            continue;
        if (!tt_phrase_split(tt_skills[j].folded, strlen(tt_skills[j].folded), &ph))
            continue;
        if (ph.nw > *best_words && tt_phrase_at(doc, i, &ph, tt_skills[j].cased)) {
            *best = j;
            *best_words = ph.nw;
        }
    }
}

/* The longest known skill starting at token i: its index, or SIZE_MAX;
 * *words gets its length in tokens. */
static size_t tt_skill_at(const struct text_tokens_doc *doc, size_t i, size_t *words)
{
    const char *w = doc->folded + doc->tokens[i].off;
    size_t n = doc->tokens[i].len, best = SIZE_MAX;

    *words = 0;
    tt_skill_scan(doc, i, w, n, &best, words);
    if (n >= 4 && w[n - 1] == 's')
        tt_skill_scan(doc, i, w, n - 1, &best, words);   /* "apis" for "api" */
    return best;
}

/* A keyword as shown: letters, digits and + # . / & ' - kept, anything
 * else a space, no "--" (the text may end up in an HTML comment). */
static enum text_squeeze tt_display_char(const unsigned char *c, size_t len, const char *out,
                                         size_t out_len)
{
    char rep[2];
    bool copy;
    size_t nrep;

    if (len == 1) {
        if (c[0] == '-' && out_len > 0 && out[out_len - 1] == '-')
            return TEXT_SQUEEZE_DROP;
        if ((c[0] >= 'a' && c[0] <= 'z') || (c[0] >= 'A' && c[0] <= 'Z') ||
            (c[0] >= '0' && c[0] <= '9') || (c[0] != '\0' && strchr("+#./&'-", c[0]) != NULL))
            return TEXT_SQUEEZE_KEEP;
        return TEXT_SQUEEZE_SPACE;
    }
    nrep = tt_fold_cp(tt_decode(c, len), rep, &copy);
    if (copy || (nrep > 0 && rep[0] != ' ' && rep[0] != '"' && rep[0] != '$'))
        return TEXT_SQUEEZE_KEEP;
    return TEXT_SQUEEZE_SPACE;
}

size_t text_tokens_squeeze(char *dst, size_t size, const char *s, size_t n,
                           text_squeeze_fn classify, bool mark_cut)
{
    static const char ellipsis[] = "\xE2\x80\xA6";
    const size_t ell = sizeof(ellipsis) - 1;
    const unsigned char *u = (const unsigned char *)s;
    size_t i = 0, o = 0, reserve = mark_cut && size - 1 > ell ? ell : 0;
    size_t room = size - 1 - reserve;
    bool space = false;

    while (i < n) {
        size_t sl = cv_utf8_seq_len(u + i, n - i);

        if (sl == 0) {
            i++;                         /* invalid byte: dropped */
            continue;
        }
        switch (classify(u + i, sl, dst, o)) {
        case TEXT_SQUEEZE_DROP:
            i += sl;
            continue;
        case TEXT_SQUEEZE_SPACE:
            space = o > 0;
            i += sl;
            continue;
        case TEXT_SQUEEZE_KEEP:
            break;
        }
        if (o + sl + (space ? 1 : 0) > room) {
            if (reserve > 0) {
                memcpy(dst + o, ellipsis, ell);
                o += ell;
            }
            break;
        }
        if (space)
            dst[o++] = ' ';
        memcpy(dst + o, u + i, sl);
        o += sl;
        space = false;
        i += sl;
    }
    dst[o] = '\0';
    return o;
}

/* Add a keyword unless one with the same folded form (plural aside) is
 * there; *count grows. Folded forms too long for a keyword are skipped. */
static void tt_add(struct text_keyword *out, size_t max, size_t *count, const char *folded,
                   size_t fn, const char *display, size_t dn, bool cased)
{
    size_t k;

    if (*count >= max || fn == 0 || fn > TEXT_TOKENS_KEYWORD_MAX_BYTES)
        return;
    for (k = 0; k < *count; k++)
        if (tt_same_plural(out[k].folded, strlen(out[k].folded), folded, fn))
            return;
    memcpy(out[*count].folded, folded, fn);
    out[*count].folded[fn] = '\0';
    (void)text_tokens_squeeze(out[*count].display, sizeof(out[*count].display), display, dn,
                              tt_display_char, false);
    if (out[*count].display[0] == '\0')
        return;
    out[*count].cased = cased;
    (*count)++;
}

/* Does token i of a job description look like a technical name: a sign
 * inside (".", "/", "+", "#"), letters then digits ("S3", "EC2"), an
 * acronym of 2 to 5 capitals ("AWS"), or inner capitals ("GraphQL")? */
static bool tt_technical(const struct text_tokens_doc *doc, size_t i)
{
    const struct text_token *t = &doc->tokens[i];
    const char *w = doc->folded + t->off;
    const char *o = doc->orig + t->orig_off;
    size_t k, upper = 0, lower = 0, digits = 0;
    const char *dot = memchr(w, '.', t->len);

    if (dot != NULL) {
        size_t rest = t->len - (size_t)(dot - w) - 1;

        if (memchr(dot + 1, '.', rest) != NULL)
            return false;                            /* "www.acme.com" */
        for (k = 0; k < TT_COUNT(tt_domain_ends); k++)
            if (tt_cmp(dot + 1, rest, tt_domain_ends[k]) == 0)
                return false;
        return true;
    }
    if (memchr(w, '/', t->len) != NULL || memchr(w, '+', t->len) != NULL ||
        memchr(w, '#', t->len) != NULL)
        return true;
    for (k = 0; k < t->len; k++)
        digits += (w[k] >= '0' && w[k] <= '9');
    if (digits > 0)
        return tt_alpha((unsigned char)w[0]) && digits < t->len;
    for (k = 1; k < t->orig_len; k++) {
        upper += (o[k] >= 'A' && o[k] <= 'Z');
        lower += (o[k] >= 'a' && o[k] <= 'z');
    }
    if (upper == 0)
        return false;
    if (lower == 0)
        return t->orig_len >= 2 && t->orig_len <= 5 && o[0] >= 'A' && o[0] <= 'Z';
    return true;
}

/* May token i of a job description (not part of a skill) be a keyword? */
static bool tt_jd_word_ok(const struct text_tokens_doc *jd, size_t i, size_t freq)
{
    const char *w = jd->folded + jd->tokens[i].off;
    size_t n = jd->tokens[i].len, k;
    bool alpha = false;

    if (n < 2 || n > TEXT_TOKENS_KEYWORD_MAX_BYTES)
        return false;
    for (k = 0; k < n; k++)
        alpha = alpha || tt_alpha((unsigned char)w[k]) || (unsigned char)w[k] >= 0x80;
    if (!alpha || text_tokens_is_stopword(w, n) || tt_is_filler(w, n) ||
        (n >= 4 && w[n - 1] == 's' && tt_is_filler(w, n - 1)))
        return false;
    return tt_technical(jd, i) || (freq >= 2 && n >= 3);
}

struct tt_sorted {
    const char *w;
    size_t n, idx;
};

static int tt_sorted_cmp(const void *a, const void *b)
{
    const struct tt_sorted *x = a, *y = b;
    size_t m = x->n < y->n ? x->n : y->n;
    int c = memcmp(x->w, y->w, m);

    if (c != 0)
        return c;
    if (x->n != y->n)
        return x->n < y->n ? -1 : 1;
    return x->idx < y->idx ? -1 : x->idx > y->idx;
}

enum cv_status text_tokens_jd_keywords(const struct text_tokens_doc *jd, struct text_keyword *out,
                                       size_t max, size_t *count, struct cv_error *err)
{
    size_t nt = jd->ntokens, i, k, words, nsorted = 0;
    bool *consumed = NULL;
    size_t *freq = NULL;
    struct tt_sorted *sorted = NULL;

    *count = 0;
    if (nt == 0 || max == 0)
        return CV_OK;
    consumed = calloc(nt, sizeof(*consumed));
    freq = calloc(nt, sizeof(*freq));
    sorted = malloc(nt * sizeof(*sorted));
    if (consumed == NULL || freq == NULL || sorted == NULL) {
        free(consumed);
        free(freq);
        free(sorted);
        return cv_error_set(err, CV_ERR_NOMEM, "out of memory reading the job description");
    }
    /* Words inside a known skill are not counted on their own. */
    for (i = 0; i < nt; i += words > 0 ? words : 1)
        if (tt_skill_at(jd, i, &words) != SIZE_MAX)
            for (k = 0; k < words; k++)
                consumed[i + k] = true;
    for (i = 0; i < nt; i++)
        if (!consumed[i])
            sorted[nsorted++] = (struct tt_sorted){ jd->folded + jd->tokens[i].off,
                                                    jd->tokens[i].len, i };
    qsort(sorted, nsorted, sizeof(*sorted), tt_sorted_cmp);
    for (i = 0; i < nsorted; i = k) {
        for (k = i + 1; k < nsorted && sorted[k].n == sorted[i].n &&
                        memcmp(sorted[k].w, sorted[i].w, sorted[i].n) == 0; k++)
            ;
        for (size_t m = i; m < k; m++)
            freq[sorted[m].idx] = k - i;
    }
    for (i = 0; i < nt && *count < max; i += words > 0 ? words : 1) {
        size_t s = tt_skill_at(jd, i, &words);

        if (s != SIZE_MAX) {
            const struct text_token *last = &jd->tokens[i + words - 1];

            tt_add(out, max, count, tt_skills[s].folded, strlen(tt_skills[s].folded),
                   jd->orig + jd->tokens[i].orig_off,
                   last->orig_off + last->orig_len - jd->tokens[i].orig_off, tt_skills[s].cased);
        } else if (tt_jd_word_ok(jd, i, freq[i])) {
            tt_add(out, max, count, jd->folded + jd->tokens[i].off, jd->tokens[i].len,
                   jd->orig + jd->tokens[i].orig_off, jd->tokens[i].orig_len, false);
        }
    }
    free(consumed);
    free(freq);
    free(sorted);
    return CV_OK;
}

/* Add skill s with its canonical name. */
static void tt_add_skill(struct text_keyword *out, size_t max, size_t *count, size_t s)
{
    tt_add(out, max, count, tt_skills[s].folded, strlen(tt_skills[s].folded), tt_skills[s].display,
           strlen(tt_skills[s].display), tt_skills[s].cased);
}

size_t text_tokens_doc_skills(const struct text_tokens_doc *doc, struct text_keyword *out,
                              size_t max)
{
    size_t i, words, count = 0;

    for (i = 0; i < doc->ntokens && count < max; i += words > 0 ? words : 1) {
        size_t s = tt_skill_at(doc, i, &words);

        if (s != SIZE_MAX)
            tt_add_skill(out, max, &count, s);
    }
    return count;
}

size_t text_tokens_role_skills(const struct text_tokens_doc *role, struct text_keyword *out,
                               size_t max)
{
    size_t r, k, count = 0;

    for (r = 0; r < TT_COUNT(tt_roles); r++) {
        struct tt_phrase ph;

        if (!tt_phrase_split(tt_roles[r].role, strlen(tt_roles[r].role), &ph) ||
            !tt_phrase_in(role, &ph, false))
            continue;
        for (k = 0; k < TT_ROLE_MAX_SKILLS && tt_roles[r].skills[k] != NULL; k++) {
            size_t s = tt_skill_index(tt_roles[r].skills[k], strlen(tt_roles[r].skills[k]));

            if (s != SIZE_MAX)
                tt_add_skill(out, max, &count, s);
        }
        break;
    }
    return count;
}

/* ---- Self-check ---- */

/* Is the table sorted strictly increasing? */
static bool tt_sorted_table(size_t count, const char *(*key)(size_t))
{
    size_t i;

    for (i = 1; i < count; i++)
        if (strcmp(key(i - 1), key(i)) >= 0)
            return false;
    return true;
}

/* Is s exactly its tokens joined by one space (what matching assumes)? */
static bool tt_canonical(const char *s)
{
    char joined[TEXT_TOKENS_KEYWORD_MAX_BYTES + 1];
    size_t n = strlen(s), o = 0, k;
    struct tt_phrase ph;

    if (n > TEXT_TOKENS_KEYWORD_MAX_BYTES || !tt_phrase_split(s, n, &ph))
        return false;
    for (k = 0; k < ph.nw; k++) {
        if (k > 0)
            joined[o++] = ' ';
        memcpy(joined + o, ph.w[k], ph.n[k]);
        o += ph.n[k];
    }
    return o == n && memcmp(joined, s, n) == 0;
}

bool text_tokens_tables_ok(void)
{
    size_t i, k;

    if (!tt_sorted_table(TT_COUNT(tt_stopwords), tt_stop_key) ||
        !tt_sorted_table(TT_COUNT(tt_filler), tt_filler_key) ||
        !tt_sorted_table(TT_COUNT(tt_skills), tt_skill_key))
        return false;
    for (i = 0; i < TT_COUNT(tt_skills); i++)
        if (!tt_canonical(tt_skills[i].folded) ||
            strlen(tt_skills[i].display) > TEXT_TOKENS_KEYWORD_MAX_BYTES)
            return false;
    for (i = 0; i < TT_COUNT(tt_roles); i++) {
        if (!tt_canonical(tt_roles[i].role))
            return false;
        for (k = 0; k < TT_ROLE_MAX_SKILLS && tt_roles[i].skills[k] != NULL; k++)
            if (tt_skill_index(tt_roles[i].skills[k], strlen(tt_roles[i].skills[k])) == SIZE_MAX)
                return false;
    }
    return true;
}

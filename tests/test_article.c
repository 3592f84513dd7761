/* test_article.c - TAP tests for lib/article.c: reading and cleaning pages,
 * the learned corpus model (boilerplate, tag vocabulary), tag splitting,
 * parsing of the sample corpus, JSON round trips, bad input and robustness
 * against mutated pages.  The corpus is found via $srcdir (automake sets
 * it); temporary files live in a mkdtemp() directory that is removed. */
#define _POSIX_C_SOURCE 200809L

#include <errno.h>
#include <fcntl.h>
#include <glob.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "article.h"

#define MAX_SIZE (16u * 1024u * 1024u)

/* ---- TAP ---------------------------------------------------------------- */

#include "tap.h"

static int streq(const char *a, const char *b) {
  if (!a || !b) return a == b;
  return strcmp(a, b) == 0;
}

static int starts(const char *s, const char *p) {
  return s && strncmp(s, p, strlen(p)) == 0;
}

static int contains(const char *s, const char *p) {
  return s && strstr(s, p) != NULL;
}

static double now(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* ---- warnings collected by a sink ------------------------------------ */

typedef struct warns {
  int n;
  char path[256];
  size_t line[16], off[16];
  char msg[16][RA_ERROR_MSG_MAX];
} warns;

static void warn_sink(void *ctx, const char *path, size_t line, size_t off,
                      const char *msg) {
  warns *w = ctx;
  if (w->n < 16) {
    snprintf(w->path, sizeof w->path, "%s", path ? path : "");
    w->line[w->n] = line;
    w->off[w->n] = off;
    snprintf(w->msg[w->n], sizeof w->msg[w->n], "%s", msg);
  }
  w->n++;
}

/* ---- files -------------------------------------------------------------- */

static char tmpdir[512];

static int write_file(const char *path, const void *data, size_t n) {
  FILE *f = fopen(path, "wb");
  if (!f) return -1;
  if (n && fwrite(data, 1, n, f) != n) {
    fclose(f);
    return -1;
  }
  return fclose(f);
}

static void tmp_path(char *buf, size_t n, const char *name) {
  snprintf(buf, n, "%s/%s", tmpdir, name);
}

/* ---- the sample corpus ------------------------------------------------- */

typedef struct page {
  char *path;
  char *id;
  char *text;
  size_t len;
} page;

static page pages[64];
static size_t n_pages;

static int load_corpus(const char *srcdir) {
  char pat[1024];
  glob_t g;
  size_t i;
  snprintf(pat, sizeof pat, "%s/corpus/*.txt", srcdir);
  if (glob(pat, 0, NULL, &g) != 0) return -1;
  for (i = 0; i < g.gl_pathc && n_pages < 64; i++) {
    const char *p = g.gl_pathv[i], *base = strrchr(p, '/');
    ra_error err;
    int rep;
    page *pg = &pages[n_pages];
    base = base ? base + 1 : p;
    if (strcmp(base, "tags.txt") == 0 || strcmp(base, "synonyms.txt") == 0)
      continue; /* the tag list and synonyms, not pages */
    ra_error_clear(&err);
    if (ra_article_read_file(p, MAX_SIZE, &pg->text, &pg->len, &rep, NULL,
                             NULL, &err) != RA_OK) {
      diag("cannot read %s: %s", p, ra_error_message(&err));
      continue;
    }
    pg->path = strdup(p);
    pg->id = ra_article_id_from_path(p);
    n_pages++;
  }
  globfree(&g);
  return 0;
}

static const page *page_by_prefix(const char *prefix) {
  size_t i;
  for (i = 0; i < n_pages; i++)
    if (starts(pages[i].id, prefix)) return &pages[i];
  return NULL;
}

static ra_model *build_model(const char *tags_path, int learn) {
  ra_model *m = NULL;
  ra_error err;
  size_t i;
  ra_error_clear(&err);
  if (ra_model_new(&m, &err) != RA_OK) return NULL;
  if (tags_path) ra_model_load_tags(m, tags_path, &err);
  ra_error_clear(&err);
  for (i = 0; learn && i < n_pages; i++)
    ra_model_learn(m, pages[i].text, pages[i].len, &err);
  ra_model_finish(m, &err);
  return m;
}

static ra_article *parse_page(const ra_model *m, const page *pg) {
  ra_article *a = NULL;
  ra_error err;
  ra_error_clear(&err);
  if (!pg) return NULL;
  if (ra_article_parse(m, pg->id, pg->path, pg->text, pg->len, &a, NULL, NULL,
                       &err) != RA_OK)
    diag("parse %s: %s", pg->path, ra_error_message(&err));
  return a;
}

static char *to_json(const ra_article *a) {
  char *s = NULL;
  ra_error err;
  ra_error_clear(&err);
  if (!a || ra_article_to_json(a, 0, &s, &err) != RA_OK) return NULL;
  return s;
}

/* ---- article checks ---------------------------------------------------- */

static int tags_equal(char **got, size_t n, const char *const *want,
                      size_t nw) {
  size_t i;
  if (n != nw) return 0;
  for (i = 0; i < n; i++)
    if (!streq(got[i], want[i])) return 0;
  return 1;
}

static void show_tags(char **t, size_t n) {
  size_t i;
  printf("#   got:");
  for (i = 0; i < n; i++) printf(" [%s]", t[i]);
  putchar('\n');
}

static void check_tags(const char *what, char **t, size_t n,
                       const char *const *want, size_t nw) {
  int good = tags_equal(t, n, want, nw);
  ok(good, "%s", what);
  if (!good) show_tags(t, n);
}

/* Headings in order, skipping the untitled lead section. */
static void check_headings(const ra_article *a, const char *const *want,
                           size_t nw, const char *last) {
  size_t i, k = 0;
  int good = 1;
  for (i = 0; i < a->n_sections && k < nw; i++) {
    if (!a->sections[i].heading) continue;
    if (!streq(a->sections[i].heading, want[k])) {
      good = 0;
      diag("heading %zu: got \"%s\", want \"%s\"", k, a->sections[i].heading,
           want[k]);
      break;
    }
    k++;
  }
  ok(good && k == nw, "%s: first %zu section headings in order", a->id, nw);
  if (last) {
    const char *got = a->n_sections ? a->sections[a->n_sections - 1].heading
                                    : NULL;
    ok(streq(got, last), "%s: last section heading is \"%s\"", a->id, last);
  }
}

static const ra_section *section_named(const ra_article *a, const char *h) {
  size_t i;
  for (i = 0; i < a->n_sections; i++)
    if (streq(a->sections[i].heading, h)) return &a->sections[i];
  return NULL;
}

static const ra_block *find_block(const ra_block *b, size_t n,
                                  const char *prefix) {
  size_t i;
  for (i = 0; i < n; i++)
    if (starts(b[i].text, prefix)) return &b[i];
  return NULL;
}

static void check_faqs(const ra_article *a, const char *const *q,
                       const char *const *ans, size_t n) {
  size_t i;
  int good = a->n_faqs == n;
  for (i = 0; good && i < n; i++) {
    if (!streq(a->faqs[i].question, q[i])) {
      diag("question %zu: got \"%s\"", i, a->faqs[i].question);
      good = 0;
    }
  }
  ok(good, "%s: %zu FAQ questions, numbering removed", a->id, n);
  good = a->n_faqs == n;
  for (i = 0; good && i < n; i++) {
    if (!a->faqs[i].n_answer || !starts(a->faqs[i].answer[0].text, ans[i])) {
      diag("answer %zu starts \"%.40s\"", i,
           a->faqs[i].n_answer ? a->faqs[i].answer[0].text : "(none)");
      good = 0;
    }
  }
  ok(good, "%s: each FAQ answer starts right", a->id);
}

/* Is any of needles in any heading, block, question or answer? */
static const char *text_has(const ra_article *a, const char *const *needles,
                            size_t nn, int whole) {
  size_t i, j, k;
#define HIT(s)                                                          \
  do {                                                                  \
    for (k = 0; k < nn; k++)                                            \
      if ((s) && (whole ? strcmp((s), needles[k]) == 0                  \
                        : strstr((s), needles[k]) != NULL))             \
        return needles[k];                                              \
  } while (0)
  for (i = 0; i < a->n_sections; i++) {
    HIT(a->sections[i].heading);
    for (j = 0; j < a->sections[i].n_blocks; j++)
      HIT(a->sections[i].blocks[j].text);
  }
  for (i = 0; i < a->n_faqs; i++) {
    HIT(a->faqs[i].question);
    for (j = 0; j < a->faqs[i].n_answer; j++) HIT(a->faqs[i].answer[j].text);
  }
  HIT(a->title);
  HIT(a->category);
#undef HIT
  return NULL;
}

static const char *const footer_text[] = {
    "Smart Pick", "SmartPick", "Related Articles", "100% free to try",
    "Take the guesswork", "Residency Selection Made Smarter"};
static const char *const footer_whole[] = {"overview", "Residency Advisor",
                                           "Resources"};
static const char *const illus_text[] = {
    "Photorealistic style", "A vibrant scene", "Digital painting style",
    "Residency for Enhancing Your Medical Career", "Residents collaborating",
    "Soft, ambient lighting", "In a cozy caf", "A candid moment",
    "Senior resident mentoring junior resident"};

static void check_clean(const ra_article *a) {
  const char *hit = text_has(a, footer_text,
                             sizeof footer_text / sizeof footer_text[0], 0);
  if (!hit)
    hit = text_has(a, footer_whole,
                   sizeof footer_whole / sizeof footer_whole[0], 1);
  ok(!hit, "%s: no chrome/footer text in sections or FAQ%s%s", a->id,
     hit ? ": found " : "", hit ? hit : "");
  hit = text_has(a, illus_text, sizeof illus_text / sizeof illus_text[0], 0);
  ok(!hit, "%s: no illustration text in sections or FAQ%s%s", a->id,
     hit ? ": found " : "", hit ? hit : "");
  {
    size_t i;
    const char *inner = NULL;
    for (i = 0; i < a->n_illustrations && !inner; i++) {
      const char *one[1];
      one[0] = a->illustrations[i];
      if (text_has(a, one, 1, 0)) inner = a->illustrations[i];
    }
    ok(a->n_illustrations > 0 && !inner,
       "%s: %zu illustrations found, none repeated in the text", a->id,
       a->n_illustrations);
  }
}

/* ---- per-page expectations ------------------------------------------- */

static void test_page000(const ra_article *a) {
  static const char *const tags[] = {"Residency Networking",
                                     "Medical Community", "Mentorship",
                                     "Professional Development"};
  static const char *const heads[] = {
      "Introduction", "The Importance of Residency Networks",
      "1. Emotional Support and Camaraderie",
      "2. Professional Guidance and Resources", "3. Skill Development",
      "4. Career Opportunities", "Building Your Residency Network"};
  static const char *const q[] = {
      "How can I start building my residency network?",
      "Why is mentoring critical during my residency?",
      "What if I feel isolated during my residency?",
      "Can online platforms really help me build my residency network?",
      "How do I maintain relationships after residency?"};
  static const char *const ans[] = {
      "Start by actively participating", "Mentors can provide valuable",
      "Feeling isolated is common", "Absolutely!", "Stay in touch via"};
  const ra_section *s;
  const ra_block *b;
  ok(streq(a->title,
           "Creating a Supportive Community: The Power of Residency Networks"),
     "000: title");
  ok(streq(a->category, "Residency Life"), "000: category");
  check_tags("000: tags", a->tags, a->n_tags, tags, 4);
  check_headings(a, heads, sizeof heads / sizeof heads[0], "Conclusion");
  check_faqs(a, q, ans, 5);
  ok(a->n_illustrations == 4, "000: 4 illustrations (got %zu)",
     a->n_illustrations);
  s = section_named(a, "1. Engage with Fellow Residents");
  b = s ? find_block(s->blocks, s->n_blocks, "Tip: Organizing regular") : NULL;
  ok(b && b->kind == RA_BLOCK_PARA, "000: \"Tip: ...\" line is a paragraph");
  s = section_named(a, "Success Stories in Residency Networking");
  b = s ? find_block(s->blocks, s->n_blocks, "Example 1: Cohort Support Group")
        : NULL;
  ok(b && b->kind == RA_BLOCK_ITEM && b->level == 1 &&
         contains(b->text, "\nA group of residents"),
     "000: bullet item with its indented continuation, level 1");
}

static void test_page001(const ra_article *a) {
  static const char *const tags[] = {"Residency", "Medical Training",
                                     "Relationship Building",
                                     "Professional Networking", "Mentorship"};
  static const char *const heads[] = {
      "Why Relationships Matter in Residency",
      "Building Relationships: Practical Steps", "1. Be Approachable",
      "2. Start with Shared Experiences", "3. Make Time for Social Activities"};
  static const char *const q[] = {
      "How can I balance my work responsibilities with social relationships "
      "during residency?",
      "What if I struggle to initiate conversations?",
      "Are virtual connections still valuable during residency?",
      "How can I handle conflicts in professional relationships?",
      "What are some effective ways to support my colleagues?"};
  static const char *const ans[] = {"Balancing workloads", "Start small!",
                                    "Yes! Technology", "Address issues",
                                    "Celebrate each other"};
  const ra_section *s;
  const ra_block *b;
  ok(streq(a->title,
           "Navigating the Social Scene: Building Relationships in Residency"),
     "001: title");
  ok(streq(a->category, "Residency Life"), "001: category");
  check_tags("001: tags", a->tags, a->n_tags, tags, 5);
  ok(a->n_sections > 0 && a->sections[0].heading == NULL &&
         a->sections[0].n_blocks == 1 &&
         starts(a->sections[0].blocks[0].text, "Residency can feel like"),
     "001: lead text before the first heading has no heading");
  check_headings(a, heads, sizeof heads / sizeof heads[0], "Conclusion");
  check_faqs(a, q, ans, 5);
  ok(a->n_illustrations == 11, "001: 11 illustrations (got %zu)",
     a->n_illustrations);
  s = section_named(a, "Example 2: Mentoring Moments");
  ok(s && s->n_blocks == 1 &&
         starts(s->blocks[0].text, "Dr. Emily took it upon herself"),
     "001: scene description inside an example section is an illustration");
  s = section_named(a, "1. Be Approachable");
  b = s ? find_block(s->blocks, s->n_blocks, "Smile and Maintain Eye Contact:")
        : NULL;
  ok(b && b->kind == RA_BLOCK_ITEM && b->level == 1,
     "001: bullet removed from list item, level 1");
}

static void test_page002(const ra_article *a) {
  static const char *const tags[] = {"Residency Networking",
                                     "Medical Community", "Mentorship",
                                     "Professional Development"};
  static const char *const heads[] = {
      "Creating a Supportive Community: The Power of Residency Networks",
      "Why Residency Networks Matter in Training and Beyond",
      "Emotional Support, Camaraderie, and Wellbeing",
      "Professional Guidance, Mentorship, and Career Navigation"};
  static const char *const q[] = {
      "How can I start building my residency network if I\xE2\x80\x99m new "
      "and feel overwhelmed?",
      "What if I feel isolated or behind my peers in building connections?",
      "How do I find and approach a mentor without feeling like I\xE2\x80\x99m "
      "bothering them?",
      "Can online platforms really help my residency networking and "
      "professional development?",
      "How do I maintain my residency relationships and networks after "
      "graduation?"};
  static const char *const ans[] = {
      "Start small and consistent:", "Feeling isolated is very common",
      "Most faculty expect", "Yes\xE2\x80\x94when used professionally",
      "Practical ways to stay connected:"};
  const ra_section *s;
  const ra_block *b;
  size_t i;
  int caps = a->n_illustrations == 3;
  ok(streq(a->title,
           "Enhancing Your Medical Career: The Impact of Residency Networking"),
     "002: title (logo line is chrome, title appears once)");
  ok(a->category == NULL, "002: no breadcrumb -> category NULL");
  check_tags("002: tags", a->tags, a->n_tags, tags, 4);
  check_headings(a, heads, sizeof heads / sizeof heads[0],
                 "Example 3: Conference Connection Turning into a Fellowship");
  check_faqs(a, q, ans, 5);
  for (i = 0; caps && i < a->n_illustrations; i++)
    caps = contains(a->illustrations[i],
                    " - Residency for Enhancing Your Medical Career: The Impac");
  ok(caps && starts(a->illustrations[0],
                    "Residents collaborating and networking"),
     "002: the 3 alt-text captions are illustrations");
  s = section_named(a, "Engage Deliberately with Fellow Residents");
  b = s ? find_block(s->blocks, s->n_blocks,
                     "\xE2\x80\x9CPost-call breakfast\xE2\x80\x9D")
        : NULL;
  ok(b && b->kind == RA_BLOCK_ITEM && b->level == 2,
     "002: nested bullet is a level-2 item");
  s = section_named(a, "Emotional Support, Camaraderie, and Wellbeing");
  b = s ? find_block(s->blocks, s->n_blocks, "Normalizing the struggle") : NULL;
  ok(b && streq(b->text,
                "Normalizing the struggle\nHearing co-residents say "
                "\xE2\x80\x9CI\xE2\x80\x99m overwhelmed too\xE2\x80\x9D or "
                "\xE2\x80\x9CI\xE2\x80\x99ve made that mistake before\xE2\x80\x9D"
                " reduces shame and self-doubt. It reminds you that growth in "
                "medicine is often uncomfortable but shared."),
     "002: item continuation joined with a newline");
  ok(a->n_faqs == 5 && a->faqs[2].n_answer >= 4 &&
         a->faqs[2].answer[3].kind == RA_BLOCK_ITEM &&
         a->faqs[2].answer[3].level == 2,
     "002: FAQ answers keep nested list items");
}

static void test_page003(const ra_article *a) {
  static const char *const tags[] = {"Residency Selection",
                                     "Networking Strategies", "Medical Career",
                                     "Mentorship", "Alumni Insights"};
  static const char *const heads[] = {
      "Introduction", "The Importance of Networking in Residency Selection",
      "1. Personal Recommendations", "2. Alumni Experience",
      "3. Understanding the Culture"};
  static const char *const q[] = {
      "What is the best way to start networking for residency selection?",
      "Should I network with physicians in different specialties?",
      "How do I maintain the relationships I build through networking?",
      "What social media platforms are best for networking in medicine?",
      "How important is it to have a mentor during residency selection?"};
  static const char *const ans[] = {"Start by reaching out", "Yes! Expanding",
                                    "Follow up after interactions",
                                    "LinkedIn is ideal",
                                    "Having a mentor is highly"};
  const ra_section *s;
  size_t n;
  ok(streq(a->title,
           "How to Leverage Networking When Selecting Your Residency Program"),
     "003: title");
  ok(streq(a->category, "How to Choose the Right Residency Program"),
     "003: category");
  check_tags("003: tags", a->tags, a->n_tags, tags, 5);
  check_headings(a, heads, sizeof heads / sizeof heads[0], "Conclusion");
  check_faqs(a, q, ans, 5);
  s = section_named(a, "Introduction");
  n = s && s->n_blocks ? strlen(s->blocks[0].text) : 0;
  ok(s && s->n_blocks == 1 && n > 40 &&
         strcmp(s->blocks[0].text + n - 32, "inform your residency selection.") == 0,
     "003: intro paragraph keeps its text up to the glued description");
  ok(a->n_illustrations == 4 &&
         starts(a->illustrations[0], "A vibrant scene depicting a diverse"),
     "003: glued description split off as an illustration (%zu found)",
     a->n_illustrations);
}

static void test_page004(const ra_article *a) {
  static const char *const tags[] = {"Networking in Medicine",
                                     "Residency Programs", "Career Development",
                                     "Mentorship", "Medical Conferences"};
  static const char *const heads[] = {
      "Introduction", "Why Networking Matters in Medicine",
      "Building Your Network Post-Match", "1. Leverage Hospital Resources",
      "2. Use Online Platforms"};
  static const char *const q[] = {"Why is networking important in medicine?",
                                  "How can I start networking post-match?",
                                  "What are the benefits of having a mentor?",
                                  "Should I engage only with people in my "
                                  "specialty?",
                                  "How can I maintain my network?"};
  static const char *const ans[] = {"Networking is crucial", "You can start",
                                    "Mentorship provides guidance",
                                    "While it's beneficial",
                                    "Regular engagement"};
  const ra_section *s;
  const ra_block *b;
  ok(streq(a->title, "The Importance of Networking Post-Match: Building "
                     "Connections for Future Opportunities"),
     "004: title");
  ok(streq(a->category, "Post-Match Options"), "004: category");
  check_tags("004: tags (connector binds \"Networking in Medicine\")", a->tags,
             a->n_tags, tags, 5);
  check_headings(a, heads, sizeof heads / sizeof heads[0], "Conclusion");
  check_faqs(a, q, ans, 5);
  ok(a->n_illustrations == 3, "004: 3 illustrations (got %zu)",
     a->n_illustrations);
  s = section_named(a, "Why Networking Matters in Medicine");
  b = s ? find_block(s->blocks, s->n_blocks, "Career Development: When") : NULL;
  ok(b && b->kind == RA_BLOCK_ITEM && b->level == 1,
     "004: \"  1. \" numbering removed from list item");
  ok(section_named(a, "Case Study 1: Networking Leading to Job Placement") !=
         NULL,
     "004: \"Case Study 1: ...\" is a heading");
}

/* ---- tests ----------------------------------------------------------- */

static void test_corpus(const ra_model *m) {
  struct {
    const char *prefix;
    void (*fn)(const ra_article *);
  } t[] = {{"000_", test_page000},
           {"001_", test_page001},
           {"002_", test_page002},
           {"003_", test_page003},
           {"004_", test_page004}};
  size_t i;
  for (i = 0; i < sizeof t / sizeof t[0]; i++) {
    const page *pg = page_by_prefix(t[i].prefix);
    ra_article *a = parse_page(m, pg);
    ok(a != NULL, "sample %s parses", t[i].prefix);
    if (!a) continue;
    t[i].fn(a);
    check_clean(a);
    ra_article_free(a);
  }
}

static void split(const ra_model *m, const char *line, const char *what,
                  const char *const *want, size_t nw) {
  char **t = NULL;
  size_t n = 0;
  ra_error err;
  ra_error_clear(&err);
  if (ra_model_split_tags(m, line, strlen(line), &t, &n, &err) != RA_OK) {
    ok(0, "%s: %s", what, ra_error_message(&err));
    return;
  }
  check_tags(what, t, n, want, nw);
  ra_strv_free(t, n);
}

/* Synthetic pages for learning: doubled title, a tag line, and a body that
 * mentions some tags as phrases. */
static char *synth_page(int i, const char *tagline, const char *body) {
  char *s = malloc(4096);
  if (!s) return NULL;
  snprintf(s, 4096,
           "Health Site\nArticles\nSynthetic Article Number %d\n\n"
           "Synthetic Article Number %d\n\n%s\n\nIntroduction\n\n%s This "
           "paragraph %d is long enough to be ordinary article text for the "
           "parser.\n\nConclusion\n\nThat is all for article %d.\n\n"
           "Subscribe today\nPrivacy Policy\n",
           i, i, tagline, body, i, i);
  return s;
}

static void test_tags(const ra_model *m, const char *tags_path) {
  static const char *const ex[] = {"Networking in Medicine",
                                   "Residency Programs", "Career Development",
                                   "Mentorship", "Medical Conferences"};
  static const char *const ex_bare[] = {
      "Networking in Medicine", "Residency", "Programs", "Career",
      "Development", "Mentorship", "Medical", "Conferences"};
  static const char *const u1[] = {"Mentorship", "Medical Conferences",
                                   "Residency Selection"};
  static const char *const u2[] = {"Alumni Insights", "Networking in Medicine",
                                   "Professional Development"};
  static const char *const u3[] = {"Board", "Exams", "Mentorship"};
  static const char *const u4[] = {"Wellness in Residency", "Mentorship",
                                   "Medical Career"};
  static const char *const u5[] = {"Diversity & Inclusion",
                                   "Career Development"};
  static const char *const u6[] = {"mentorship", "MEDICAL CAREER"};
  static const char *const u7[] = {"Mentorship", "Residency"};
  static const char *const u8[] = {"Work-life balance", "Mentorship"};
  static const char *const ps[] = {"Patient Safety", "Mentorship"};
  static const char *const ps_bare[] = {"Patient", "Safety", "Mentorship"};
  static const char *const rh[] = {"Rural Health", "Wellness"};
  const char *line =
      "Networking in Medicine Residency Programs Career Development "
      "Mentorship Medical Conferences";
  ra_model *bare = NULL, *learned = NULL;
  ra_error err;
  char **t = NULL;
  size_t n = 0;
  int i;

  split(m, line, "split: the issue's example with tags.txt", ex, 5);
  split(m, "Mentorship Medical Conferences Residency Selection",
        "split: unseen combination of known tags", u1, 3);
  split(m, "Alumni Insights Networking in Medicine Professional Development",
        "split: another unseen combination", u2, 3);
  split(m, "Board Exams Mentorship",
        "split: unknown capitalised words default to single tags", u3, 3);
  split(m, "Wellness in Residency Mentorship Medical Career",
        "split: connector binds an unknown tag", u4, 3);
  split(m, "Diversity & Inclusion Career Development",
        "split: '&' binds its neighbours", u5, 2);
  split(m, "mentorship MEDICAL CAREER",
        "split: case-insensitive match keeps page casing", u6, 2);
  split(m, "Mentorship mentorship Residency", "split: duplicates dropped", u7,
        2);
  split(m, "Work-life balance Mentorship",
        "split: lowercase word continues a tag", u8, 2);
  split(NULL, line, "split without any model: connectors still bind",
        ex_bare, 8);
  ra_error_clear(&err);
  ok(ra_model_split_tags(m, "", 0, &t, &n, &err) == RA_OK && n == 0,
     "split: empty line gives no tags");
  ra_strv_free(t, n);

  /* without tags.txt: page evidence still splits the samples */
  bare = build_model(NULL, 1);
  {
    static const char *const t000[] = {"Residency Networking",
                                       "Medical Community", "Mentorship",
                                       "Professional Development"};
    ra_article *a = parse_page(bare, page_by_prefix("004_"));
    check_tags("no tags.txt: 004 tags from phrases in its own text",
               a ? a->tags : NULL, a ? a->n_tags : 0, ex, 5);
    ra_article_free(a);
    a = parse_page(bare, page_by_prefix("000_"));
    check_tags("no tags.txt: 000 tags from phrases in its own text",
               a ? a->tags : NULL, a ? a->n_tags : 0, t000, 4);
    ra_article_free(a);
  }
  split(bare, line, "no tags.txt: bare split of the example line", ex_bare, 8);
  ra_model_free(bare);

  /* learned vocabulary: "Patient Safety" is backed by page text on several
   * pages, "Rural Health" recurs in tag lines in varied company */
  ra_error_clear(&err);
  ra_model_new(&learned, &err);
  for (i = 0; i < 6; i++) {
    static const char *const lines[] = {
        "Patient Safety Mentorship Rural Health",
        "Quality Improvement Patient Safety",
        "Rural Health Wellness Patient Safety",
        "Wellness Leadership Rural Health",
        "Mentorship Rural Health Teamwork",
        "Teamwork Patient Safety Wellness"};
    char *p = synth_page(i, lines[i],
                         "Good patient safety habits matter in every unit.");
    if (p) ra_model_learn(learned, p, strlen(p), &err);
    free(p);
  }
  ra_model_finish(learned, &err);
  split(learned, "Patient Safety Mentorship",
        "learned: tag seen as a phrase on several pages is a unit", ps, 2);
  split(NULL, "Patient Safety Mentorship",
        "unlearned: the same line splits into words", ps_bare, 3);
  split(learned, "Rural Health Wellness",
        "learned: cohesive n-gram from tag lines is a unit", rh, 2);
  ra_model_free(learned);
  (void)tags_path;
}

static void test_model(const ra_model *m, const char *tags_path) {
  char *saved = NULL, *saved2 = NULL;
  size_t len = 0, len2 = 0, i;
  ra_model *m2 = NULL, *m3 = NULL;
  ra_error err;
  int same = 1;

  ok(ra_model_pages(m) == n_pages, "model: %zu pages learned", n_pages);
  ok(ra_model_is_boilerplate(m, "Residency Advisor", 17) &&
         ra_model_is_boilerplate(m, "  Related \t Articles ", 21) &&
         ra_model_is_boilerplate(m, "overview", 8),
     "model: chrome and footer lines learned as boilerplate");
  ok(ra_model_is_boilerplate(m, "SmartPick - Residency Selection Made Smarter",
                             44),
     "model: footer variant \"SmartPick\" matches \"Smart Pick\"");
  ok(!ra_model_is_boilerplate(m, "Conclusion", 10) &&
         !ra_model_is_boilerplate(m, "Introduction", 12) &&
         !ra_model_is_boilerplate(m, "FAQs", 4),
     "model: repeated headings (Conclusion, Introduction, FAQs) are not "
     "boilerplate");
  ok(!ra_model_is_boilerplate(m, "Residency Life", 14),
     "model: a breadcrumb shared by 2 of 5 pages is not boilerplate");

  ra_error_clear(&err);
  ok(ra_model_save(m, &saved, &len, &err) == RA_OK && saved && len > 0,
     "model: save");
  ra_model_new(&m2, &err);
  {
    ra_status st = ra_model_load(m2, saved, len, &err);
    ok(st == RA_OK, "model: load (%s)", ra_error_message(&err));
  }
  ok(ra_model_save(m2, &saved2, &len2, &err) == RA_OK && len == len2 &&
         memcmp(saved, saved2, len) == 0,
     "model: save(load(save)) is identical");
  for (i = 0; i < n_pages; i++) {
    ra_article *a = parse_page(m, &pages[i]), *b = parse_page(m2, &pages[i]);
    char *ja = to_json(a), *jb = to_json(b);
    if (!ja || !jb || strcmp(ja, jb) != 0) same = 0;
    free(ja);
    free(jb);
    ra_article_free(a);
    ra_article_free(b);
  }
  ok(same, "model: loaded model parses all pages identically");
  ra_model_free(m2);
  free(saved2);

  ra_error_clear(&err);
  ra_model_new(&m3, &err);
  {
    ra_status st = ra_model_load(m3, "hello\n", 6, &err);
    ok(st == RA_ERR_INVALID, "model: load rejects non-model data (%s)",
       ra_error_message(&err));
  }
  ra_model_free(m3);
  ra_error_clear(&err);
  ra_model_new(&m3, &err);
  {
    ra_status st = ra_model_load(m3, saved, len / 2, &err);
    ok(st != RA_OK, "model: load rejects truncated data (%s)",
       ra_error_message(&err));
  }
  ra_model_free(m3);
  free(saved);

  /* a single page with no learned model: built-in defaults apply */
  {
    ra_model *one = build_model(tags_path, 0);
    int all = 1;
    for (i = 0; i < n_pages; i++) {
      ra_article *a = parse_page(m, &pages[i]), *b = parse_page(one, &pages[i]);
      char *ja = to_json(a), *jb = to_json(b);
      if (!ja || !jb || strcmp(ja, jb) != 0) all = 0;
      free(ja);
      free(jb);
      ra_article_free(a);
      ra_article_free(b);
    }
    ok(all, "model: without learned pages (single-file dump) each page "
            "parses exactly as with the corpus model");
    ra_model_free(one);
  }
  {
    ra_article *a = parse_page(NULL, page_by_prefix("002_"));
    ok(a && a->category == NULL && !text_has(a, footer_text, 6, 0),
       "model: NULL model still strips the footer (defaults)");
    ra_article_free(a);
  }
  {
    ra_model *tm = NULL;
    char p[600];
    ra_error_clear(&err);
    ra_model_new(&tm, &err);
    tmp_path(p, sizeof p, "no-such-tags.txt");
    ok(ra_model_load_tags(tm, p, &err) == RA_ERR_NOTFOUND &&
           contains(err.msg, p),
       "model: missing tags file is RA_ERR_NOTFOUND naming it");
    ra_model_free(tm);
  }
}

/* Replace the site's chrome and footer: boilerplate must be learned, not
 * assumed. */
static char *reskin(const page *pg) {
  const char *s = pg->text, *foot = strstr(s, "\noverview");
  const char *body = s;
  size_t n;
  char *out;
  const char *head = "MedCareer Hub\nMenu\nSearch\n";
  const char *tail = "\nSubscribe to our newsletter\nWeekly tips for "
                     "residents.\n\xC2\xA9 2024 MedCareer Hub\nPrivacy Policy "
                     "Terms\n";
  if (starts(body, "Residency Advisor\nResources\n"))
    body += strlen("Residency Advisor\nResources\n");
  else if (starts(body, "Residency Advisor Logo Residency Advisor\n"))
    body += strlen("Residency Advisor Logo Residency Advisor\n");
  n = foot ? (size_t)(foot - body) : strlen(body);
  out = malloc(strlen(head) + n + strlen(tail) + 1);
  if (!out) return NULL;
  sprintf(out, "%s%.*s%s", head, (int)n, body, tail);
  return out;
}

static void test_generalise(const ra_model *m, const char *tags_path) {
  ra_model *rm = NULL;
  ra_error err;
  char *sk[64];
  size_t i;
  int titles = 1, clean = 1;
  ra_error_clear(&err);
  ra_model_new(&rm, &err);
  for (i = 0; i < n_pages; i++) {
    sk[i] = reskin(&pages[i]);
    if (sk[i]) ra_model_learn(rm, sk[i], strlen(sk[i]), &err);
  }
  ra_model_finish(rm, &err);
  ok(ra_model_is_boilerplate(rm, "Subscribe to our newsletter", 27) &&
         ra_model_is_boilerplate(rm, "MedCareer Hub", 13) &&
         !ra_model_is_boilerplate(rm, "Residency Advisor", 17),
     "other site: its own chrome and footer are learned");
  for (i = 0; i < n_pages; i++) {
    static const char *const other[] = {"Subscribe", "Privacy Policy",
                                        "MedCareer Hub", "Weekly tips"};
    ra_article *a = NULL, *b = parse_page(m, &pages[i]);
    if (sk[i])
      ra_article_parse(rm, pages[i].id, NULL, sk[i], strlen(sk[i]), &a, NULL,
                       NULL, &err);
    if (!a || !b || !streq(a->title, b->title) ||
        !streq(a->category, b->category))
      titles = 0;
    if (!a || text_has(a, other, 4, 0) ||
        (b && a->n_sections != b->n_sections))
      clean = 0;
    ra_article_free(a);
    ra_article_free(b);
    free(sk[i]);
  }
  ok(titles, "other site: titles and categories unchanged");
  {
    /* unknown site and no learned model: the doubled title is the anchor */
    int anchored = 1;
    ra_model *tags_only = build_model(tags_path, 0);
    for (i = 0; i < n_pages; i++) {
      char *t = reskin(&pages[i]);
      ra_article *a = NULL, *b = parse_page(m, &pages[i]);
      if (t)
        ra_article_parse(tags_only, pages[i].id, NULL, t, strlen(t), &a, NULL,
                         NULL, &err);
      /* 002 has no doubled title: its first line after the chrome is taken */
      if (!a || !b ||
          (!starts(pages[i].id, "002_") &&
           (!streq(a->title, b->title) || !streq(a->category, b->category) ||
            a->n_tags != b->n_tags)))
        anchored = 0;
      ra_article_free(a);
      ra_article_free(b);
      free(t);
    }
    ra_model_free(tags_only);
    ok(anchored, "other site, no model: unknown chrome above a doubled title "
                 "is skipped");
  }
  ok(clean, "other site: its footer is stripped, sections unchanged");
  ra_model_free(rm);

  /* a footer line that changed wording is tolerated inside the footer */
  {
    const page *pg = page_by_prefix("002_");
    const char *old = "SmartPick - Residency Selection Made Smarter";
    const char *rep = "SmartPick Pro: choose residency programs wisely";
    char *t = pg ? strstr(pg->text, old) : NULL, *buf;
    ra_article *a = NULL;
    if (t) {
      size_t pre = (size_t)(t - pg->text);
      buf = malloc(pg->len + strlen(rep) + 1);
      if (buf) {
        sprintf(buf, "%.*s%s%s", (int)pre, pg->text, rep, t + strlen(old));
        ra_article_parse(m, pg->id, NULL, buf, strlen(buf), &a, NULL, NULL,
                         &err);
        free(buf);
      }
    }
    ok(a && !text_has(a, footer_text, 6, 0) && !contains(
                                                    a->faqs[a->n_faqs - 1]
                                                        .answer[a->faqs[a->n_faqs - 1].n_answer - 1]
                                                        .text,
                                                    "choose residency"),
       "footer with a reworded line is still removed");
    ra_article_free(a);
  }
  /* lossy counting across many buckets keeps the boilerplate right */
  {
    ra_model *big = NULL;
    size_t k;
    double t0 = now();
    ra_error_clear(&err);
    ra_model_new(&big, &err);
    for (k = 0; k < 600; k++) {
      const page *pg = &pages[k % n_pages];
      char *buf = malloc(pg->len + 200);
      char *mid;
      if (!buf) break;
      /* a unique line in the middle of every page */
      mid = strstr(pg->text, "\n\n");
      if (mid) {
        size_t pre = (size_t)(mid - pg->text);
        sprintf(buf, "%.*s\n\nUnique line %zu of the stream\n%s", (int)pre,
                pg->text, k, mid);
      } else {
        memcpy(buf, pg->text, pg->len + 1);
      }
      ra_model_learn(big, buf, strlen(buf), &err);
      free(buf);
    }
    ra_model_finish(big, &err);
    ok(ra_model_pages(big) == 600 &&
           ra_model_is_boilerplate(big, "Related Articles", 16) &&
           ra_model_is_boilerplate(big, "Residency Advisor", 17) &&
           !ra_model_is_boilerplate(big, "Conclusion", 10) &&
           !ra_model_is_boilerplate(big, "Unique line 7 of the stream", 27),
       "600-page stream (lossy counting over 10 buckets): boilerplate right");
    diag("learning 600 pages took %.2f s", now() - t0);
    ra_model_free(big);
  }
}

static int articles_equal(const ra_article *a, const ra_article *b) {
  size_t i, j;
  if (!streq(a->id, b->id) || !streq(a->path, b->path) ||
      !streq(a->url, b->url) || !streq(a->title, b->title) ||
      !streq(a->category, b->category) || a->n_tags != b->n_tags ||
      a->n_sections != b->n_sections || a->n_faqs != b->n_faqs ||
      a->n_illustrations != b->n_illustrations)
    return 0;
  for (i = 0; i < a->n_tags; i++)
    if (!streq(a->tags[i], b->tags[i])) return 0;
  for (i = 0; i < a->n_illustrations; i++)
    if (!streq(a->illustrations[i], b->illustrations[i])) return 0;
  for (i = 0; i < a->n_sections; i++) {
    const ra_section *x = &a->sections[i], *y = &b->sections[i];
    if (!streq(x->heading, y->heading) || x->n_blocks != y->n_blocks) return 0;
    for (j = 0; j < x->n_blocks; j++)
      if (x->blocks[j].kind != y->blocks[j].kind ||
          x->blocks[j].level != y->blocks[j].level ||
          !streq(x->blocks[j].text, y->blocks[j].text))
        return 0;
  }
  for (i = 0; i < a->n_faqs; i++) {
    const ra_faq *x = &a->faqs[i], *y = &b->faqs[i];
    if (!streq(x->question, y->question) || x->n_answer != y->n_answer)
      return 0;
    for (j = 0; j < x->n_answer; j++)
      if (x->answer[j].kind != y->answer[j].kind ||
          x->answer[j].level != y->answer[j].level ||
          !streq(x->answer[j].text, y->answer[j].text))
        return 0;
  }
  return 1;
}

static void test_json(const ra_model *m) {
  size_t i;
  int lossless = 1, pretty = 1;
  ra_error err;
  ra_article *x = NULL;
  for (i = 0; i < n_pages; i++) {
    ra_article *a = parse_page(m, &pages[i]), *b = NULL, *c = NULL;
    char *j1 = to_json(a), *j2 = NULL, *jp = NULL;
    ra_error_clear(&err);
    if (!j1 || ra_article_from_json(j1, strlen(j1), &b, &err) != RA_OK ||
        !articles_equal(a, b) || !(j2 = to_json(b)) || strcmp(j1, j2) != 0)
      lossless = 0;
    if (!a || ra_article_to_json(a, RA_JSON_PRETTY, &jp, &err) != RA_OK ||
        !strchr(jp, '\n') ||
        ra_article_from_json(jp, strlen(jp), &c, &err) != RA_OK ||
        !articles_equal(a, c))
      pretty = 0;
    free(j1);
    free(j2);
    free(jp);
    ra_article_free(a);
    ra_article_free(b);
    ra_article_free(c);
  }
  ok(lossless, "json: to_json -> from_json -> to_json is lossless");
  ok(pretty, "json: pretty output reads back identically");
  {
    const char *js = "{\"id\":\"x\",\"path\":null,\"url\":\"https://e.x/a\","
                     "\"title\":\"T\",\"category\":null,\"tags\":[],"
                     "\"sections\":[{\"heading\":null,\"blocks\":[{\"kind\":"
                     "\"item\",\"level\":3,\"text\":\"deep\"}]}],"
                     "\"illustrations\":[],\"faqs\":[]}";
    char *back = NULL;
    ra_error_clear(&err);
    ok(ra_article_from_json(js, strlen(js), &x, &err) == RA_OK && x &&
           streq(x->url, "https://e.x/a") && x->n_sections == 1 &&
           x->sections[0].heading == NULL &&
           x->sections[0].blocks[0].level == 3 &&
           ra_article_to_json(x, 0, &back, &err) == RA_OK &&
           strcmp(back, js) == 0,
       "json: exact shape, nulls and url survive");
    free(back);
    ra_article_free(x);
  }
  ra_error_clear(&err);
  {
    ra_status st = ra_article_from_json("{\"id\":", 6, &x, &err);
    ok(st == RA_ERR_INVALID && !x, "json: malformed JSON rejected (%s)",
       ra_error_message(&err));
  }
  ra_error_clear(&err);
  {
    ra_status st = ra_article_from_json("{\"id\":\"x\"}", 10, &x, &err);
    ok(st == RA_ERR_INVALID && contains(err.msg, "title"),
       "json: missing title named (%s)", ra_error_message(&err));
  }
  ra_error_clear(&err);
  {
    const char *js = "{\"id\":\"x\",\"title\":\"T\",\"sections\":[{\"blocks\":"
                     "[{\"kind\":\"table\",\"text\":\"t\"}]}]}";
    ra_status st = ra_article_from_json(js, strlen(js), &x, &err);
    ok(st == RA_ERR_INVALID && contains(err.msg, "sections[0].blocks[0].kind"),
       "json: bad block kind named (%s)", ra_error_message(&err));
  }
}

/* Reads path and expects failure with code, the path and extra text in the
 * message. */
static void expect_fail(const char *what, const char *path, ra_status code,
                        const char *extra) {
  char *t = NULL;
  size_t n = 0;
  int rep = 0;
  ra_error err;
  ra_status st;
  ra_error_clear(&err);
  st = ra_article_read_file(path, MAX_SIZE, &t, &n, &rep, NULL, NULL, &err);
  ok(st == code && !t && contains(err.msg, path) &&
         (!extra || contains(err.msg, extra)),
     "bad input: %s -> %s (%s)", what, ra_status_name(code), err.msg);
  free(t);
}

static char *read_ok(const char *path, size_t *n, int *rep, warns *w) {
  char *t = NULL;
  ra_error err;
  ra_error_clear(&err);
  if (ra_article_read_file(path, MAX_SIZE, &t, n, rep, warn_sink, w, &err) !=
      RA_OK) {
    diag("read %s: %s", path, ra_error_message(&err));
    return NULL;
  }
  return t;
}

static char *parse_json_of(const ra_model *m, const char *text, size_t n) {
  ra_article *a = NULL;
  ra_error err;
  char *j;
  ra_error_clear(&err);
  if (ra_article_parse(m, "same", NULL, text, n, &a, NULL, NULL, &err) !=
      RA_OK)
    return NULL;
  j = to_json(a);
  ra_article_free(a);
  return j;
}

static void test_bad_input(const ra_model *m) {
  const page *pg = page_by_prefix("000_");
  char p[600], msg[64];
  char *ref = pg ? parse_json_of(m, pg->text, pg->len) : NULL;
  ra_error err;

  tmp_path(p, sizeof p, "empty.txt");
  write_file(p, "", 0);
  expect_fail("empty file", p, RA_ERR_INVALID, "empty");
  tmp_path(p, sizeof p, "blank.txt");
  write_file(p, " \n\t \r\n\xC2\xA0\n", 9);
  expect_fail("whitespace-only file", p, RA_ERR_INVALID, "whitespace");
  {
    const char data[] = "A Title\n\nA Title\n\nSome text\0 and binary";
    tmp_path(p, sizeof p, "nul.txt");
    write_file(p, data, sizeof data - 1);
    snprintf(msg, sizeof msg, "byte offset %zu", strlen(data));
    expect_fail("NUL byte (offset given)", p, RA_ERR_INVALID, msg);
  }
  tmp_path(p, sizeof p, "no-such-file.txt");
  expect_fail("nonexistent path", p, RA_ERR_NOTFOUND, "No such file");
  expect_fail("a directory", tmpdir, RA_ERR_IO, "directory");
  {
    int fd;
    double t0;
    tmp_path(p, sizeof p, "huge.txt");
    fd = open(p, O_WRONLY | O_CREAT | O_TRUNC, 0600);
    if (fd >= 0) {
      if (ftruncate(fd, 50L * 1024 * 1024) != 0) diag("ftruncate failed");
      close(fd);
    }
    t0 = now();
    expect_fail("sparse 50 MB file over a 16 MB limit", p, RA_ERR_TOOBIG,
                "52428800");
    ok(now() - t0 < 0.5, "bad input: oversized file rejected without reading "
                         "it (%.3f s)",
       now() - t0);
    unlink(p);
  }
  ra_error_clear(&err);
  {
    char *t = NULL;
    size_t n = 0;
    ok(ra_article_clean("buf", "Title\n", 6, 4, &t, &n, NULL, NULL, NULL,
                        &err) == RA_ERR_TOOBIG &&
           contains(err.msg, "buf") && contains(err.msg, "limit of 4"),
       "bad input: in-memory text over max_size (%s)", err.msg);
  }

  if (!pg) return;
  /* invalid UTF-8: repaired, warned with offset and line */
  {
    size_t at = (size_t)(strstr(pg->text, "monumental") - pg->text), n = 0;
    size_t line = 1, i;
    char *buf = malloc(pg->len + 2), *t;
    int rep = 0;
    warns w;
    memset(&w, 0, sizeof w);
    for (i = 0; i < at; i++)
      if (pg->text[i] == '\n') line++;
    memcpy(buf, pg->text, at);
    buf[at] = '\xFF';
    memcpy(buf + at + 1, pg->text + at, pg->len - at);
    tmp_path(p, sizeof p, "bad-utf8.txt");
    write_file(p, buf, pg->len + 1);
    free(buf);
    t = read_ok(p, &n, &rep, &w);
    snprintf(msg, sizeof msg, "byte offset %zu", at);
    ok(t && rep == 1 && w.n == 1 && streq(w.path, p) && w.off[0] == at &&
           w.line[0] == line && contains(w.msg[0], msg),
       "invalid UTF-8: repaired, one warning naming file, offset %zu, line "
       "%zu (%s)",
       at, line, w.n ? w.msg[0] : "no warning");
    ok(t && contains(t, "a \xEF\xBF\xBDmonumental"),
       "invalid UTF-8: byte replaced by U+FFFD");
    {
      ra_article *a = NULL;
      ra_error_clear(&err);
      ok(t && ra_article_parse(m, NULL, p, t, n, &a, NULL, NULL, &err) ==
                  RA_OK &&
             a && streq(a->id, "bad-utf8"),
         "invalid UTF-8: repaired page parses");
      ra_article_free(a);
    }
    free(t);
  }
  {
    /* many bad sequences: the warnings are capped */
    char buf[256], *t;
    size_t k, n = 0;
    int rep = 0;
    warns w;
    memset(&w, 0, sizeof w);
    strcpy(buf, "A Title\n\nA Title\n\n");
    for (k = 0; k < 20; k++) strcat(buf, "x\xC3(");
    tmp_path(p, sizeof p, "many-bad.txt");
    write_file(p, buf, strlen(buf));
    t = read_ok(p, &n, &rep, &w);
    ok(t && rep && w.n == 6 && contains(w.msg[5], "15 more"),
       "invalid UTF-8: 20 bad sequences -> 5 warnings + \"... 15 more\" (%d)",
       w.n);
    free(t);
  }
  {
    char *buf = malloc(pg->len + 4), *t, *j;
    size_t n = 0;
    int rep = 0;
    warns w;
    memset(&w, 0, sizeof w);
    memcpy(buf, "\xEF\xBB\xBF", 3);
    memcpy(buf + 3, pg->text, pg->len);
    tmp_path(p, sizeof p, "bom.txt");
    write_file(p, buf, pg->len + 3);
    free(buf);
    t = read_ok(p, &n, &rep, &w);
    j = t ? parse_json_of(m, t, n) : NULL;
    ok(t && !rep && w.n == 0 && n == pg->len && j && ref && strcmp(j, ref) == 0,
       "UTF-8 BOM: stripped silently, same parse as without");
    free(j);
    free(t);
  }
  {
    size_t i, k = 0, n = 0;
    char *buf = malloc(pg->len * 2 + 1), *t, *j;
    int rep = 0, mode;
    for (mode = 0; mode < 2; mode++) {
      warns w;
      memset(&w, 0, sizeof w);
      k = 0;
      for (i = 0; i < pg->len; i++) {
        if (pg->text[i] == '\n') {
          buf[k++] = '\r';
          if (mode == 0) buf[k++] = '\n';
        } else {
          buf[k++] = pg->text[i];
        }
      }
      tmp_path(p, sizeof p, mode ? "cr.txt" : "crlf.txt");
      write_file(p, buf, k);
      t = read_ok(p, &n, &rep, &w);
      j = t ? parse_json_of(m, t, n) : NULL;
      ok(t && !rep && w.n == 0 && j && ref && strcmp(j, ref) == 0,
         "%s line ends: converted silently, same parse as LF",
         mode ? "lone CR" : "CRLF");
      free(j);
      free(t);
    }
    free(buf);
  }
  {
    const char *nt =
        "Residency Advisor\nResources\n\nThis page starts with a long "
        "paragraph instead of a title, which is not something the parser can "
        "use as a title because it is a sentence of running text that goes on "
        "and on, well past any sensible title length, describing nothing in "
        "particular while it keeps adding words until it is more than three "
        "hundred bytes long, and then it ends.\n\nAnother paragraph.\n";
    char *t;
    size_t n = 0;
    int rep = 0;
    ra_article *a = NULL;
    warns w;
    memset(&w, 0, sizeof w);
    tmp_path(p, sizeof p, "no-title.txt");
    write_file(p, nt, strlen(nt));
    t = read_ok(p, &n, &rep, &w);
    ra_error_clear(&err);
    ok(t && ra_article_parse(m, NULL, p, t, n, &a, NULL, NULL, &err) ==
                RA_ERR_INVALID &&
           !a && contains(err.msg, p) && contains(err.msg, "title"),
       "no recognisable title -> RA_ERR_INVALID naming the file (%s)",
       err.msg);
    free(t);
    t = "Residency Advisor\nResources\n\noverview\n\nRelated Articles";
    ra_error_clear(&err);
    ok(ra_article_parse(NULL, "chrome-only", NULL, t, strlen(t), &a, NULL,
                        NULL, &err) == RA_ERR_INVALID &&
           contains(err.msg, "chrome-only"),
       "page of nothing but chrome and footer -> no title (%s)", err.msg);
  }
  {
    const char *t = "My Title\n\nMy Title\n\nIntroduction\n\nSome text here.\n";
    ra_article *a = NULL;
    warns w;
    memset(&w, 0, sizeof w);
    ra_error_clear(&err);
    ok(ra_article_parse(m, "nt", "nt.txt", t, strlen(t), &a, warn_sink, &w,
                        &err) == RA_OK &&
           a && a->n_tags == 0 && w.n == 1 && contains(w.msg[0], "tag line") &&
           a->n_sections == 1 && streq(a->sections[0].heading, "Introduction"),
       "page without tag line: warning, no tags, heading kept");
    ra_article_free(a);
  }
  free(ref);
}

/* ---- robustness --------------------------------------------------------- */

static uint64_t rng = 0x9E3779B97F4A7C15ULL;
static uint64_t rnd(void) {
  rng ^= rng << 13;
  rng ^= rng >> 7;
  rng ^= rng << 17;
  return rng;
}

/* One random mutation: byte insertions, deletions, line shuffles,
 * duplication, truncation or a huge line. */
static char *mutate(const char *s, size_t n, size_t *out_n) {
  size_t cap = n * 2 + 70000, k = 0, i;
  char *o = malloc(cap);
  int op = (int)(rnd() % 7);
  if (!o) return NULL;
  memcpy(o, s, n);
  k = n;
  switch (op) {
    case 0: /* random bytes inserted */
      for (i = 0; i < 1 + rnd() % 20 && k + 1 < cap; i++) {
        size_t at = k ? rnd() % k : 0;
        memmove(o + at + 1, o + at, k - at);
        o[at] = (char)(rnd() & 0xFF);
        k++;
      }
      break;
    case 1: /* random ranges deleted */
      for (i = 0; i < 1 + rnd() % 10 && k > 0; i++) {
        size_t at = rnd() % k, len = rnd() % 200;
        if (at + len > k) len = k - at;
        memmove(o + at, o + at + len, k - at - len);
        k -= len;
      }
      break;
    case 2: { /* lines shuffled */
      char *lines[1024];
      size_t nl = 0, j;
      char *copy = malloc(n + 1), *save = NULL, *tok;
      if (!copy) break;
      memcpy(copy, s, n);
      copy[n] = '\0';
      for (tok = strtok_r(copy, "\n", &save); tok && nl < 1024;
           tok = strtok_r(NULL, "\n", &save))
        lines[nl++] = tok;
      for (j = nl; j > 1; j--) {
        size_t r = rnd() % j;
        char *tmp = lines[j - 1];
        lines[j - 1] = lines[r];
        lines[r] = tmp;
      }
      k = 0;
      for (j = 0; j < nl; j++) {
        size_t l = strlen(lines[j]);
        memcpy(o + k, lines[j], l);
        k += l;
        o[k++] = '\n';
      }
      free(copy);
      break;
    }
    case 3: /* truncated */
      k = n ? rnd() % n : 0;
      break;
    case 4: /* a huge line of repeated words */
      for (i = 0; i < 60000 && k + 1 < cap; i++) o[k++] = "Word "[i % 5];
      break;
    case 5: /* all random bytes */
      k = rnd() % 4000;
      for (i = 0; i < k; i++) o[i] = (char)(rnd() & 0xFF);
      break;
    default: /* random bytes overwritten */
      for (i = 0; i < 1 + rnd() % 50 && k; i++) o[rnd() % k] = (char)(rnd() & 0xFF);
      break;
  }
  *out_n = k;
  return o;
}

static void test_robust(const ra_model *m) {
  int i, parsed = 0, failed = 0, bad = 0, raw_ok = 1;
  ra_model *lm = NULL;
  ra_error err;
  ra_error_clear(&err);
  ra_model_new(&lm, &err);
  for (i = 0; i < 400 && n_pages; i++) {
    const page *pg = &pages[(size_t)i % n_pages];
    size_t n = 0, cn = 0;
    char *buf = mutate(pg->text, pg->len, &n), *clean = NULL;
    ra_article *a = NULL, *r = NULL;
    ra_status st;
    if (!buf) continue;
    ra_error_clear(&err);
    st = ra_article_clean("mutant", buf, n, MAX_SIZE, &clean, &cn, NULL, NULL,
                          NULL, &err);
    if (st == RA_OK) {
      ra_model_learn(lm, clean, cn, &err);
      ra_error_clear(&err);
      st = ra_article_parse(m, "mutant", NULL, clean, cn, &a, NULL, NULL, &err);
    }
    if (st == RA_OK) {
      char *j = to_json(a), *j2 = NULL;
      ra_article *b = NULL;
      parsed++;
      if (!j || ra_article_from_json(j, strlen(j), &b, &err) != RA_OK ||
          !(j2 = to_json(b)) || strcmp(j, j2) != 0)
        bad++;
      free(j);
      free(j2);
      ra_article_free(b);
    } else {
      failed++;
      if (!contains(err.msg, "mutant")) bad++;
    }
    /* raw bytes straight into the parser must not crash either */
    ra_error_clear(&err);
    if (ra_article_parse(m, "raw", NULL, buf, n, &r, NULL, NULL, &err) ==
        RA_OK) {
      char *j = to_json(r);
      if (!j) raw_ok = 0;
      free(j);
    }
    ra_article_free(r);
    ra_article_free(a);
    free(clean);
    free(buf);
  }
  ra_model_finish(lm, &err);
  ok(bad == 0, "robustness: 400 mutated pages parsed (%d) or failed cleanly "
               "(%d) with the name in the message, JSON round trip intact",
     parsed, failed);
  ok(raw_ok, "robustness: raw mutated bytes (NULs, bad UTF-8) parse safely");
  ra_model_free(lm);

  {
    static const char *const odd[] = {
        "Only A Title",
        "Heading One\nHeading Two\nHeading Three\nHeading Four\nConclusion",
        "Title\n\nTitle\n\nTags Here\n\nFAQs\n\nWhat?\n\n1. Why?\n\n",
        "Title\n  \xE2\x80\xA2 item\n        \xE2\x80\xA2 deep\n  - x\n    y\n",
        "\xE2\x80\xA2 \n- \n* \n1. \n",
        "Title\n\nTitle\n\nand of the\n",
        "T\n\nT\n\nA B C D E F G H I J K L M N O P Q R S T U V W X Y Z A B C "
        "D E F G H I J K L M N"};
    size_t k;
    int good = 1;
    for (k = 0; k < sizeof odd / sizeof odd[0]; k++) {
      ra_article *a = NULL;
      ra_error_clear(&err);
      if (ra_article_parse(m, "odd", NULL, odd[k], strlen(odd[k]), &a, NULL,
                           NULL, &err) == RA_OK) {
        char *j = to_json(a);
        if (!j) good = 0;
        free(j);
      } else if (!contains(err.msg, "odd")) {
        good = 0;
      }
      ra_article_free(a);
    }
    ok(good, "robustness: title only, headings only, empty bullets, connector "
             "tag line");
    {
      ra_article *a = NULL;
      ra_error_clear(&err);
      ok(ra_article_parse(m, "t", NULL, odd[0], strlen(odd[0]), &a, NULL, NULL,
                          &err) == RA_OK &&
             a && streq(a->title, "Only A Title") && a->n_sections == 0,
         "robustness: a page that is only a title parses with no sections");
      ra_article_free(a);
    }
  }
  {
    /* a 4 MB single line and 200k short lines: linear time */
    size_t n = 4u << 20, q;
    char *big = malloc(n + 32);
    double t0;
    ra_article *a = NULL;
    int good;
    strcpy(big, "Big Page\n\nBig Page\n\n");
    for (q = strlen(big); q < n; q++) big[q] = "lorem ipsum dolor. "[q % 19];
    big[n] = '\0';
    t0 = now();
    ra_error_clear(&err);
    good = ra_article_parse(m, "big", NULL, big, n, &a, NULL, NULL, &err) ==
               RA_OK &&
           a && a->n_sections == 1;
    ra_article_free(a);
    a = NULL;
    for (q = 0; q + 20 < n; q += 20) memcpy(big + q, "Line of text here.\n\n", 20);
    good = good && ra_article_parse(m, "big2", NULL, big, n, &a, NULL, NULL,
                                    &err) == RA_OK;
    ok(good, "robustness: 4 MB single line and 200k-line page parse (%.2f s)",
       now() - t0);
    ra_article_free(a);
    free(big);
  }
}

static void test_misc(void) {
  struct {
    const char *in, *want;
  } t[] = {{"corpus/x.txt", "x"},      {"a/b.c.txt", "b.c"},
           {"noext", "noext"},         {"dir/.hidden", ".hidden"},
           {"trailing/", "trailing"},  {"/abs/path/000_f9.txt", "000_f9"}};
  size_t i;
  int good = 1;
  for (i = 0; i < sizeof t / sizeof t[0]; i++) {
    char *id = ra_article_id_from_path(t[i].in);
    if (!streq(id, t[i].want)) {
      diag("id_from_path(%s) = %s", t[i].in, id ? id : "(null)");
      good = 0;
    }
    free(id);
  }
  ok(good, "ra_article_id_from_path: basename without last extension");
  ra_article_free(NULL);
  ra_model_free(NULL);
  ra_strv_free(NULL, 3);
  ok(1, "free functions accept NULL");
}

static void bench(const ra_model *m) {
  size_t i, k, bytes = 0;
  double t0 = now(), dt;
  for (k = 0; k < 40; k++)
    for (i = 0; i < n_pages; i++) {
      ra_article *a = parse_page(m, &pages[i]);
      bytes += pages[i].len;
      ra_article_free(a);
    }
  dt = now() - t0;
  diag("parse: %zu pages in %.3f s (%.0f pages/s, %.1f MB/s; sanitizers "
       "slow this down)",
       k * n_pages, dt, (double)(k * n_pages) / dt, (double)bytes / dt / 1e6);
}

static void cleanup_tmp(void) {
  static const char *const names[] = {
      "empty.txt", "blank.txt", "nul.txt",  "huge.txt",    "bad-utf8.txt",
      "many-bad.txt", "bom.txt", "crlf.txt", "cr.txt",     "no-title.txt"};
  size_t i;
  char p[600];
  for (i = 0; i < sizeof names / sizeof names[0]; i++) {
    tmp_path(p, sizeof p, names[i]);
    unlink(p);
  }
  if (rmdir(tmpdir) != 0) diag("cannot remove %s: %s", tmpdir, strerror(errno));
}

int main(void) {
  const char *srcdir = getenv("srcdir");
  const char *td = getenv("TMPDIR");
  char tags_path[1024];
  ra_model *m;
  size_t i;

  if (!srcdir || !*srcdir) srcdir = ".";
  snprintf(tmpdir, sizeof tmpdir, "%s/test_article.XXXXXX",
           td && *td ? td : "/tmp");
  if (!mkdtemp(tmpdir)) {
    printf("1..0 # SKIP cannot create a temporary directory\n");
    return 0;
  }
  snprintf(tags_path, sizeof tags_path, "%s/corpus/tags.txt", srcdir);
  load_corpus(srcdir);
  ok(n_pages >= 5, "corpus: %zu sample pages read from %s/corpus", n_pages,
     srcdir);
  if (n_pages < 5) {
    cleanup_tmp();
    printf("1..%d\n", n_test);
    return 1;
  }
  m = build_model(tags_path, 1);
  test_corpus(m);
  test_tags(m, tags_path);
  test_model(m, tags_path);
  test_generalise(m, tags_path);
  test_json(m);
  test_bad_input(m);
  test_robust(m);
  test_misc();
  bench(m);
  ra_model_free(m);
  for (i = 0; i < n_pages; i++) {
    free(pages[i].text);
    free(pages[i].path);
    free(pages[i].id);
  }
  cleanup_tmp();
  printf("1..%d\n", n_test);
  return n_fail ? 1 : 0;
}

/* illustration.c - finding illustration descriptions (image prompts, alt
 * text) in a page's paragraphs by their visual cue words. */
#include "illustration.h"

#include "hash.h"
#include "hix.h"
#include "textutil.h"

#include <stdint.h>
#include <string.h>

#define CAPTION_MAX_BYTES 400
#define MAX_SENTENCES 256

/* ---- illustrations ---------------------------------------------------------- */

/* Words typical of image-generation prompts and alt text ("A vibrant
 * scene ... Soft, ambient lighting ... Photorealistic style, capturing
 * ...") and, with negative weight, of advice prose addressed to the
 * reader.  Weights: 2 strong visual cue, 1 weak cue, <0 prose. */
static const struct {
  const char *w;
  int weight;
} cue_words[] = {
    {"scene", 2},         {"scenes", 2},       {"depicting", 2},
    {"depicts", 2},       {"depicted", 2},     {"depiction", 2},
    {"lighting", 2},      {"illuminates", 2},  {"illuminating", 2},
    {"illuminated", 2},   {"illuminate", 2},   {"illumination", 2},
    {"glow", 2},          {"glows", 2},        {"glowing", 2},
    {"shadows", 2},       {"spotlight", 2},    {"foreground", 2},
    {"background", 2},    {"backdrop", 2},     {"photorealistic", 2},
    {"painting", 2},      {"watercolor", 2},   {"watercolour", 2},
    {"cinematic", 2},     {"hues", 2},         {"palette", 2},
    {"sunlight", 2},      {"daylight", 2},     {"bokeh", 2},
    {"rendered", 2},      {"atmosphere", 1},   {"showcasing", 1},
    {"showcases", 1},     {"capturing", 1},    {"captures", 1},
    {"highlighting", 1},  {"emphasizing", 1},  {"emphasising", 1},
    {"symbolizing", 1},   {"symbolising", 1},  {"symbolizes", 1},
    {"conveying", 1},     {"illustrating", 1}, {"radiating", 1},
    {"vibrant", 1},       {"cozy", 1},         {"cosy", 1},
    {"bustling", 1},      {"scrubs", 1},       {"coats", 1},
    {"decorated", 1},     {"decor", 1},        {"decorations", 1},
    {"smiling", 1},       {"smile", 1},        {"smiles", 1},
    {"ambient", 1},       {"warm", 1},         {"bright", 1},
    {"soft", 1},          {"windows", 1},      {"banners", 1},
    {"posters", 1},       {"colorful", 1},     {"colourful", 1},
    {"inviting", 1},      {"mingling", 1},     {"laughing", 1},
    {"spacious", 1},      {"filled", 1},       {"animated", 1},
    {"lively", 1},        {"style", 1},        {"adorned", 1},
    {"overlooking", 1},   {"sunny", 1},        {"airy", 1},
    {"candid", 1},        {"intimate", 1},     {"serene", 1},
    {"stethoscope", 1},   {"stethoscopes", 1}, {"whiteboard", 1},
    {"laptops", 1},       {"textbooks", 1},    {"expressions", 1},
    {"faces", 1},         {"posture", 1},      {"attire", 1},
    {"gathered", 1},      {"seated", 1},       {"surrounded", 1},
    {"encapsulates", 1},  {"streams", 1},      {"casts", 1},
    {"lit", 1},           {"embracing", 1},    {"reflecting", 1},
    {"you", -2},          {"your", -2},        {"you're", -2},
    {"yours", -2},        {"yourself", -2},    {"we", -1},
    {"our", -1},          {"i", -1},           {"i'm", -1},
    {"my", -1},           {"can", -1},         {"should", -1},
    {"must", -1},         {"will", -1},        {"may", -1},
    {"might", -1},        {"could", -1},       {"would", -1},
    {"let's", -1},
};
#define N_CUES (sizeof cue_words / sizeof cue_words[0])

static uint64_t cue_hash(const char *s, size_t n) {
  uint64_t h = RA_FNV_INIT;
  size_t i;
  for (i = 0; i < n; i++) h = ra_fnv1a_byte(h, (unsigned char)ra_to_lower((unsigned char)s[i]));
  return ra_hix_nz(h);
}

void ra_illustration_cuetab_init(ra_cuetab *c) {
  size_t i;
  memset(c, 0, sizeof *c);
  for (i = 0; i < N_CUES; i++) {
    uint64_t h = cue_hash(cue_words[i].w, strlen(cue_words[i].w));
    size_t k = (size_t)(h & 255);
    c->first |= 1u << (cue_words[i].w[0] - 'a');
    if (strlen(cue_words[i].w) > c->maxlen) c->maxlen = strlen(cue_words[i].w);
    while (c->key[k]) k = (k + 1) & 255;
    c->key[k] = h;
    c->w[k] = cue_words[i].weight;
  }
}

static int cue_weight(const ra_cuetab *c, const char *s, size_t n) {
  uint64_t h = cue_hash(s, n);
  size_t k = (size_t)(h & 255);
  while (c->key[k]) {
    if (c->key[k] == h) return c->w[k];
    k = (k + 1) & 255;
  }
  return 0;
}

/* Sentence starts in s: after . ! ? (and closing quotes) followed by a
 * space and an uppercase letter, digit, quote or non-ASCII character, not
 * after common abbreviations or initials. */
static size_t sentence_starts(const char *s, size_t n, size_t *st, size_t max) {
  size_t k = 0, i;
  st[k++] = 0;
  for (i = 0; i + 2 < n && k < max; i++) {
    size_t j, b;
    unsigned char nx;
    if (s[i] != '.' && s[i] != '!' && s[i] != '?') continue;
    j = i + 1;
    while (j < n && (s[j] == '"' || s[j] == '\'' || s[j] == ')')) j++;
    if (j + 3 <= n && (unsigned char)s[j] == 0xE2 &&
        (unsigned char)s[j + 1] == 0x80 &&
        ((unsigned char)s[j + 2] == 0x9D || (unsigned char)s[j + 2] == 0x99))
      j += 3;
    if (j + 1 >= n || s[j] != ' ') continue;
    nx = (unsigned char)s[j + 1];
    if (!(ra_is_upper(nx) || ra_is_digit(nx) || nx == '"' || nx >= 0x80)) continue;
    if (s[i] == '.') {
      static const char *const abbr[] = {"dr", "mr", "mrs", "ms", "st", "vs",
                                         "jr", "sr", "prof", "e.g", "i.e",
                                         "etc", "no", "fig", "approx"};
      size_t a, wl;
      b = i;
      while (b > 0 && s[b - 1] != ' ') b--;
      wl = i - b;
      if (wl <= 1) continue; /* initials: "J. Smith" */
      for (a = 0; a < sizeof abbr / sizeof abbr[0]; a++)
        if (strlen(abbr[a]) == wl && ra_ascii_ncaseeq(s + b, abbr[a], wl)) break;
      if (a < sizeof abbr / sizeof abbr[0]) continue;
    }
    st[k++] = j + 1;
  }
  return k;
}

/* Sentences that describe a setting: "The room is ...", "The atmosphere
 * is ...", "In the background, ...". */
static int setting_opener(const char *s, size_t a, size_t b) {
  static const char *const nouns[] = {
      "scene ",  "atmosphere ", "room ",   "setting ",  "space ",
      "venue ",  "corridor ",   "hallway ", "backdrop ", "background",
      "foreground", "layout ",  "image ",  "composition ", "lighting ",
      "mood ",   "walls ",      "lounge ", "light "};
  size_t k, off;
  if (b - a > 4 && ra_ascii_ncaseeq(s + a, "The ", 4))
    off = a + 4;
  else if (b - a > 7 && ra_ascii_ncaseeq(s + a, "In the ", 7))
    off = a + 7;
  else
    return 0;
  for (k = 0; k < sizeof nouns / sizeof nouns[0]; k++) {
    size_t l = strlen(nouns[k]);
    if (b - off >= l && ra_ascii_ncaseeq(s + off, nouns[k], l)) return 1;
  }
  return 0;
}

/* Positive and negative cue totals of the sentence s[a..b). */
static void cue_score(const ra_cuetab *c, const char *s, size_t a, size_t b,
                      int *pos, int *neg) {
  size_t i = a;
  *pos = setting_opener(s, a, b) ? 2 : 0;
  *neg = 0;
  while (i < b) {
    size_t j;
    int w;
    if (!ra_is_alpha((unsigned char)s[i])) {
      i++;
      continue;
    }
    j = i;
    while (j < b && (ra_is_alpha((unsigned char)s[j]) ||
                     (s[j] == '\'' && j + 1 < b && ra_is_alpha((unsigned char)s[j + 1]))))
      j++;
    w = (j - i <= c->maxlen &&
         (c->first >> (ra_to_lower((unsigned char)s[i]) - 'a')) & 1u)
            ? cue_weight(c, s + i, j - i)
            : 0;
    if (w > 0)
      *pos += w;
    else
      *neg -= w;
    i = j;
  }
}

void ra_illustration_cue_score(const ra_cuetab *c, const char *s, size_t n,
                               int *pos, int *neg) {
  cue_score(c, s, 0, n, pos, neg);
}

/* Where an illustration description starts in a paragraph: 0 if the whole
 * paragraph is one, n if there is none.  Works per sentence because a
 * description can be glued to the end of a real paragraph: the split is
 * the earliest sentence from which the rest reads as a description (score
 * >= 6 and >= 1.5 per sentence, reader-directed words counting against it,
 * and a first sentence that does not talk to the reader) while the text
 * before it carries no visual cues. */
size_t ra_illustration_split(const ra_cuetab *c, const char *s, size_t n) {
  size_t st[MAX_SENTENCES + 1], ns, k;
  int pos[MAX_SENTENCES], neg[MAX_SENTENCES];
  int suf_pos = 0, suf_neg = 0, pre_pos = 0;
  if (n < 60) return n;
  ns = sentence_starts(s, n, st, MAX_SENTENCES);
  st[ns] = n;
  for (k = 0; k < ns; k++) {
    cue_score(c, s, st[k], st[k + 1], &pos[k], &neg[k]);
    suf_pos += pos[k];
    suf_neg += neg[k];
  }
  /* suf_* = cues of sentences k.., pre_pos = visual cues before k */
  for (k = 0; k < ns; k++) {
    int score = suf_pos - suf_neg;
    if (pre_pos > 1) break;
    if (score >= 6 && 2 * score >= 3 * (int)(ns - k) && neg[k] <= 1 &&
        2 * suf_neg <= suf_pos)
      return st[k];
    suf_pos -= pos[k];
    suf_neg -= neg[k];
    pre_pos += pos[k];
  }
  return n;
}

/* Alt text: "Residents collaborating ... - Residency for Enhancing Your
 * Medical Career: The Impac" - a separator, then (a truncated prefix of)
 * the page title running to the end of the line. */
int ra_illustration_is_caption(const ra_pline *p, const char *title,
                               size_t tn) {
  static const char *const seps[] = {" - ", " \xE2\x80\x93 ", " \xE2\x80\x94 ",
                                     " | "};
  const char *s = p->t;
  size_t n = p->n, k, i, minlen = tn < 12 ? tn : 12;
  if (!title || !tn || n > CAPTION_MAX_BYTES) return 0;
  for (k = 0; k < sizeof seps / sizeof seps[0]; k++) {
    size_t sl = strlen(seps[k]);
    for (i = 1; i + sl < n; i++) {
      size_t p0, q;
      if (s[i] != ' ' || memcmp(s + i, seps[k], sl) != 0) continue;
      p0 = i + sl;
      for (q = p0; q < n; q++) {
        size_t len = n - q;
        if (q > p0 && s[q - 1] != ' ') continue;
        if (len >= minlen && len <= tn && ra_ascii_ncaseeq(s + q, title, len))
          return 1;
      }
    }
  }
  return 0;
}

/* article_json.c - the JSON form of an article (jansson): what
 * `ra-index --dump` prints, and what indexes of format 3 or older stored
 * (search.c still reads those).  The fields are listed in article.h. */
#define _POSIX_C_SOURCE 200809L

#include "article.h"

#include "article_build.h"
#include "textutil.h"

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static json_t *jstr(const char *s, int *bad) {
  json_t *j;
  if (!s) return json_null();
  j = json_string(s);
  if (!j) *bad = 1;
  return j;
}

static void jset(json_t *o, const char *k, json_t *v, int *bad) {
  if (!v || json_object_set_new(o, k, v)) *bad = 1;
}

static void jpush(json_t *arr, json_t *v, int *bad) {
  if (!v || json_array_append_new(arr, v)) *bad = 1;
}

static json_t *blocks_json(const ra_block *b, size_t n, int *bad) {
  json_t *arr = json_array();
  size_t i;
  if (!arr) {
    *bad = 1;
    return NULL;
  }
  for (i = 0; i < n; i++) {
    json_t *o = json_object();
    if (!o) {
      *bad = 1;
      break;
    }
    jset(o, "kind", json_string(b[i].kind == RA_BLOCK_ITEM ? "item" : "para"), bad);
    jset(o, "level", json_integer(b[i].level), bad);
    jset(o, "text", jstr(b[i].text ? b[i].text : "", bad), bad);
    jpush(arr, o, bad);
  }
  return arr;
}

ra_status ra_article_to_json(const ra_article *a, int flags, char **out,
                             ra_error *err) {
  json_t *o, *arr;
  int bad = 0;
  size_t i;
  char *s;
  if (out) *out = NULL;
  if (!a || !out)
    return ra_error_set(err, RA_ERR_USAGE, "ra_article_to_json: bad arguments");
  o = json_object();
  if (!o) return ra_nomem(err);
  jset(o, "id", jstr(a->id ? a->id : "", &bad), &bad);
  jset(o, "path", jstr(a->path, &bad), &bad);
  jset(o, "url", jstr(a->url, &bad), &bad);
  jset(o, "title", jstr(a->title ? a->title : "", &bad), &bad);
  jset(o, "category", jstr(a->category, &bad), &bad);
  arr = json_array();
  for (i = 0; arr && i < a->n_tags; i++) jpush(arr, jstr(a->tags[i], &bad), &bad);
  jset(o, "tags", arr, &bad);
  arr = json_array();
  for (i = 0; arr && i < a->n_sections; i++) {
    json_t *so = json_object();
    if (!so) {
      bad = 1;
      break;
    }
    jset(so, "heading", jstr(a->sections[i].heading, &bad), &bad);
    jset(so, "blocks",
         blocks_json(a->sections[i].blocks, a->sections[i].n_blocks, &bad), &bad);
    jpush(arr, so, &bad);
  }
  jset(o, "sections", arr, &bad);
  arr = json_array();
  for (i = 0; arr && i < a->n_illustrations; i++)
    jpush(arr, jstr(a->illustrations[i], &bad), &bad);
  jset(o, "illustrations", arr, &bad);
  arr = json_array();
  for (i = 0; arr && i < a->n_faqs; i++) {
    json_t *fo = json_object();
    if (!fo) {
      bad = 1;
      break;
    }
    jset(fo, "question", jstr(a->faqs[i].question ? a->faqs[i].question : "", &bad),
         &bad);
    jset(fo, "answer", blocks_json(a->faqs[i].answer, a->faqs[i].n_answer, &bad),
         &bad);
    jpush(arr, fo, &bad);
  }
  jset(o, "faqs", arr, &bad);
  if (bad) {
    json_decref(o);
    return ra_error_set(err, RA_ERR_UTF8,
                        "article %s: cannot encode as JSON (invalid UTF-8 or "
                        "out of memory)",
                        a->id ? a->id : "?");
  }
  s = json_dumps(o, (flags & RA_JSON_PRETTY) ? (JSON_INDENT(2) | JSON_PRESERVE_ORDER)
                                             : (JSON_COMPACT | JSON_PRESERVE_ORDER));
  json_decref(o);
  if (!s) return ra_nomem(err);
  *out = s;
  return RA_OK;
}

/* Reads a string member; absent or null gives NULL unless required. */
static ra_status jget_str(json_t *o, const char *k, int required, char **dst,
                          const char *what, ra_error *err) {
  json_t *v = json_object_get(o, k);
  *dst = NULL;
  if (!v || json_is_null(v)) {
    if (required)
      return ra_error_set(err, RA_ERR_INVALID,
                          "article JSON: %s\"%s\" is missing", what, k);
    return RA_OK;
  }
  if (!json_is_string(v))
    return ra_error_set(err, RA_ERR_INVALID,
                        "article JSON: %s\"%s\" must be a string", what, k);
  *dst = ra_strndup(json_string_value(v), json_string_length(v));
  return *dst ? RA_OK : ra_nomem(err);
}

/* An array member (absent or null: *arr = NULL). */
static ra_status jget_arr(json_t *o, const char *k, const char *what,
                          json_t **arr, ra_error *err) {
  json_t *v = json_object_get(o, k);
  *arr = NULL;
  if (!v || json_is_null(v)) return RA_OK;
  if (!json_is_array(v))
    return ra_error_set(err, RA_ERR_INVALID,
                        "article JSON: %s\"%s\" must be an array", what, k);
  *arr = v;
  return RA_OK;
}

static ra_status blocks_from_json(json_t *arr, ra_block **out, size_t *n,
                                  const char *what, ra_error *err) {
  size_t i;
  json_t *b;
  json_array_foreach(arr, i, b) {
    json_t *kind, *level, *text;
    ra_block_kind kd;
    json_int_t lv = 0;
    if (!json_is_object(b))
      return ra_error_set(err, RA_ERR_INVALID,
                          "article JSON: %s[%zu] must be an object", what, i);
    kind = json_object_get(b, "kind");
    level = json_object_get(b, "level");
    text = json_object_get(b, "text");
    if (!json_is_string(kind) ||
        (strcmp(json_string_value(kind), "para") != 0 &&
         strcmp(json_string_value(kind), "item") != 0))
      return ra_error_set(
          err, RA_ERR_INVALID,
          "article JSON: %s[%zu].kind must be \"para\" or \"item\"", what, i);
    kd = strcmp(json_string_value(kind), "item") == 0 ? RA_BLOCK_ITEM
                                                       : RA_BLOCK_PARA;
    if (level && !json_is_null(level)) {
      if (!json_is_integer(level) || json_integer_value(level) < 0 ||
          json_integer_value(level) > 1000)
        return ra_error_set(
            err, RA_ERR_INVALID,
            "article JSON: %s[%zu].level must be an integer 0..1000", what, i);
      lv = json_integer_value(level);
    }
    if (!json_is_string(text))
      return ra_error_set(err, RA_ERR_INVALID,
                          "article JSON: %s[%zu].text must be a string", what,
                          i);
    if (ra_article_push_block(out, n, kd, (int)lv, json_string_value(text),
                   json_string_length(text)))
      return ra_nomem(err);
  }
  return RA_OK;
}

static ra_status strings_from_json(json_t *arr, char ***out, size_t *n,
                                   const char *what, ra_error *err) {
  size_t i;
  json_t *v;
  json_array_foreach(arr, i, v) {
    if (!json_is_string(v))
      return ra_error_set(err, RA_ERR_INVALID,
                          "article JSON: %s[%zu] must be a string", what, i);
    if (ra_article_push_str(out, n, json_string_value(v), json_string_length(v)))
      return ra_nomem(err);
  }
  return RA_OK;
}

static ra_status article_from_root(json_t *root, ra_article *a,
                                   ra_error *err) {
  json_t *arr, *v;
  size_t i;
  char what[64];
  ra_status rc;
  if ((rc = jget_str(root, "id", 1, &a->id, "", err)) ||
      (rc = jget_str(root, "path", 0, &a->path, "", err)) ||
      (rc = jget_str(root, "url", 0, &a->url, "", err)) ||
      (rc = jget_str(root, "title", 1, &a->title, "", err)) ||
      (rc = jget_str(root, "category", 0, &a->category, "", err)))
    return rc;
  if ((rc = jget_arr(root, "tags", "", &arr, err)) ||
      (rc = strings_from_json(arr, &a->tags, &a->n_tags, "tags", err)))
    return rc;
  if ((rc = jget_arr(root, "sections", "", &arr, err))) return rc;
  json_array_foreach(arr, i, v) {
    json_t *bl;
    ra_section *sec;
    if (!json_is_object(v))
      return ra_error_set(err, RA_ERR_INVALID,
                          "article JSON: sections[%zu] must be an object", i);
    if (ra_article_push_section(a, NULL, 0)) return ra_nomem(err);
    sec = &a->sections[a->n_sections - 1];
    snprintf(what, sizeof what, "sections[%zu].", i);
    if ((rc = jget_str(v, "heading", 0, &sec->heading, what, err)) ||
        (rc = jget_arr(v, "blocks", what, &bl, err)))
      return rc;
    snprintf(what, sizeof what, "sections[%zu].blocks", i);
    if ((rc = blocks_from_json(bl, &sec->blocks, &sec->n_blocks, what, err)))
      return rc;
  }
  if ((rc = jget_arr(root, "illustrations", "", &arr, err)) ||
      (rc = strings_from_json(arr, &a->illustrations, &a->n_illustrations,
                              "illustrations", err)))
    return rc;
  if ((rc = jget_arr(root, "faqs", "", &arr, err))) return rc;
  json_array_foreach(arr, i, v) {
    json_t *ans;
    ra_faq *f;
    if (!json_is_object(v))
      return ra_error_set(err, RA_ERR_INVALID,
                          "article JSON: faqs[%zu] must be an object", i);
    if (!json_is_string(json_object_get(v, "question")))
      return ra_error_set(err, RA_ERR_INVALID,
                          "article JSON: faqs[%zu].question must be a string",
                          i);
    if (ra_article_push_faq(a, json_string_value(json_object_get(v, "question")),
                 json_string_length(json_object_get(v, "question"))))
      return ra_nomem(err);
    f = &a->faqs[a->n_faqs - 1];
    snprintf(what, sizeof what, "faqs[%zu].", i);
    if ((rc = jget_arr(v, "answer", what, &ans, err))) return rc;
    snprintf(what, sizeof what, "faqs[%zu].answer", i);
    if ((rc = blocks_from_json(ans, &f->answer, &f->n_answer, what, err)))
      return rc;
  }
  return RA_OK;
}

ra_status ra_article_from_json(const char *json, size_t len, ra_article **out,
                               ra_error *err) {
  json_error_t je;
  json_t *root;
  ra_article *a;
  ra_status rc;
  if (out) *out = NULL;
  if (!out || (!json && len))
    return ra_error_set(err, RA_ERR_USAGE,
                        "ra_article_from_json: bad arguments");
  root = json_loadb(json ? json : "", len, JSON_REJECT_DUPLICATES, &je);
  if (!root)
    return ra_error_set(err, RA_ERR_INVALID,
                        "article JSON: line %d column %d: %s", je.line,
                        je.column, je.text);
  if (!json_is_object(root)) {
    json_decref(root);
    return ra_error_set(err, RA_ERR_INVALID,
                        "article JSON: top level must be an object");
  }
  a = calloc(1, sizeof *a);
  if (!a) {
    json_decref(root);
    return ra_nomem(err);
  }
  rc = article_from_root(root, a, err);
  json_decref(root);
  if (rc != RA_OK) {
    ra_article_free(a);
    return rc;
  }
  *out = a;
  return RA_OK;
}

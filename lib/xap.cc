// xap.cc - the extern "C" shim over libxapian (the only C++ in rasearch).
//
// Every entry point wraps its body in try/catch and converts whatever was
// thrown into an ra_status plus message: in Xapian 1.4 Xapian::Error does not
// derive from std::exception, so both hierarchies are caught explicitly.
#include <config.h>

#include "xap.h"
#include "cluster.h"
#include "hash.h"
#include "ident.h"
#include "schema.h"

#include <xapian.h>

#include <sys/stat.h>
#include <time.h>

#include <cstdlib>
#include <cstring>
#include <new>
#include <string>
#include <algorithm>
#include <map>
#include <memory>
#include <vector>

/* ---- common: handle structs, error translation, helpers ------------------ */

struct ra_xwriter {
  Xapian::WritableDatabase db;
  bool open;
  uint64_t changes; // calls that modified the database (ra_xwriter_changes)
};
struct ra_xdoc {
  Xapian::Document doc;
};
struct ra_xcluster;  // the shards behind a database opened from a cluster file
struct ra_xdb {
  Xapian::Database db;            // what every call reads: one index, or the shards combined
  ra_xcluster *c = nullptr;       // a cluster: its shards and their connections
  ra_xdb *lexicon = nullptr;      // borrowed: spelling and synonyms for a cluster
};
struct ra_xquery {
  Xapian::Query q;
};
struct ra_xmset {
  Xapian::Enquire enq;
  Xapian::MSet mset;
  explicit ra_xmset(const Xapian::Database &d) : enq(d) {}
};

// Translate the exception being handled.  Call only from a catch block.
//
// An index that is published but cannot be read is DAMAGED (rebuild it):
// a corrupt or truncated table ("EOF reading block N" is a table shorter
// than its root says), a format this Xapian cannot read, or a stub naming
// a generation that is not there.  NOINDEX stays for nothing published at
// `what` (the opening calls pass the path): neither a stub nor a
// generation's version file is there.  Other engine errors, a database
// modified under a reader among them, are XAPIAN (callers may retry).
static ra_status translate(ra_error *err, const char *what) {
  auto published = [what]() {
    struct stat sb;
    std::string p(what ? what : "");
    return !p.empty() && (stat((p + "/XAPIANDB").c_str(), &sb) == 0 ||
                          stat((p + "/iamglass").c_str(), &sb) == 0);
  };
  try {
    throw;
  } catch (const Xapian::DatabaseLockError &e) {
    return ra_error_set(err, RA_ERR_LOCKED, "%s: %s", what,
                        e.get_description().c_str());
  } catch (const Xapian::DatabaseVersionError &e) {
    return ra_error_set(err, RA_ERR_DAMAGED, "%s: index damaged: %s", what,
                        e.get_description().c_str());
  } catch (const Xapian::DatabaseNotFoundError &e) {
    bool damaged = published();
    return ra_error_set(err, damaged ? RA_ERR_DAMAGED : RA_ERR_NOINDEX,
                        "%s: %s%s", what, damaged ? "index damaged: " : "",
                        e.get_description().c_str());
  } catch (const Xapian::DatabaseOpeningError &e) {
    return ra_error_set(err, RA_ERR_NOINDEX, "%s: %s", what,
                        e.get_description().c_str());
  } catch (const Xapian::DatabaseCorruptError &e) {
    return ra_error_set(err, RA_ERR_DAMAGED, "%s: index damaged: %s", what,
                        e.get_description().c_str());
  } catch (const Xapian::NetworkError &e) {
    return ra_error_set(err, RA_ERR_UNREACHABLE, "%s: %s", what,
                        e.get_description().c_str());
  } catch (const Xapian::DocNotFoundError &e) {
    return ra_error_set(err, RA_ERR_NOTFOUND, "%s: %s", what,
                        e.get_description().c_str());
  } catch (const Xapian::DatabaseError &e) {
    bool eof = e.get_type() == std::string("DatabaseError") &&
               e.get_msg().compare(0, 12, "EOF reading ") == 0;
    return ra_error_set(err, eof ? RA_ERR_DAMAGED : RA_ERR_XAPIAN, "%s: %s%s",
                        what, eof ? "index damaged: " : "",
                        e.get_description().c_str());
  } catch (const Xapian::Error &e) {
    return ra_error_set(err, RA_ERR_XAPIAN, "%s: %s", what,
                        e.get_description().c_str());
  } catch (const std::bad_alloc &) {
    return ra_error_set(err, RA_ERR_NOMEM, "%s: out of memory", what);
  } catch (const std::exception &e) {
    return ra_error_set(err, RA_ERR_INTERNAL, "%s: %s", what, e.what());
  } catch (...) {
    return ra_error_set(err, RA_ERR_INTERNAL, "%s: unknown exception", what);
  }
}

static char *dup_bytes(const std::string &s, size_t *len) {
  char *p = static_cast<char *>(std::malloc(s.size() + 1));
  if (!p) return nullptr;
  std::memcpy(p, s.data(), s.size());
  p[s.size()] = '\0';
  if (len) *len = s.size();
  return p;
}

// Visits every (docid, value) of a slot's value stream in docid order until
// cb returns non-zero; what names the operation in an error message.  One
// walker for the writer and the reader (a WritableDatabase is a Database).
static ra_status walk_values(const Xapian::Database &db, unsigned slot,
                             ra_xvalue_cb cb, void *ctx, ra_error *err,
                             const char *what) {
  try {
    for (Xapian::ValueIterator it = db.valuestream_begin(slot);
         it != db.valuestream_end(slot); ++it) {
      const std::string v = *it;
      if (cb(ctx, it.get_docid(), v.data(), v.size())) break;
    }
    return RA_OK;
  } catch (...) {
    return translate(err, what);
  }
}

/* ---- Xapian subclasses, in the order of the sections that use them ------- */

namespace {

// For ra_xdb_expand and ra_xdb_expand_prefixed (reader database).

// Expansion terms: plain words only (prefixed terms start upper-case).
class WordsOnly : public Xapian::ExpandDecider {
 public:
  bool operator()(const std::string &term) const override {
    return !term.empty() && !(term[0] >= 'A' && term[0] <= 'Z');
  }
};

// Expansion terms with one prefix, minus the ones already in the query.
class PrefixOnly : public Xapian::ExpandDecider {
 public:
  PrefixOnly(const std::string &p, const char *const *ex, size_t n)
      : prefix(p), exclude(ex, ex + n) {}
  bool operator()(const std::string &term) const override {
    if (term.size() <= prefix.size() ||
        term.compare(0, prefix.size(), prefix) != 0)
      return false;
    for (const auto &e : exclude)
      if (term == e) return false;
    return true;
  }
  std::string prefix;
  std::vector<std::string> exclude;
};

// For ra_xquery_docids (queries).

// A fixed set of documents (sorted docids), each with a given weight.
class DocidSource : public Xapian::PostingSource {
 public:
  DocidSource(const std::vector<Xapian::docid> &v, const std::vector<double> &w)
      : ids(v), wts(w) {
    double mx = 0;
    for (double x : wts) mx = std::max(mx, x);
    set_maxweight(mx);
  }
  Xapian::doccount get_termfreq_min() const override { return ids.size(); }
  Xapian::doccount get_termfreq_est() const override { return ids.size(); }
  Xapian::doccount get_termfreq_max() const override { return ids.size(); }
  void init(const Xapian::Database &) override {
    i = 0;
    started = false;
  }
  void next(double) override {
    if (started) ++i;
    started = true;
  }
  void skip_to(Xapian::docid d, double) override {
    started = true;
    while (i < ids.size() && ids[i] < d) ++i;
  }
  bool at_end() const override { return started && i >= ids.size(); }
  Xapian::docid get_docid() const override { return ids[i]; }
  double get_weight() const override { return wts[i]; }
  Xapian::PostingSource *clone() const override { return new DocidSource(ids, wts); }
  std::string get_description() const override { return "DocidSource"; }

 private:
  std::vector<Xapian::docid> ids;
  std::vector<double> wts;
  size_t i = 0;
  bool started = false;
};

// For ra_xdb_search_ext (searching).

// Counts, over the matched documents, the keys of a value slot holding
// "key\x1fdisplay" pairs joined by "\x1e".  A value per document is read
// from the slot's value stream: no term list, no document data.
class ValueFacetSpy : public Xapian::MatchSpy {
 public:
  explicit ValueFacetSpy(Xapian::valueno s) : slot(s) {}
  void operator()(const Xapian::Document &doc, double) override {
    ++docs;
    const std::string v = doc.get_value(slot);
    size_t pos = 0;
    ra_tag_pair p;
    while (ra_tag_pair_next(v.data(), v.size(), &pos, &p)) {
      Facet &f = counts[std::string(p.key, p.key_len)];
      if (f.last != docs) {  // a key twice in one document counts once
        f.last = docs;
        if (f.n++ == 0) f.display.assign(p.display, p.display_len);
      }
    }
  }
  struct Facet {
    Xapian::doccount n = 0, last = 0;
    std::string display;
  };
  Xapian::valueno slot;
  std::map<std::string, Facet> counts;
  Xapian::doccount docs = 0;
};

// The docids of the examined documents (the matcher goes in docid order).
class DocidSpy : public Xapian::MatchSpy {
 public:
  void operator()(const Xapian::Document &doc, double) override {
    ids.push_back(doc.get_docid());
  }
  std::vector<Xapian::docid> ids;
};

}  // namespace

/* ---- clusters: the shards behind one reader database --------------------- */

// One shard of a cluster: the replica in use (or none), and what it said of
// itself.  Replicas of a shard are copies of one generation, so docids agree
// between them.
struct ra_xshard {
  const ra_shard_spec *spec;  // in ra_xcluster::spec
  Xapian::Database sub;       // the open replica; unused while missing
  int replica = -1;           // index in spec->replicas; -1: none answers
  unsigned k = 0, n = 0;      // from its RA_META_SHARD (0/0: not a shard)
  std::string revision;       // its RA_META_REVISION when opened
};

struct ra_xcluster {
  ra_cluster_spec *spec = nullptr;  // owned
  std::vector<ra_xshard> shards;
  uint64_t epoch = 0;               // bumped whenever a connection changes
  double last_probe = 0;            // monotonic seconds of the last probe
  ~ra_xcluster() { ra_cluster_free(spec); }
};

namespace {

double now_s() {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return ts.tv_sec + ts.tv_nsec / 1e9;
}

// Opens one replica with the cluster's timeouts.  Throws what Xapian throws.
Xapian::Database open_replica(const ra_cluster_spec *c, const ra_replica *r) {
  switch (r->kind) {
    case RA_REPLICA_TCP:
      return Xapian::Remote::open(r->host, r->port, c->search_ms, c->connect_ms);
    case RA_REPLICA_PROG:
      return Xapian::Remote::open(r->path, r->args, c->search_ms);
    case RA_REPLICA_PATH:
    default:
      // Through xapian-progsrv, as a remote database: libxapian 1.4.22's
      // in-process matcher over several local databases drops matches of
      // an AND_MAYBE query when few are asked for (seen: a second-best
      // article missing from the top 10, present in the top 50), while the
      // remote protocol's merge answers as one index does.  A path
      // xapian-progsrv's argument splitting would break, or no
      // xapian-progsrv, opens it in process.
      if (!std::strpbrk(r->path, " \t\n")) {
        try {
          return Xapian::Remote::open("xapian-progsrv", r->path, c->search_ms);
        } catch (const Xapian::NetworkError &) {
        }
      }
      return Xapian::Database(r->path);
  }
}

// What a shard says of itself: "K/N" and its revision.  A database that
// is no rasearch shard (no RA_META_SHARD) reads as 0/0; one without a
// revision count (not built by ra-index) uses Xapian's, where it has one.
void read_identity(const Xapian::Database &d, unsigned *k, unsigned *n,
                   std::string *rev) {
  std::string kn = d.get_metadata(RA_META_SHARD);
  *k = *n = 0;
  if (!kn.empty() && std::sscanf(kn.c_str(), "%u/%u", k, n) != 2) *k = *n = 0;
  *rev = d.get_metadata(RA_META_REVISION);
  if (rev->empty()) {
    try {
      *rev = "x" + std::to_string(d.get_revision());
    } catch (const Xapian::Error &) {
      *rev = "";
    }
  }
}

// Try the shard's replicas, from `first` round the list; true when one
// answered (sub, replica, identity set).  `why` gets the last failure.
bool connect_shard(const ra_cluster_spec *c, ra_xshard &s, size_t first,
                   std::string *why) {
  size_t nr = s.spec->n_replicas;
  for (size_t t = 0; t < nr; t++) {
    size_t i = (first + t) % nr;
    try {
      Xapian::Database d = open_replica(c, &s.spec->replicas[i]);
      unsigned k, n;
      std::string rev;
      read_identity(d, &k, &n, &rev);
      s.sub = d;
      s.replica = static_cast<int>(i);
      s.k = k;
      s.n = n;
      s.revision = rev;
      return true;
    } catch (const Xapian::Error &e) {
      *why = std::string(s.spec->replicas[i].label) + ": " + e.get_description();
    }
  }
  s.replica = -1;
  return false;
}

// An empty database standing in for a shard that does not answer, so that
// docids of the others keep their places (Xapian interleaves them by the
// number of databases).
Xapian::Database placeholder() {
  return Xapian::WritableDatabase(std::string(), Xapian::DB_BACKEND_INMEMORY);
}

void combine(ra_xdb *db) {
  Xapian::Database all;
  for (const ra_xshard &s : db->c->shards)
    all.add_database(s.replica >= 0 ? s.sub : placeholder());
  db->db = all;
  db->c->epoch++;
}

// After a network failure: keep the connections that still answer,
// reconnect the others (the same replica first: the server may only have
// dropped an idle connection), and stand in for the shards none answers.
void repair(ra_xdb *db) {
  std::string why;
  for (ra_xshard &s : db->c->shards) {
    if (s.replica >= 0) {
      try {
        s.sub.keep_alive();
        continue;
      } catch (const Xapian::Error &) {
      }
    }
    connect_shard(db->c->spec, s, s.replica >= 0 ? static_cast<size_t>(s.replica) : 0, &why);
  }
  combine(db);
}

// Runs f; on a network failure of a cluster, repairs the connections and
// runs it once more.  A second failure is the caller's (translated to
// RA_ERR_UNREACHABLE).
template <class F>
auto guarded(ra_xdb *db, F &&f) -> decltype(f()) {
  try {
    return f();
  } catch (const Xapian::NetworkError &) {
    if (!db->c) throw;
    repair(db);
    return f();
  }
}

// The cluster's revision: a hash of every shard's place and revision.
uint64_t cluster_revision(const ra_xcluster *c) {
  std::string all;
  for (const ra_xshard &s : c->shards) {
    all += std::to_string(s.k) + "/" + std::to_string(s.n) + ":";
    all += s.replica >= 0 ? s.revision : std::string("missing");
    all += '\n';
  }
  return ra_fnv1a(all.data(), all.size());
}

}  // namespace

extern "C" {

/* ---- writer: ra_xwriter, ra_xdoc ----------------------------------------- */

ra_status ra_xwriter_open(const char *path, int flags, ra_xwriter **out,
                          ra_error *err) {
  *out = nullptr;
  ra_xwriter *w = nullptr;
  try {
    int xf = (flags & RA_XW_CREATE) ? Xapian::DB_CREATE_OR_OVERWRITE
                                    : Xapian::DB_CREATE_OR_OPEN;
    if (flags & RA_XW_NO_SYNC) xf |= Xapian::DB_NO_SYNC;
    xf |= Xapian::DB_BACKEND_GLASS;
    w = new ra_xwriter{Xapian::WritableDatabase(path, xf), true, 0};
    *out = w;
    return RA_OK;
  } catch (...) {
    delete w;
    return translate(err, path);
  }
}

ra_status ra_xwriter_replace(ra_xwriter *w, const char *idterm, ra_xdoc *doc,
                             ra_error *err) {
  try {
    w->db.replace_document(idterm, doc->doc);
    w->changes++;
    return RA_OK;
  } catch (...) {
    return translate(err, "replace document");
  }
}

ra_status ra_xwriter_add(ra_xwriter *w, ra_xdoc *doc, uint32_t *docid,
                         ra_error *err) {
  try {
    Xapian::docid d = w->db.add_document(doc->doc);
    w->changes++;
    if (docid) *docid = d;
    return RA_OK;
  } catch (...) {
    return translate(err, "add document");
  }
}

ra_status ra_xwriter_delete(ra_xwriter *w, const char *idterm,
                            ra_error *err) {
  try {
    w->db.delete_document(idterm);
    w->changes++;
    return RA_OK;
  } catch (...) {
    return translate(err, "delete document");
  }
}

ra_status ra_xwriter_set_metadata(ra_xwriter *w, const char *key,
                                  const char *val, size_t len,
                                  ra_error *err) {
  try {
    w->db.set_metadata(key, std::string(val, len));
    w->changes++;
    return RA_OK;
  } catch (...) {
    return translate(err, "set metadata");
  }
}

ra_status ra_xwriter_get_metadata(ra_xwriter *w, const char *key, char **val,
                                  size_t *len, ra_error *err) {
  *val = nullptr;
  if (len) *len = 0;
  try {
    std::string v = w->db.get_metadata(key);
    *val = dup_bytes(v, len);
    if (!*val) return ra_error_set(err, RA_ERR_NOMEM, "metadata %s", key);
    return RA_OK;
  } catch (...) {
    return translate(err, "get metadata");
  }
}

ra_status ra_xwriter_add_spelling(ra_xwriter *w, const char *word, size_t len,
                                  unsigned freqinc, ra_error *err) {
  try {
    w->db.add_spelling(std::string(word, len), freqinc);
    w->changes++;
    return RA_OK;
  } catch (...) {
    return translate(err, "add spelling");
  }
}

ra_status ra_xwriter_remove_spelling(ra_xwriter *w, const char *word,
                                     size_t len, unsigned freqdec,
                                     ra_error *err) {
  try {
    w->db.remove_spelling(std::string(word, len), freqdec);
    w->changes++;
    return RA_OK;
  } catch (...) {
    return translate(err, "remove spelling");
  }
}

ra_status ra_xwriter_add_synonym(ra_xwriter *w, const char *key,
                                 const char *syn, ra_error *err) {
  try {
    w->db.add_synonym(key, syn);
    w->changes++;
    return RA_OK;
  } catch (...) {
    return translate(err, "add synonym");
  }
}

ra_status ra_xwriter_remove_synonym(ra_xwriter *w, const char *key,
                                    const char *syn, ra_error *err) {
  try {
    w->db.remove_synonym(key, syn);
    w->changes++;
    return RA_OK;
  } catch (...) {
    return translate(err, "remove synonym");
  }
}

uint32_t ra_xwriter_doccount(ra_xwriter *w) {
  try {
    return w->db.get_doccount();
  } catch (...) {
    return 0;
  }
}

ra_status ra_xwriter_values(ra_xwriter *w, unsigned slot, ra_xvalue_cb cb,
                            void *ctx, ra_error *err) {
  return walk_values(w->db, slot, cb, ctx, err, "read values");
}

ra_status ra_xwriter_set_value(ra_xwriter *w, uint32_t docid, unsigned slot,
                               const char *val, size_t len, ra_error *err) {
  try {
    Xapian::Document d = w->db.get_document(docid);
    if (len)
      d.add_value(slot, std::string(val, len));
    else
      d.remove_value(slot);
    w->db.replace_document(docid, d);
    w->changes++;
    return RA_OK;
  } catch (...) {
    return translate(err, "set value");
  }
}

uint64_t ra_xwriter_changes(const ra_xwriter *w) { return w->changes; }

ra_status ra_xwriter_begin(ra_xwriter *w, ra_error *err) {
  try {
    w->db.begin_transaction(true);
    return RA_OK;
  } catch (...) {
    return translate(err, "begin transaction");
  }
}

ra_status ra_xwriter_end(ra_xwriter *w, int commit, ra_error *err) {
  try {
    if (commit)
      w->db.commit_transaction();
    else
      w->db.cancel_transaction();
    return RA_OK;
  } catch (...) {
    return translate(err, commit ? "commit" : "cancel transaction");
  }
}

ra_status ra_xwriter_commit(ra_xwriter *w, ra_error *err) {
  try {
    w->db.commit();
    return RA_OK;
  } catch (...) {
    return translate(err, "commit");
  }
}

ra_status ra_xwriter_close(ra_xwriter *w, ra_error *err) {
  try {
    if (w->open) {
      w->open = false;
      w->db.close();
    }
    return RA_OK;
  } catch (...) {
    return translate(err, "close");
  }
}

void ra_xwriter_free(ra_xwriter *w) {
  if (!w) return;
  try {
    if (w->open) w->db.close();
  } catch (...) {
    // Closing discards nothing committed; an error here has no one to tell.
  }
  delete w;
}

ra_status ra_xcompact(const char *const *srcs, size_t n, const char *dest,
                      ra_error *err) {
  try {
    Xapian::Database db;
    for (size_t i = 0; i < n; i++) db.add_database(Xapian::Database(srcs[i]));
    db.compact(dest, Xapian::DBCOMPACT_MULTIPASS);
    return RA_OK;
  } catch (...) {
    return translate(err, dest);
  }
}

ra_status ra_xdoc_new(ra_xdoc **out, ra_error *err) {
  *out = nullptr;
  try {
    *out = new ra_xdoc();
    return RA_OK;
  } catch (...) {
    return translate(err, "new document");
  }
}

void ra_xdoc_free(ra_xdoc *d) { delete d; }

/* Xapian would refuse the term only when the document is written, which
 * stops the writer; refused here, it fails one document (ident.h forms
 * terms that fit, so this is a guard). */
static ra_status term_too_long(ra_error *err, const char *term, size_t len) {
  return ra_error_set(err, RA_ERR_INVALID, "term too long (%zu bytes > %d): %.40s...",
                      len, RA_IDENT_TERM_MAX, term);
}

ra_status ra_xdoc_add_posting(ra_xdoc *d, const char *term, size_t len,
                              uint32_t pos, unsigned wdfinc, ra_error *err) {
  if (len > RA_IDENT_TERM_MAX) return term_too_long(err, term, len);
  try {
    d->doc.add_posting(std::string(term, len), pos, wdfinc);
    return RA_OK;
  } catch (...) {
    return translate(err, "add posting");
  }
}

ra_status ra_xdoc_add_term(ra_xdoc *d, const char *term, size_t len,
                           unsigned wdfinc, ra_error *err) {
  if (len > RA_IDENT_TERM_MAX) return term_too_long(err, term, len);
  try {
    d->doc.add_term(std::string(term, len), wdfinc);
    return RA_OK;
  } catch (...) {
    return translate(err, "add term");
  }
}

ra_status ra_xdoc_add_boolean_term(ra_xdoc *d, const char *term, size_t len,
                                   ra_error *err) {
  if (len > RA_IDENT_TERM_MAX) return term_too_long(err, term, len);
  try {
    d->doc.add_boolean_term(std::string(term, len));
    return RA_OK;
  } catch (...) {
    return translate(err, "add boolean term");
  }
}

ra_status ra_xdoc_set_data(ra_xdoc *d, const void *data, size_t len,
                           ra_error *err) {
  try {
    d->doc.set_data(std::string(static_cast<const char *>(data), len));
    return RA_OK;
  } catch (...) {
    return translate(err, "set data");
  }
}

ra_status ra_xdoc_set_value(ra_xdoc *d, unsigned slot, const void *data,
                            size_t len, ra_error *err) {
  try {
    d->doc.add_value(slot, std::string(static_cast<const char *>(data), len));
    return RA_OK;
  } catch (...) {
    return translate(err, "set value");
  }
}

// The shard side of an index (schema.h, RA_META_LEXICON, RA_PREFIX_GROUP):
// what a writer reads back of its own tables, pending changes included
// (glass merges a writer's buffered spelling and synonym changes before
// iterating), and the group key swap of near-duplicate grouping.

ra_status ra_xwriter_spellings(ra_xwriter *w, ra_xterm_cb cb, void *ctx,
                               ra_error *err) {
  try {
    for (Xapian::TermIterator t = w->db.spellings_begin();
         t != w->db.spellings_end(); ++t) {
      const std::string s = *t;
      if (cb(ctx, s.data(), s.size(), t.get_termfreq())) break;
    }
    return RA_OK;
  } catch (...) {
    return translate(err, "read spellings");
  }
}

ra_status ra_xwriter_synonym_pairs(ra_xwriter *w, ra_xpair_cb cb, void *ctx,
                                   ra_error *err) {
  try {
    for (Xapian::TermIterator k = w->db.synonym_keys_begin();
         k != w->db.synonym_keys_end(); ++k) {
      const std::string key = *k;
      for (Xapian::TermIterator t = w->db.synonyms_begin(key);
           t != w->db.synonyms_end(key); ++t) {
        const std::string s = *t;
        if (cb(ctx, key.data(), key.size(), s.data(), s.size())) return RA_OK;
      }
    }
    return RA_OK;
  } catch (...) {
    return translate(err, "read synonyms");
  }
}

ra_status ra_xwriter_set_group(ra_xwriter *w, uint32_t docid, unsigned slot,
                               const char *key, size_t key_len,
                               const char *old_term, const char *new_term,
                               ra_error *err) {
  try {
    Xapian::Document d = w->db.get_document(docid);
    if (old_term && *old_term) {
      try {
        d.remove_term(old_term);
      } catch (const Xapian::InvalidArgumentError &) {
        // Not there (a document written before group terms): nothing to take.
      }
    }
    d.add_boolean_term(new_term);
    d.add_value(slot, std::string(key, key_len));
    w->db.replace_document(docid, d);
    w->changes++;
    return RA_OK;
  } catch (...) {
    return translate(err, "set group");
  }
}

/* ---- reader database: ra_xdb --------------------------------------------- */

ra_status ra_xdb_open(const char *path, ra_xdb **out, ra_error *err) {
  *out = nullptr;
  ra_xdb *db = nullptr;
  try {
    db = new ra_xdb{Xapian::Database(path)};
    *out = db;
    return RA_OK;
  } catch (...) {
    delete db;
    ra_status st = translate(err, path);
    // Any failure to open is "no usable index" for callers.
    if (st == RA_ERR_XAPIAN) st = RA_ERR_NOINDEX;
    if (err) err->code = st;
    return st;
  }
}

void ra_xdb_free(ra_xdb *db) {
  if (db) delete db->c;
  delete db;
}

ra_status ra_xdb_open_cluster(ra_cluster_spec *spec, ra_xdb **out, ra_error *err) {
  *out = nullptr;
  ra_xdb *db = nullptr;
  try {
    db = new ra_xdb;
    db->c = new ra_xcluster;
    db->c->spec = spec;
    spec = nullptr;
    const ra_cluster_spec *cs = db->c->spec;
    std::string why;
    size_t up = 0;
    for (size_t i = 0; i < cs->n_shards; i++) {
      ra_xshard s;
      s.spec = &cs->shards[i];
      if (connect_shard(cs, s, 0, &why)) up++;
      db->c->shards.push_back(s);
    }
    if (!up) {
      ra_status st = ra_error_set(err, RA_ERR_UNREACHABLE, "%s: no shard answers (%s)",
                                  cs->path, why.c_str());
      delete db->c;
      delete db;
      return st;
    }
    // The shards must make one index: one N, each K once, as listed.
    unsigned n = 0;
    int sharded = -1;
    for (size_t i = 0; i < db->c->shards.size(); i++) {
      const ra_xshard &s = db->c->shards[i];
      if (s.replica < 0) continue;
      const char *label = s.spec->replicas[s.replica].label;
      if (s.spec->k && (s.k != s.spec->k || s.n != s.spec->n)) {
        ra_status st = ra_error_set(
            err, RA_ERR_INVALID, "%s:%zu: %s holds %s%u/%u, not shard %u/%u", cs->path,
            s.spec->line, label, s.k ? "shard " : "no shard: ", s.k, s.n, s.spec->k, s.spec->n);
        delete db->c;
        delete db;
        return st;
      }
      if (sharded >= 0 && sharded != (s.k != 0)) {
        ra_status st = ra_error_set(err, RA_ERR_INVALID,
                                    "%s:%zu: %s: shards and whole indexes mixed in one cluster",
                                    cs->path, s.spec->line, label);
        delete db->c;
        delete db;
        return st;
      }
      sharded = s.k != 0;
      if (!s.k) continue;
      if (n && s.n != n) {
        ra_status st = ra_error_set(err, RA_ERR_INVALID,
                                    "%s:%zu: %s is shard %u/%u, others are of %u shards: "
                                    "rebuild every shard with the same N",
                                    cs->path, s.spec->line, label, s.k, s.n, n);
        delete db->c;
        delete db;
        return st;
      }
      n = s.n;
      for (size_t j = 0; j < i; j++)
        if (db->c->shards[j].replica >= 0 && db->c->shards[j].k == s.k) {
          ra_status st = ra_error_set(err, RA_ERR_INVALID,
                                      "%s:%zu: %s and line %zu both hold shard %u/%u",
                                      cs->path, s.spec->line, label,
                                      db->c->shards[j].spec->line, s.k, s.n);
          delete db->c;
          delete db;
          return st;
        }
    }
    // Every shard of the N listed (stub lines say their K only when open;
    // one that does not answer may be any of the others).
    if (n && cs->n_shards < n) {
      ra_status st = ra_error_set(err, RA_ERR_INVALID,
                                  "%s: lists %zu shards of a cluster of %u: every shard "
                                  "must be listed", cs->path, cs->n_shards, n);
      delete db->c;
      delete db;
      return st;
    }
    combine(db);
    db->c->last_probe = now_s();
    *out = db;
    return RA_OK;
  } catch (...) {
    ra_cluster_free(spec);
    if (db) delete db->c;
    delete db;
    return translate(err, "open cluster");
  }
}

int ra_xdb_is_cluster(const ra_xdb *db) { return db && db->c; }

size_t ra_xdb_cluster_size(const ra_xdb *db) {
  return db && db->c ? db->c->shards.size() : 0;
}

size_t ra_xdb_cluster_missing(const ra_xdb *db, unsigned *out, size_t max) {
  size_t n = 0;
  if (!db || !db->c) return 0;
  for (size_t i = 0; i < db->c->shards.size(); i++) {
    const ra_xshard &s = db->c->shards[i];
    if (s.replica >= 0) continue;
    if (n < max) out[n] = s.spec->k ? s.spec->k : s.k ? s.k : static_cast<unsigned>(i + 1);
    n++;
  }
  if (out) std::sort(out, out + std::min(n, max));
  return n;
}

uint64_t ra_xdb_cluster_epoch(const ra_xdb *db) { return db && db->c ? db->c->epoch : 0; }

ra_status ra_xdb_cluster_probe(ra_xdb *db, unsigned min_interval_ms, int *changed,
                               ra_error *err) {
  *changed = 0;
  if (!db->c) return RA_OK;
  double t = now_s();
  if (t - db->c->last_probe < min_interval_ms / 1000.0) return RA_OK;
  db->c->last_probe = t;
  try {
    std::string why;
    for (ra_xshard &s : db->c->shards) {
      // A new connection: an open one keeps reading the generation it
      // started with, whatever was published since.
      ra_xshard fresh = s;
      size_t first = s.replica >= 0 ? static_cast<size_t>(s.replica) : 0;
      if (!connect_shard(db->c->spec, fresh, first, &why)) {
        if (s.replica >= 0) *changed = 1;
        s.replica = -1;
        continue;
      }
      if (s.replica < 0 || fresh.revision != s.revision || fresh.replica != s.replica) {
        s = fresh;
        *changed = 1;
      }
    }
    if (*changed) combine(db);
    return RA_OK;
  } catch (...) {
    return translate(err, "probe cluster");
  }
}

ra_status ra_xdb_shard_metadata(ra_xdb *db, size_t i, const char *key, char **val,
                                size_t *len, ra_error *err) {
  *val = nullptr;
  if (!db->c || i >= db->c->shards.size())
    return ra_error_set(err, RA_ERR_INTERNAL, "no shard %zu", i);
  ra_xshard &s = db->c->shards[i];
  if (s.replica < 0)
    return ra_error_set(err, RA_ERR_UNREACHABLE, "%s:%zu: no replica answers", db->c->spec->path,
                        s.spec->line);
  try {
    std::string v = s.sub.get_metadata(key);
    *val = dup_bytes(v, len);
    if (!*val) return ra_error_set(err, RA_ERR_NOMEM, "metadata %s", key);
    return RA_OK;
  } catch (...) {
    return translate(err, s.spec->replicas[s.replica].label);
  }
}

const char *ra_xdb_shard_revision(const ra_xdb *db, size_t i) {
  if (!db->c || i >= db->c->shards.size() || db->c->shards[i].replica < 0) return nullptr;
  return db->c->shards[i].revision.c_str();
}

void ra_xdb_set_lexicon(ra_xdb *db, ra_xdb *lex) { db->lexicon = lex; }

ra_status ra_xdb_reopen(ra_xdb *db, ra_error *err) {
  if (db->c) return RA_OK;  // a cluster refreshes by ra_xdb_cluster_probe
  try {
    db->db.reopen();
    return RA_OK;
  } catch (...) {
    return translate(err, "reopen");
  }
}

uint32_t ra_xdb_doccount(const ra_xdb *db) {
  try {
    return guarded(const_cast<ra_xdb *>(db), [&] { return db->db.get_doccount(); });
  } catch (...) {
    return 0;
  }
}

uint32_t ra_xdb_revision(const ra_xdb *db) {
  if (db->c) return static_cast<uint32_t>(cluster_revision(db->c));
  try {
    // get_revision() is public API from 1.4.11 on.
    return static_cast<uint32_t>(db->db.get_revision());
  } catch (...) {
    return 0;
  }
}

void ra_xdb_uuid(const ra_xdb *db, char *buf, size_t size) {
  if (size) buf[0] = '\0';
  if (db->c) return;  // shards have one each: no uuid names them all
  try {
    std::string u = db->db.get_uuid();
    if (u.size() < size) std::memcpy(buf, u.c_str(), u.size() + 1);
  } catch (...) {
  }
}

uint32_t ra_xdb_termfreq(ra_xdb *db, const char *term, size_t len) {
  try {
    return guarded(db, [&] { return db->db.get_termfreq(std::string(term, len)); });
  } catch (...) {
    return 0;
  }
}

uint64_t ra_xdb_collection_freq(ra_xdb *db, const char *term, size_t len) {
  try {
    return guarded(db, [&] { return db->db.get_collection_freq(std::string(term, len)); });
  } catch (...) {
    return 0;
  }
}

uint32_t ra_xdb_doclength(ra_xdb *db, uint32_t docid) {
  try {
    return guarded(db, [&] { return db->db.get_doclength(docid); });
  } catch (...) {
    return 0;
  }
}

double ra_xdb_avlength(ra_xdb *db) {
  try {
    return guarded(db, [&] { return db->db.get_avlength(); });
  } catch (...) {
    return 0.0;
  }
}

uint32_t ra_xdb_wdf(ra_xdb *db, uint32_t docid, const char *term,
                    size_t len) {
  try {
    std::string t(term, len);
    return guarded(db, [&]() -> uint32_t {
      Xapian::TermIterator it = db->db.termlist_begin(docid);
      it.skip_to(t);
      if (it != db->db.termlist_end(docid) && *it == t) return it.get_wdf();
      return 0;
    });
  } catch (...) {
    return 0;
  }
}

ra_status ra_xdb_get_metadata(ra_xdb *db, const char *key, char **val,
                              size_t *len, ra_error *err) {
  *val = nullptr;
  try {
    std::string v = guarded(db, [&] { return db->db.get_metadata(key); });
    *val = dup_bytes(v, len);
    if (!*val) return ra_error_set(err, RA_ERR_NOMEM, "metadata %s", key);
    return RA_OK;
  } catch (...) {
    return translate(err, "get metadata");
  }
}

ra_status ra_xdb_get_data(ra_xdb *db, uint32_t docid, char **data,
                          size_t *len, ra_error *err) {
  *data = nullptr;
  try {
    std::string v = guarded(db, [&] { return db->db.get_document(docid).get_data(); });
    *data = dup_bytes(v, len);
    if (!*data) return ra_error_set(err, RA_ERR_NOMEM, "document data");
    return RA_OK;
  } catch (...) {
    return translate(err, "get document");
  }
}

ra_status ra_xdb_get_value(ra_xdb *db, uint32_t docid, unsigned slot,
                           char **val, size_t *len, ra_error *err) {
  *val = nullptr;
  if (len) *len = 0;
  try {
    std::string v = guarded(db, [&] { return db->db.get_document(docid).get_value(slot); });
    *val = dup_bytes(v, len);
    if (!*val) return ra_error_set(err, RA_ERR_NOMEM, "value %u of document %u", slot, docid);
    return RA_OK;
  } catch (...) {
    return translate(err, "document value");
  }
}

ra_status ra_xdb_find(ra_xdb *db, const char *idterm, uint32_t *docid,
                      ra_error *err) {
  *docid = 0;
  try {
    Xapian::docid d = guarded(db, [&]() -> Xapian::docid {
      Xapian::PostingIterator p = db->db.postlist_begin(idterm);
      return p == db->db.postlist_end(idterm) ? 0 : *p;
    });
    if (!d)
      return ra_error_set(err, RA_ERR_NOTFOUND, "no document with id term %s",
                          idterm);
    *docid = d;
    return RA_OK;
  } catch (...) {
    return translate(err, "find document");
  }
}

ra_status ra_xdb_allterms(ra_xdb *db, const char *prefix, ra_xterm_cb cb,
                          void *ctx, ra_error *err) {
  try {
    if (db->c) {
      // Over the network: read them all first, so that a retry after a
      // lost connection does not visit any term twice.
      std::vector<std::pair<std::string, Xapian::doccount>> v = guarded(db, [&] {
        std::vector<std::pair<std::string, Xapian::doccount>> w;
        for (Xapian::TermIterator t = db->db.allterms_begin(prefix);
             t != db->db.allterms_end(prefix); ++t)
          w.emplace_back(*t, t.get_termfreq());
        return w;
      });
      for (const auto &x : v)
        if (cb(ctx, x.first.data(), x.first.size(), x.second)) break;
      return RA_OK;
    }
    for (Xapian::TermIterator t = db->db.allterms_begin(prefix);
         t != db->db.allterms_end(prefix); ++t) {
      std::string term = *t;
      if (cb(ctx, term.data(), term.size(), t.get_termfreq())) break;
    }
    return RA_OK;
  } catch (...) {
    return translate(err, "list terms");
  }
}

ra_status ra_xdb_doc_terms(ra_xdb *db, uint32_t docid, const char *prefix,
                           ra_xterm_cb cb, void *ctx, ra_error *err) {
  try {
    size_t plen = prefix ? std::strlen(prefix) : 0;
    // Read first, visit after: a retry must not visit a term twice.
    std::vector<std::pair<std::string, Xapian::termcount>> v = guarded(db, [&] {
      std::vector<std::pair<std::string, Xapian::termcount>> w;
      Xapian::TermIterator t = db->db.termlist_begin(docid);
      Xapian::TermIterator end = db->db.termlist_end(docid);
      if (plen) t.skip_to(prefix);
      for (; t != end; ++t) {
        std::string term = *t;
        if (plen && term.compare(0, plen, prefix) != 0) break;
        w.emplace_back(term, t.get_wdf());
      }
      return w;
    });
    for (const auto &x : v)
      if (cb(ctx, x.first.data(), x.first.size(), x.second)) break;
    return RA_OK;
  } catch (...) {
    return translate(err, "document terms");
  }
}

ra_status ra_xdb_scan_values(ra_xdb *db, unsigned slot, ra_xvalue_cb cb,
                             void *ctx, ra_error *err) {
  return walk_values(db->db, slot, cb, ctx, err, "value stream");
}

ra_status ra_xdb_spelling(ra_xdb *db, const char *word, size_t len,
                          unsigned max_edit, char **out, ra_error *err) {
  *out = nullptr;
  try {
    // A remote server returns no spelling data: a cluster asks its
    // lexicon (none: no suggestion).
    if (db->c && !db->lexicon) {
      *out = dup_bytes(std::string(), nullptr);
      return *out ? RA_OK : ra_error_set(err, RA_ERR_NOMEM, "spelling");
    }
    const Xapian::Database &src = db->c ? db->lexicon->db : db->db;
    std::string s = src.get_spelling_suggestion(std::string(word, len), max_edit);
    *out = dup_bytes(s, nullptr);
    if (!*out) return ra_error_set(err, RA_ERR_NOMEM, "spelling");
    return RA_OK;
  } catch (...) {
    return translate(err, "spelling suggestion");
  }
}

ra_status ra_xdb_synonyms(ra_xdb *db, const char *key, ra_xterm_cb cb,
                          void *ctx, ra_error *err) {
  if (db->c && !db->lexicon) return RA_OK;  // remote synonyms come back empty
  try {
    const Xapian::Database &src = db->c ? db->lexicon->db : db->db;
    for (Xapian::TermIterator t = src.synonyms_begin(key);
         t != src.synonyms_end(key); ++t) {
      std::string s = *t;
      if (cb(ctx, s.data(), s.size(), 0)) break;
    }
    return RA_OK;
  } catch (...) {
    return translate(err, "synonyms");
  }
}

// The best max expansion terms of the relevance set docids[0..n) that
// decider keeps, visited best first with weight * 1000.  Throws.  Exact
// frequencies: over several databases Xapian otherwise estimates them, and
// a cluster would not agree with one index.
static void expand_visit(ra_xdb *db, const uint32_t *docids, size_t n,
                         const Xapian::ExpandDecider &decider, unsigned max,
                         ra_xterm_cb cb, void *ctx) {
  Xapian::RSet rset;
  for (size_t i = 0; i < n; i++) rset.add_document(docids[i]);
  Xapian::ESet eset = guarded(db, [&] {
    Xapian::Enquire e(db->db);
    return e.get_eset(max, rset, Xapian::Enquire::USE_EXACT_TERMFREQ, &decider);
  });
  for (Xapian::ESetIterator it = eset.begin(); it != eset.end(); ++it) {
    std::string term = *it;
    double w = it.get_weight() * 1000.0;
    uint32_t wi = w > 4e9 ? 4000000000u : w < 0 ? 0u : (uint32_t)w;
    if (cb(ctx, term.data(), term.size(), wi)) break;
  }
}

ra_status ra_xdb_expand(ra_xdb *db, const uint32_t *docids, size_t n,
                        unsigned max, ra_xterm_cb cb, void *ctx,
                        ra_error *err) {
  try {
    expand_visit(db, docids, n, WordsOnly(), max, cb, ctx);
    return RA_OK;
  } catch (...) {
    return translate(err, "related terms");
  }
}

ra_status ra_xdb_expand_prefixed(ra_xdb *db, const uint32_t *docids,
                                 size_t n, const char *prefix,
                                 const char *const *exclude, size_t n_exclude,
                                 unsigned max, ra_xterm_cb cb, void *ctx,
                                 ra_error *err) {
  try {
    expand_visit(db, docids, n, PrefixOnly(prefix ? prefix : "", exclude, n_exclude), max,
                 cb, ctx);
    return RA_OK;
  } catch (...) {
    return translate(err, "feedback terms");
  }
}

/* ---- queries: ra_xquery -------------------------------------------------- */

ra_xquery *ra_xquery_term(const char *term, size_t len, unsigned wqf,
                          uint32_t pos, ra_error *err) {
  try {
    return new ra_xquery{Xapian::Query(std::string(term, len), wqf, pos)};
  } catch (...) {
    translate(err, "term query");
    return nullptr;
  }
}

static Xapian::Query::op map_op(ra_xq_op op) {
  switch (op) {
    case RA_XQ_AND: return Xapian::Query::OP_AND;
    case RA_XQ_OR: return Xapian::Query::OP_OR;
    case RA_XQ_AND_NOT: return Xapian::Query::OP_AND_NOT;
    case RA_XQ_AND_MAYBE: return Xapian::Query::OP_AND_MAYBE;
    case RA_XQ_FILTER: return Xapian::Query::OP_FILTER;
    case RA_XQ_PHRASE: return Xapian::Query::OP_PHRASE;
    case RA_XQ_NEAR: return Xapian::Query::OP_NEAR;
    case RA_XQ_SYNONYM: return Xapian::Query::OP_SYNONYM;
    case RA_XQ_ELITE_SET: return Xapian::Query::OP_ELITE_SET;
  }
  return Xapian::Query::OP_AND;
}

ra_xquery *ra_xquery_combine(ra_xq_op op, ra_xquery *const *subs, size_t n,
                             unsigned window, ra_error *err) {
  try {
    std::vector<Xapian::Query> v;
    v.reserve(n);
    for (size_t i = 0; i < n; i++)
      if (subs[i]) v.push_back(subs[i]->q);
    if (op == RA_XQ_AND_NOT || op == RA_XQ_AND_MAYBE || op == RA_XQ_FILTER) {
      // Binary operators: first OP (OR of the rest).
      if (v.empty()) return new ra_xquery{Xapian::Query()};
      Xapian::Query rest(Xapian::Query::OP_OR, v.begin() + 1, v.end());
      if (v.size() == 1) return new ra_xquery{v[0]};
      return new ra_xquery{Xapian::Query(map_op(op), v[0], rest)};
    }
    return new ra_xquery{
        Xapian::Query(map_op(op), v.begin(), v.end(), window)};
  } catch (...) {
    translate(err, "combine query");
    return nullptr;
  }
}

ra_xquery *ra_xquery_scale(const ra_xquery *q, double factor, ra_error *err) {
  try {
    return new ra_xquery{
        Xapian::Query(Xapian::Query::OP_SCALE_WEIGHT, q->q, factor)};
  } catch (...) {
    translate(err, "scale query");
    return nullptr;
  }
}

ra_xquery *ra_xquery_wildcard(ra_xdb *db, const char *prefix, size_t len,
                              unsigned max_expansion, ra_error *err) {
  try {
    // The words are expanded here, not by OP_WILDCARD: with an OR
    // combiner, 1.4.22 leaks a Weight for each word its most-frequent cap
    // drops (LeakSanitizer on "a*").  OR, not SYNONYM: a synonym's merged
    // frequency covers nearly every article for a common prefix, so its
    // idf, and every score, is 0; and it must read every posting of every
    // word, where OR lets the matcher skip what cannot reach the page
    // (ment* at 50,000 articles: 10.7 ms -> 4.2 ms).
    const std::string p(prefix, len);
    std::vector<std::pair<Xapian::doccount, std::string>> words = guarded(db, [&] {
      std::vector<std::pair<Xapian::doccount, std::string>> w;
      for (Xapian::TermIterator t = db->db.allterms_begin(p); t != db->db.allterms_end(p); ++t)
        w.emplace_back(t.get_termfreq(), *t);
      return w;
    });
    // The most frequent first, ties in term order (as Xapian's cap keeps).
    std::stable_sort(words.begin(), words.end(),
                     [](const std::pair<Xapian::doccount, std::string> &a,
                        const std::pair<Xapian::doccount, std::string> &b) {
                       return a.first > b.first;
                     });
    if (max_expansion && words.size() > max_expansion) words.resize(max_expansion);
    std::vector<Xapian::Query> subs;
    subs.reserve(words.size());
    for (const auto &w : words) subs.emplace_back(w.second);
    return new ra_xquery{Xapian::Query(Xapian::Query::OP_OR, subs.begin(), subs.end())};
  } catch (...) {
    translate(err, "wildcard query");
    return nullptr;
  }
}

ra_xquery *ra_xquery_fixed(double w, ra_error *err) {
  try {
    Xapian::PostingSource *ps = new Xapian::FixedWeightPostingSource(w);
    return new ra_xquery{Xapian::Query(ps->release())};
  } catch (...) {
    translate(err, "fixed weight query");
    return nullptr;
  }
}

ra_xquery *ra_xquery_match_all(ra_error *err) {
  try {
    return new ra_xquery{Xapian::Query::MatchAll};
  } catch (...) {
    translate(err, "match-all query");
    return nullptr;
  }
}

ra_xquery *ra_xquery_docids(const uint32_t *ids, const double *weights, size_t n,
                            ra_error *err) {
  try {
    std::vector<std::pair<Xapian::docid, double>> p(n);
    for (size_t i = 0; i < n; i++) p[i] = {ids[i], weights[i] < 0 ? 0.0 : weights[i]};
    // Stable: of a docid given twice, the first weight is kept.
    std::stable_sort(p.begin(), p.end(), [](const std::pair<Xapian::docid, double> &a,
                                            const std::pair<Xapian::docid, double> &b) {
      return a.first < b.first;
    });
    std::vector<Xapian::docid> v;
    std::vector<double> w;
    for (size_t i = 0; i < n; i++) {
      if (i && p[i].first == p[i - 1].first) continue;
      v.push_back(p[i].first);
      w.push_back(p[i].second);
    }
    // The query owns the source (release()).
    DocidSource *src = new DocidSource(v, w);
    return new ra_xquery{Xapian::Query(src->release())};
  } catch (...) {
    translate(err, "document set query");
    return nullptr;
  }
}

int ra_xquery_empty(const ra_xquery *q) { return !q || q->q.empty(); }

char *ra_xquery_describe(const ra_xquery *q) {
  try {
    return dup_bytes(q->q.get_description(), nullptr);
  } catch (...) {
    return nullptr;
  }
}

void ra_xquery_free(ra_xquery *q) { delete q; }

/* ---- searching: options, ra_xdb_search, match sets (ra_xmset) ------------ */

void ra_xsearch_opts_init(ra_xsearch_opts *o) {
  std::memset(o, 0, sizeof *o);
  o->count = 10;
  o->collapse_slot = -1;
  o->tie_slot = -1;
  o->bm25_k1 = o->bm25_k2 = o->bm25_k3 = o->bm25_b = o->bm25_min_normlen =
      -1.0;
}

ra_status ra_xdb_search(ra_xdb *db, const ra_xquery *q,
                        const ra_xsearch_opts *o, ra_xmset **out,
                        ra_error *err) {
  // One implementation: the extended search without spies or time limit.
  return ra_xdb_search_ext(db, q, o, nullptr, out, err);
}

ra_status ra_xdb_search_ext(ra_xdb *db, const ra_xquery *q,
                            const ra_xsearch_opts *o, ra_xsearch_ext *ext,
                            ra_xmset **out, ra_error *err) {
  *out = nullptr;
  ra_xmset *m = nullptr;
  try {
    bool by_value = ext && ext->facet_value_cb && !ext->collect_docids;
    bool by_docid = ext && ext->collect_docids;
    // A stock remote server refuses custom spies: over a cluster the tag
    // values are counted whole by Xapian's own ValueCountMatchSpy (one
    // count per distinct tag set) and split into tags here.
    bool by_count = by_value && db->c;
    if (by_docid && db->c)
      return ra_error_set(err, RA_ERR_INTERNAL, "search: docid spy over a cluster");
    ValueFacetSpy vspy(ext ? ext->facet_slot : 0);
    DocidSpy dspy;
    std::unique_ptr<Xapian::ValueCountMatchSpy> cspy;
    guarded(db, [&] {
      delete m;
      m = nullptr;
      vspy.counts.clear();
      vspy.docs = 0;
      dspy.ids.clear();
      m = new ra_xmset(db->db);
      m->enq.set_query(q->q);
      if (o->sort_by_docid) {
        m->enq.set_weighting_scheme(Xapian::BoolWeight());
        if (o->tie_slot >= 0)
          m->enq.set_sort_by_value(static_cast<Xapian::valueno>(o->tie_slot), false);
        else
          m->enq.set_docid_order(Xapian::Enquire::ASCENDING);
      } else {
        double k1 = o->bm25_k1 >= 0 ? o->bm25_k1 : 1.0;
        double k2 = o->bm25_k2 >= 0 ? o->bm25_k2 : 0.0;
        double k3 = o->bm25_k3 >= 0 ? o->bm25_k3 : 1.0;
        double b = o->bm25_b >= 0 ? o->bm25_b : 0.5;
        double mn = o->bm25_min_normlen >= 0 ? o->bm25_min_normlen : 0.5;
        m->enq.set_weighting_scheme(Xapian::BM25Weight(k1, k2, k3, b, mn));
        if (o->tie_slot >= 0)
          m->enq.set_sort_by_relevance_then_value(static_cast<Xapian::valueno>(o->tie_slot),
                                                  false);
      }
      if (o->collapse_slot >= 0)
        m->enq.set_collapse_key(static_cast<Xapian::valueno>(o->collapse_slot));
      if (ext && ext->time_limit > 0) m->enq.set_time_limit(ext->time_limit);
      if (by_count) {
        cspy.reset(new Xapian::ValueCountMatchSpy(ext->facet_slot));
        m->enq.add_matchspy(cspy.get());
      } else if (by_value) {
        m->enq.add_matchspy(&vspy);
      }
      if (by_docid) m->enq.add_matchspy(&dspy);
      m->mset = m->enq.get_mset(o->offset, o->count, o->check_at_least);
      // The spies live on this stack frame only.
      m->enq.clear_matchspies();
      return 0;
    });
    if (by_docid) {
      // In the order the matcher met them, unsorted: the facet table labels
      // each tag with its first document's spelling, as ValueFacetSpy does.
      ext->n_docids = dspy.ids.size();
      ext->facet_docs = static_cast<uint32_t>(dspy.ids.size());
      ext->docids = static_cast<uint32_t *>(
          malloc((dspy.ids.size() ? dspy.ids.size() : 1) * sizeof(uint32_t)));
      if (!ext->docids) {
        delete m;
        return ra_error_set(err, RA_ERR_NOMEM, "matched documents");
      }
      for (size_t i = 0; i < dspy.ids.size(); i++) ext->docids[i] = dspy.ids[i];
    }
    if (by_count) {
      // Tag sets in value order; a tag's display form is the one of the
      // first set holding it, so it does not depend on shard order.
      for (Xapian::TermIterator v = cspy->values_begin(); v != cspy->values_end(); ++v) {
        const std::string val = *v;
        size_t pos = 0;
        ra_tag_pair p;
        std::vector<std::string> seen;
        while (ra_tag_pair_next(val.data(), val.size(), &pos, &p)) {
          std::string key(p.key, p.key_len);
          if (std::find(seen.begin(), seen.end(), key) != seen.end()) continue;
          seen.push_back(key);
          ValueFacetSpy::Facet &f = vspy.counts[key];
          if (f.n == 0) f.display.assign(p.display, p.display_len);
          f.n += v.get_termfreq();
        }
      }
      vspy.docs = cspy->get_total();
    }
    if (by_value) {
      ext->facet_docs = vspy.docs;
      for (const auto &kv : vspy.counts)
        if (ext->facet_value_cb(ext->facet_ctx, kv.first.data(), kv.first.size(),
                                kv.second.display.data(),
                                kv.second.display.size(), kv.second.n))
          break;
    }
    *out = m;
    return RA_OK;
  } catch (...) {
    delete m;
    return translate(err, "search");
  }
}

size_t ra_xmset_size(const ra_xmset *m) { return m->mset.size(); }
uint32_t ra_xmset_estimate(const ra_xmset *m) {
  return m->mset.get_matches_estimated();
}
uint32_t ra_xmset_lower(const ra_xmset *m) {
  return m->mset.get_matches_lower_bound();
}
uint32_t ra_xmset_upper(const ra_xmset *m) {
  return m->mset.get_matches_upper_bound();
}

uint32_t ra_xmset_docid(const ra_xmset *m, size_t i) {
  return *(m->mset[static_cast<Xapian::doccount>(i)]);
}

double ra_xmset_weight(const ra_xmset *m, size_t i) {
  return m->mset[static_cast<Xapian::doccount>(i)].get_weight();
}

int ra_xmset_percent(const ra_xmset *m, size_t i) {
  return m->mset[static_cast<Xapian::doccount>(i)].get_percent();
}

double ra_xmset_max_attained(const ra_xmset *m) { return m->mset.get_max_attained(); }

size_t ra_xmset_collapse_key(const ra_xmset *m, size_t i, char *buf, size_t size) {
  std::string k = m->mset[static_cast<Xapian::doccount>(i)].get_collapse_key();
  if (size) {
    size_t n = std::min(k.size(), size - 1);
    std::memcpy(buf, k.data(), n);
    buf[n] = '\0';
  }
  return k.size();
}

uint32_t ra_xmset_collapse_count(const ra_xmset *m, size_t i) {
  return m->mset[static_cast<Xapian::doccount>(i)].get_collapse_count();
}

ra_status ra_xmset_matching_terms(const ra_xmset *m, size_t i, ra_xterm_cb cb,
                                  void *ctx, ra_error *err) {
  try {
    Xapian::MSetIterator it = m->mset[static_cast<Xapian::doccount>(i)];
    for (Xapian::TermIterator t = m->enq.get_matching_terms_begin(it);
         t != m->enq.get_matching_terms_end(it); ++t) {
      std::string term = *t;
      if (cb(ctx, term.data(), term.size(), 0)) break;
    }
    return RA_OK;
  } catch (...) {
    return translate(err, "matching terms");
  }
}

void ra_xmset_free(ra_xmset *m) { delete m; }

}  // extern "C"

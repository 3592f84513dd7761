// xdump.cc - print everything a Xapian database holds, deterministically, for
// comparing two builds: terms (termfreq, collfreq), per-document data,
// values, terms with wdf and positions, spellings, synonyms, metadata.
#include <xapian.h>
#include <cstdio>
#include <string>
#include <iostream>
static std::string esc(const std::string &s) {
  std::string o;
  char b[8];
  for (unsigned char c : s) {
    if (c < 0x20 || c == '\\' || c >= 0x7f) { snprintf(b, sizeof b, "\\x%02x", c); o += b; }
    else o += (char)c;
  }
  return o;
}
int main(int argc, char **argv) {
  if (argc < 2) { fprintf(stderr, "usage: xdump DB [skipmeta...]\n"); return 2; }
  try {
    Xapian::Database db(argv[1]);
    std::cout << "doccount " << db.get_doccount() << " lastdocid " << db.get_lastdocid()
              << " totlen " << (unsigned long long)(db.get_avlength() * db.get_doccount() + 0.5) << "\n";
    for (auto t = db.allterms_begin(); t != db.allterms_end(); ++t)
      std::cout << "T " << esc(*t) << " " << t.get_termfreq() << " " << db.get_collection_freq(*t) << "\n";
    for (auto p = db.postlist_begin(""); p != db.postlist_end(""); ++p) {
      Xapian::Document d = db.get_document(*p);
      std::cout << "D " << *p << " len " << p.get_doclength() << " data " << esc(d.get_data()) << "\n";
      for (auto v = d.values_begin(); v != d.values_end(); ++v)
        std::cout << " V " << v.get_valueno() << " " << esc(*v) << "\n";
      for (auto t = d.termlist_begin(); t != d.termlist_end(); ++t) {
        std::cout << " t " << esc(*t) << " " << t.get_wdf();
        for (auto q = t.positionlist_begin(); q != t.positionlist_end(); ++q) std::cout << " " << *q;
        std::cout << "\n";
      }
    }
    for (auto s = db.spellings_begin(); s != db.spellings_end(); ++s)
      std::cout << "S " << esc(*s) << " " << s.get_termfreq() << "\n";
    for (auto k = db.synonym_keys_begin(); k != db.synonym_keys_end(); ++k) {
      std::cout << "Y " << esc(*k) << ":";
      for (auto s = db.synonyms_begin(*k); s != db.synonyms_end(*k); ++s) std::cout << " " << esc(*s);
      std::cout << "\n";
    }
    for (auto k = db.metadata_keys_begin(); k != db.metadata_keys_end(); ++k) {
      bool skip = false;
      for (int i = 2; i < argc; i++) if (*k == argv[i]) skip = true;
      std::cout << "M " << esc(*k) << " " << (skip ? std::string("(skipped)") : esc(db.get_metadata(*k))) << "\n";
    }
  } catch (const Xapian::Error &e) {
    fprintf(stderr, "xdump: %s\n", e.get_description().c_str());
    return 1;
  }
  return 0;
}

// A small document model the report is built into once and rendered twice, as Markdown and as
// HTML, so the two formats cannot say different things.
#pragma once

#include <string>
#include <vector>

namespace hashflop::report {

struct Block {
  enum class Kind { paragraph, list, table, image };
  Kind kind = Kind::paragraph;
  std::string text;                            ///< paragraph; image: alt text
  std::vector<std::string> items;              ///< list items
  std::vector<std::string> header;             ///< table header
  std::vector<std::vector<std::string>> rows;  ///< table rows
  std::string src;                             ///< image: file name next to the report
  bool warning = false;                        ///< paragraph or list to be shown as a warning
};

struct Section {
  std::string title;
  int level = 2;
  std::vector<Block> blocks;

  void paragraph(std::string text, bool warning = false);
  void list(std::vector<std::string> items, bool warning = false);
  void table(std::vector<std::string> header, std::vector<std::vector<std::string>> rows);
  void image(std::string src, std::string alt);
};

struct Document {
  std::string title;
  std::vector<Section> sections;
  Section& add(std::string heading, int level = 2);
};

/// GitHub-flavoured Markdown; images as links to files next to the report.
std::string render_markdown(const Document& doc);
/// One self-contained HTML page (inline CSS); images as <img> of files next to it, with alt text
/// so the page reads the same without them.
std::string render_html(const Document& doc);
/// Escapes &, <, >, " and '.
std::string html_escape(const std::string& text);

}  // namespace hashflop::report

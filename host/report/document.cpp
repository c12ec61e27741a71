#include "report/document.hpp"

#include <algorithm>

#include <fmt/format.h>

namespace hashflop::report {

void Section::paragraph(std::string text, bool warning) {
  Block b;
  b.text = std::move(text);
  b.warning = warning;
  blocks.push_back(std::move(b));
}

void Section::list(std::vector<std::string> items, bool warning) {
  Block b;
  b.kind = Block::Kind::list;
  b.items = std::move(items);
  b.warning = warning;
  blocks.push_back(std::move(b));
}

void Section::table(std::vector<std::string> header, std::vector<std::vector<std::string>> rows) {
  Block b;
  b.kind = Block::Kind::table;
  b.header = std::move(header);
  b.rows = std::move(rows);
  blocks.push_back(std::move(b));
}

void Section::image(std::string src, std::string alt) {
  Block b;
  b.kind = Block::Kind::image;
  b.src = std::move(src);
  b.text = std::move(alt);
  blocks.push_back(std::move(b));
}

Section& Document::add(std::string heading, int level) {
  sections.push_back({std::move(heading), level, {}});
  return sections.back();
}

namespace {

// A pipe would end a Markdown table cell early; a newline would end the row.
std::string md_cell(const std::string& s) {
  std::string out;
  for (char c : s) {
    if (c == '|')
      out += "\\|";
    else if (c == '\n')
      out += ' ';
    else
      out += c;
  }
  return out;
}

}  // namespace

std::string render_markdown(const Document& doc) {
  std::string out = fmt::format("# {}\n", doc.title);
  for (const auto& s : doc.sections) {
    out += fmt::format("\n{} {}\n", std::string(static_cast<size_t>(s.level), '#'), s.title);
    for (const auto& b : s.blocks) {
      out += '\n';
      // fmt::format, not operator+ chains: GCC 12 warns falsely (-Wrestrict) on those.
      const std::string_view mark = b.warning ? "**Warning:** " : "";
      switch (b.kind) {
        case Block::Kind::paragraph:
          out += fmt::format("{}{}{}\n", b.warning ? "> " : "", mark, b.text);
          break;
        case Block::Kind::list:
          for (const auto& i : b.items) out += fmt::format("- {}{}\n", mark, i);
          break;
        case Block::Kind::table: {
          std::string sep;
          out += "|";
          for (const auto& h : b.header) {
            out += fmt::format(" {} |", md_cell(h));
            sep += " --- |";
          }
          out += "\n|" + sep + "\n";
          for (const auto& row : b.rows) {
            out += "|";
            for (const auto& c : row) out += fmt::format(" {} |", md_cell(c));
            out += "\n";
          }
          break;
        }
        case Block::Kind::image:
          out += fmt::format("![{}]({})\n", b.text, b.src);
          break;
      }
    }
  }
  return out;
}

std::string html_escape(const std::string& text) {
  std::string out;
  out.reserve(text.size());
  for (char c : text) {
    switch (c) {
      case '&':
        out += "&amp;";
        break;
      case '<':
        out += "&lt;";
        break;
      case '>':
        out += "&gt;";
        break;
      case '"':
        out += "&quot;";
        break;
      case '\'':
        out += "&#39;";
        break;
      default:
        out += c;
    }
  }
  return out;
}

std::string render_html(const Document& doc) {
  std::string out = fmt::format(
      "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
      "<title>{}</title>\n<style>\n"
      "body {{ font-family: sans-serif; max-width: 60em; margin: 2em auto; padding: 0 1em; }}\n"
      "table {{ border-collapse: collapse; margin: 0.5em 0; }}\n"
      "th, td {{ border: 1px solid #bbb; padding: 0.2em 0.6em; text-align: left; }}\n"
      ".warning {{ background: #fff3cd; border-left: 4px solid #e0a800; padding: 0.3em 0.6em; }}\n"
      "img {{ max-width: 100%; }}\n"
      "</style>\n</head>\n<body>\n<h1>{}</h1>\n",
      html_escape(doc.title), html_escape(doc.title));
  for (const auto& s : doc.sections) {
    const int level = std::clamp(s.level, 2, 6);
    out += fmt::format("<section>\n<h{}>{}</h{}>\n", level, html_escape(s.title), level);
    for (const auto& b : s.blocks) {
      const std::string cls = b.warning ? " class=\"warning\"" : "";
      switch (b.kind) {
        case Block::Kind::paragraph:
          out += fmt::format("<p{}>{}</p>\n", cls, html_escape(b.text));
          break;
        case Block::Kind::list:
          out += fmt::format("<ul{}>\n", cls);
          for (const auto& i : b.items) out += fmt::format("<li>{}</li>\n", html_escape(i));
          out += "</ul>\n";
          break;
        case Block::Kind::table:
          out += "<table>\n<thead><tr>";
          for (const auto& h : b.header) out += fmt::format("<th>{}</th>", html_escape(h));
          out += "</tr></thead>\n<tbody>\n";
          for (const auto& row : b.rows) {
            out += "<tr>";
            for (const auto& c : row) out += fmt::format("<td>{}</td>", html_escape(c));
            out += "</tr>\n";
          }
          out += "</tbody>\n</table>\n";
          break;
        case Block::Kind::image:
          out += fmt::format(
              "<figure><img src=\"{}\" alt=\"{}\"><figcaption>{}</figcaption></figure>\n",
              html_escape(b.src), html_escape(b.text), html_escape(b.text));
          break;
      }
    }
    out += "</section>\n";
  }
  out += "</body>\n</html>\n";
  return out;
}

}  // namespace hashflop::report

#include "compare/printers.hpp"

#include <algorithm>
#include <string_view>
#include <utility>
#include <vector>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "common/units.hpp"

namespace hashflop::compare {
namespace {

std::string median_text(const std::optional<Side>& s, const std::string& unit) {
  if (!s) return "-";
  return fmt::format("{} (n={})", format_si(s->median, unit), s->n);
}

bool measured(const PairResult& p) {
  return p.base && p.candidate;
}

std::string change_text(const PairResult& p) {
  if (!measured(p)) return "-";
  if (!p.interval) return fmt::format("{:+.1f}%", p.change_pct);
  return fmt::format("{:+.1f}% [{:+.1f}, {:+.1f}]", p.change_pct, p.interval->low_pct,
                     p.interval->high_pct);
}

std::string p_text(const PairResult& p) {
  if (!measured(p)) return "-";
  return p.p < 1e-4 ? std::string("<0.0001") : fmt::format("{:.4f}", p.p);
}

std::string spread_text(const PairResult& p) {
  if (!measured(p)) return "-";
  if (p.interval) return fmt::format("{:.1f}%", p.ratio_spread_pct);
  return fmt::format("{:.1f}%", std::max(p.base->spread_pct, p.candidate->spread_pct));
}

std::string label(const PairResult& p, bool with_metric) {
  return with_metric ? fmt::format("{} [{}]", p.label, metric_name(p.metric)) : p.label;
}

std::string plural(int n, std::string_view word) {
  return fmt::format("{} {}{}", n, word, n == 1 ? "" : "s");
}

// A per-joule row where a side measured no energy says nothing but why: the tables fold them
// into one line per reason instead of a row each (the JSON keeps every row).
bool folded(const PairResult& p) {
  return p.verdict == Change::unavailable;
}

bool several_metrics(const Comparison& c) {
  return std::any_of(c.pairs.begin(), c.pairs.end(), [](const PairResult& p) {
    return p.metric == Metric::per_joule && !folded(p);
  });
}

// "per joule not compared for 2 runs: energy not measured in the base", one per reason.
std::vector<std::string> folded_lines(const Comparison& c) {
  std::vector<std::pair<std::string, int>> reasons;
  for (const auto& p : c.pairs) {
    if (!folded(p)) continue;
    auto it = std::find_if(reasons.begin(), reasons.end(),
                           [&](const auto& r) { return r.first == p.note; });
    if (it == reasons.end()) {
      reasons.emplace_back(p.note, 1);
    } else {
      ++it->second;
    }
  }
  std::vector<std::string> out;
  for (const auto& [note, n] : reasons) {
    out.push_back(fmt::format("per joule not compared for {}: {}",
                              plural(n, c.format == Format::google_benchmark ? "benchmark" : "run"),
                              note));
  }
  return out;
}

// What fails the gate, by kind, then every verdict counted: "FAIL: 1 regression, 2
// inconclusive slowdowns (4 benchmarks: 1 slower, 2 inconclusive, 1 faster)".
std::string summary(const Comparison& c) {
  int counts[change_count] = {};
  int inconclusive_slower = 0, missing = 0;
  std::vector<std::string> labels;
  for (const auto& p : c.pairs) {
    if (std::find(labels.begin(), labels.end(), p.label) == labels.end()) labels.push_back(p.label);
    if (folded(p)) continue;
    ++counts[static_cast<int>(p.verdict)];
    if (p.fails_gate && p.verdict == Change::inconclusive) ++inconclusive_slower;
    if (p.fails_gate && p.verdict == Change::missing) ++missing;
  }
  std::string parts;
  for (int v = 0; v < change_count; ++v) {
    if (counts[v] == 0) continue;
    if (!parts.empty()) parts += ", ";
    parts += fmt::format("{} {}", counts[v], change_name(static_cast<Change>(v)));
  }
  const int n = static_cast<int>(labels.size());
  const std::string what = plural(n, c.format == Format::google_benchmark ? "benchmark" : "run") +
                           (several_metrics(c) ? ", rate and per joule" : "");
  if (c.gate_failures == 0) {
    return fmt::format("pass: {} ({}: {})",
                       c.regressions == 0 ? "no regression" : plural(c.regressions, "regression"),
                       what, parts);
  }
  std::string reasons;
  const auto add = [&](int k, std::string_view words) {
    if (k == 0) return;
    reasons += (reasons.empty() ? "" : ", ") + std::string(words);
  };
  add(c.regressions, plural(c.regressions, "regression"));
  add(inconclusive_slower, fmt::format("{} inconclusive slowdown{} (too few samples to confirm)",
                                       inconclusive_slower, inconclusive_slower == 1 ? "" : "s"));
  add(missing, fmt::format("{} on one side only", missing));
  return fmt::format("FAIL: {} ({}: {})", reasons, what, parts);
}

// What the p column and the change mean, for the header lines.
std::string method(const Comparison& c) {
  return c.paired ? "Wilcoxon signed-rank, two-sided, on per-pair log ratios; change is the "
                    "Hodges-Lehmann median ratio [its interval]"
                  : "Mann-Whitney U, two-sided, on repetitions";
}

}  // namespace

std::string format_text(const Comparison& c) {
  const bool metric = several_metrics(c);
  std::size_t width = 9;
  for (const auto& p : c.pairs) width = std::max(width, label(p, metric).size());
  std::string out = fmt::format("base       {} ({})\ncandidate  {}\n", c.base_path,
                                format_name(c.format), c.candidate_path);
  out += fmt::format("threshold  {}%   alpha {}   {}\n\n", c.options.threshold_pct, c.options.alpha,
                     method(c));
  const int change_width = c.paired ? 22 : 8;
  out += fmt::format("{:<14} {:>{}} {:>8} {:>7}  {:<26} {:<26} {}\n", "verdict", "change",
                     change_width, "p", "spread", "base median", "candidate median", "benchmark");
  // A note every shown row shares ("only 3 and 3 repetitions: ...") is said once, below the
  // table, instead of at the end of each row.
  std::string shared_note;
  int shown = 0;
  bool all_share = true;
  for (const auto& p : c.pairs) {
    if (folded(p)) continue;
    if (shown++ == 0) shared_note = p.note;
    all_share = all_share && p.note == shared_note;
  }
  if (!all_share || shown < 2) shared_note.clear();
  for (const auto& p : c.pairs) {
    if (folded(p)) continue;
    const std::string note = p.note.empty() || !shared_note.empty() ? "" : "  (" + p.note + ")";
    out += fmt::format("{:<14} {:>{}} {:>8} {:>7}  {:<26} {:<26} {}{}\n",
                       std::string(change_name(p.verdict)) + (p.fails_gate ? " !" : ""),
                       change_text(p), change_width, p_text(p), spread_text(p),
                       median_text(p.base, p.unit), median_text(p.candidate, p.unit),
                       label(p, metric), note);
  }
  if (!shared_note.empty()) out += fmt::format("every row: {}\n", shared_note);
  for (const auto& line : folded_lines(c)) out += line + "\n";
  for (const auto& s : c.skipped) out += fmt::format("skipped    {}\n", s);
  out += fmt::format("\n{}\n", summary(c));
  return out;
}

std::string format_markdown(const Comparison& c) {
  const bool metric = several_metrics(c);
  std::string out = fmt::format(
      "### hashflop compare: {}\n\n"
      "Base `{}`, candidate `{}`. A regression is slower by more than {}% with p < {} ({}).\n\n",
      c.gate_failures == 0 ? "pass"
      : c.regressions == 0 ? "**fail**"
                           : fmt::format("**fail, {}**", plural(c.regressions, "regression")),
      c.base_path, c.candidate_path, c.options.threshold_pct, c.options.alpha, method(c));
  out += "| benchmark | verdict | change | p | spread | base | candidate |\n";
  out += "|---|---|--:|--:|--:|--:|--:|\n";
  for (const auto& p : c.pairs) {
    if (folded(p)) continue;
    std::string verdict = change_name(p.verdict);
    if (p.fails_gate) verdict = "**" + verdict + "**";
    std::string name = label(p, metric);
    std::replace(name.begin(), name.end(), '|', '/');  // a '|' would split the cell
    out += fmt::format("| `{}` | {} | {} | {} | {} | {} | {} |\n", name, verdict, change_text(p),
                       p_text(p), spread_text(p), median_text(p.base, p.unit),
                       median_text(p.candidate, p.unit));
  }
  std::vector<std::string> notes;
  for (const auto& p : c.pairs) {
    if (!p.note.empty() && !folded(p))
      notes.push_back(fmt::format("`{}`: {}", label(p, metric), p.note));
  }
  for (const auto& line : folded_lines(c)) notes.push_back(line);
  for (const auto& s : c.skipped) notes.push_back("skipped " + s);
  if (!notes.empty()) {
    out += "\n";
    for (const auto& n : notes) out += "- " + n + "\n";
  }
  out += fmt::format("\n{}\n", summary(c));
  return out;
}

std::string format_json(const Comparison& c) {
  using nlohmann::json;
  auto side = [](const std::optional<Side>& s) {
    if (!s) return json(nullptr);
    return json{{"n", s->n}, {"median", s->median}, {"spread_pct", s->spread_pct}};
  };
  json pairs = json::array();
  for (const auto& p : c.pairs) {
    const bool m = measured(p);
    json entry = {{"name", p.label},
                  {"metric", metric_name(p.metric)},
                  {"unit", p.unit},
                  {"verdict", change_name(p.verdict)},
                  {"regression", p.regression},
                  {"fails_gate", p.fails_gate},
                  {"base", side(p.base)},
                  {"candidate", side(p.candidate)},
                  {"change_pct", m ? json(p.change_pct) : json(nullptr)},
                  {"p_value", m ? json(p.p) : json(nullptr)},
                  {"exact", m ? json(p.exact) : json(nullptr)},
                  {"note", p.note}};
    if (p.interval) {
      entry["interval"] = {{"low_pct", p.interval->low_pct},
                           {"high_pct", p.interval->high_pct},
                           {"confidence", p.interval->confidence}};
      entry["ratio_spread_pct"] = p.ratio_spread_pct;
    }
    if (c.paired) {
      json ratios = json::array();
      for (const auto& [pair, r] : p.log_ratios)
        ratios.push_back({{"pair", pair}, {"log_ratio", r}});
      entry["log_ratios"] = ratios;
    }
    pairs.push_back(entry);
  }
  const json j = {{"base", c.base_path},
                  {"candidate", c.candidate_path},
                  {"format", format_name(c.format)},
                  {"paired", c.paired},
                  {"threshold_pct", c.options.threshold_pct},
                  {"alpha", c.options.alpha},
                  {"pairs", pairs},
                  {"skipped", c.skipped},
                  {"regressions", c.regressions},
                  {"gate_failures", c.gate_failures},
                  {"exit_code", c.exit_code}};
  return j.dump(2) + "\n";
}

}  // namespace hashflop::compare

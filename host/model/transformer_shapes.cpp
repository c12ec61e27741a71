#include "model/transformer_shapes.hpp"

#include <charconv>

#include <fmt/format.h>

#include "common/error.hpp"

namespace hashflop::model {
namespace {

// A step beyond this many tokens (or keys) would need terabytes of activations: refused as a
// typo rather than left to the memory check.
constexpr int64_t max_tokens = int64_t{1} << 24;

int64_t parse_count(std::string_view text, std::string_view what, std::string_view item) {
  int64_t v = 0;
  const auto* end = text.data() + text.size();
  const auto [ptr, ec] = std::from_chars(text.data(), end, v);
  if (text.empty() || ec != std::errc() || ptr != end)
    throw UsageError(fmt::format("{} '{}': '{}' is not an integer", what, item, text));
  return v;
}

void check_positive(int64_t v, std::string_view what) {
  if (v <= 0) throw UsageError(fmt::format("{} must be > 0 (got {})", what, v));
  if (v > max_tokens) throw UsageError(fmt::format("{} {} is over {}", what, v, max_tokens));
}

template <class F>
void for_each_item(std::string_view list, F&& f) {
  size_t from = 0;
  while (from <= list.size()) {
    const size_t comma = std::min(list.find(',', from), list.size());
    f(list.substr(from, comma - from));
    from = comma + 1;
  }
}

}  // namespace

std::string Phase::name() const {
  return kind == PhaseKind::prefill ? fmt::format("prefill-{}x{}", batch, tokens)
                                    : fmt::format("decode-b{}-ctx{}", batch, context);
}

Phase prefill_phase(int64_t batch, int64_t prompt) {
  check_positive(batch, "prefill batch");
  check_positive(prompt, "prefill prompt length");
  check_positive(batch * prompt, "prefill tokens (batch x prompt)");
  return {PhaseKind::prefill, batch, prompt, prompt};
}

Phase decode_phase(int64_t batch, int64_t context) {
  check_positive(batch, "decode batch");
  check_positive(context, "decode context");
  return {PhaseKind::decode, batch, 1, context};
}

std::vector<Phase> parse_prefill_list(std::string_view list) {
  std::vector<Phase> out;
  if (list.empty()) return out;
  for_each_item(list, [&](std::string_view item) {
    const size_t x = item.find('x');
    if (x == std::string_view::npos)
      throw UsageError(fmt::format("prefill '{}': expected BATCHxPROMPT, e.g. 8x512", item));
    out.push_back(prefill_phase(parse_count(item.substr(0, x), "prefill", item),
                                parse_count(item.substr(x + 1), "prefill", item)));
  });
  return out;
}

std::vector<Phase> parse_decode_list(std::string_view list, int64_t context) {
  std::vector<Phase> out;
  if (list.empty()) return out;
  for_each_item(list, [&](std::string_view item) {
    out.push_back(decode_phase(parse_count(item, "decode batch", item), context));
  });
  return out;
}

std::vector<ProductShape> layer_products(const ModelPreset& m, const Phase& p) {
  const int64_t t = p.tokens_per_step();
  // Grouped-query attention: the `group` query heads of one KV head share its keys and values,
  // so per sequence and KV head the scores are one (group x tokens) x head_dim x context product.
  const int64_t rows = m.group() * p.tokens;
  const int64_t pairs = p.batch * m.kv_heads;
  return {
      {"qkv", t, m.q_dim() + 2 * m.kv_dim(), m.hidden, 1, true},
      {"attn_qk", rows, p.context, m.head_dim, pairs, false},
      {"attn_pv", rows, m.head_dim, p.context, pairs, false},
      {"o", t, m.hidden, m.q_dim(), 1, true},
      {"gate_up", t, 2 * m.intermediate, m.hidden, 1, true},
      {"down", t, m.hidden, m.intermediate, 1, true},
  };
}

StepCost step_cost(const std::vector<ProductShape>& products, int element_bytes) {
  StepCost c;
  for (const auto& p : products) {
    c.flops += p.flops();
    c.bytes += p.bytes(element_bytes);
    const double b = double(p.count) * double(p.k) * double(p.n) * element_bytes;
    (p.weight ? c.weight_bytes : c.kv_bytes) += b;
  }
  return c;
}

}  // namespace hashflop::model

#include "model/model_presets.hpp"

#include <fmt/format.h>

#include "common/checked_math.hpp"
#include "common/error.hpp"

namespace hashflop::model {

void check_preset(const ModelPreset& p, size_t index) {
  if (p.heads % p.kv_heads != 0)
    throw Error(fmt::format("models[{}] ({}): heads {} is not a multiple of kv_heads {}", index,
                            p.name, p.heads, p.kv_heads));
  // Every size derived from these (weights in bytes, at fp32) must fit in 64 bits: checked once
  // here, so no later product of them can wrap.
  try {
    (void)checked_mul(checked_mul(p.layer_weight_elements(), 4, "one layer's weight bytes"),
                      p.layers, "the model's weight bytes");
  } catch (const Error& e) {
    throw Error(fmt::format("models[{}] ({}): {}", index, p.name, e.what()));
  }
}

int64_t ModelPreset::layer_weight_elements() const {
  constexpr std::string_view what = "one layer's weight count";
  const int64_t q = checked_mul(heads, head_dim, what), kv = checked_mul(kv_heads, head_dim, what);
  const int64_t qkv = checked_mul(hidden, checked_add(q, checked_mul(2, kv, what), what), what);
  const int64_t o = checked_mul(q, hidden, what);
  const int64_t gate_up = checked_mul(checked_mul(hidden, 2, what), intermediate, what);
  const int64_t down = checked_mul(intermediate, hidden, what);
  return checked_add(checked_add(qkv, o, what), checked_add(gate_up, down, what), what);
}

const ModelPreset& find_model(std::string_view name, const std::vector<ModelPreset>& presets) {
  std::string known;
  for (const auto& p : presets) {
    if (p.name == name) return p;
    known += (known.empty() ? "" : ", ") + p.name;
  }
  throw UsageError(fmt::format("unknown model '{}' (presets: {})", name, known));
}

}  // namespace hashflop::model

// The products one decoder layer runs per step, at a phase (prefill or decode) and batch: the
// linear layers (QKV, O, gate+up, down) and the attention products (Q K^T and P V per sequence
// and KV head, grouped-query). Nothing else: no norms, activations, rotary embeddings, softmax,
// sampling or serving overhead, so a rate built on these is an upper bound.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "model/model_presets.hpp"

namespace hashflop::model {

enum class PhaseKind { prefill, decode };

/// One phase at one batch: prefill runs batch prompts of `tokens` tokens each (attending to
/// themselves); decode runs one new token per sequence against a KV cache of `context` tokens.
struct Phase {
  PhaseKind kind = PhaseKind::decode;
  int64_t batch = 1;
  int64_t tokens = 1;   ///< new tokens per sequence: the prompt (prefill) or 1 (decode)
  int64_t context = 1;  ///< keys each new token attends to

  /// "prefill-1x2048" or "decode-b64-ctx2048": the workload's variant name.
  std::string name() const;
  std::string_view kind_name() const { return kind == PhaseKind::prefill ? "prefill" : "decode"; }
  /// Tokens one step (one decoder layer) processes: batch x tokens.
  int64_t tokens_per_step() const { return batch * tokens; }
};

/// Throws UsageError unless batch and prompt are > 0 (and their product is sane).
Phase prefill_phase(int64_t batch, int64_t prompt);
/// Throws UsageError unless batch and context are > 0.
Phase decode_phase(int64_t batch, int64_t context);

/// "1x2048,8x512" (batch x prompt each); throws UsageError naming the bad item.
std::vector<Phase> parse_prefill_list(std::string_view list);
/// "1,8,64,256" (batches, each against `context`); throws UsageError naming the bad item.
std::vector<Phase> parse_decode_list(std::string_view list, int64_t context);

/// `count` independent products C (m x n) = A (m x k) B (k x n) per step.
struct ProductShape {
  std::string_view name;  ///< qkv, attn_qk, attn_pv, o, gate_up, down
  int64_t m = 0, n = 0, k = 0;
  int64_t count = 1;    ///< 1 for a linear layer; batch x KV heads for attention
  bool weight = false;  ///< B is a layer weight (rotated across layer sets), else the KV cache

  double flops() const { return 2.0 * double(m) * double(n) * double(k) * double(count); }
  /// Bytes each operand moves once: A and B at `element_bytes`, C (fp32) written once.
  double bytes(int element_bytes) const {
    return double(count) *
           (double(element_bytes) * (double(m) * double(k) + double(k) * double(n)) +
            4.0 * double(m) * double(n));
  }
};

/// The products of one decoder layer at `phase`, in the order a layer runs them.
std::vector<ProductShape> layer_products(const ModelPreset& model, const Phase& phase);

/// Totals over `products`, for one decoder layer.
struct StepCost {
  double flops = 0, bytes = 0, weight_bytes = 0, kv_bytes = 0;
};
StepCost step_cost(const std::vector<ProductShape>& products, int element_bytes);

}  // namespace hashflop::model

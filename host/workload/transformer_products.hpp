// One product of a decoder layer (QKV, an attention product, O, gate+up, down) bound to one
// device: its operands, the GEMM path chosen for it by measurement among every variant the
// device runs at the dtype, and its fp64 check. The transformer workload runs a layer as a
// sequence of these.
#pragma once

#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <vector>

#include "common/record.hpp"
#include "gemm/gemm_reference.hpp"
#include "gemm/gemm_variants.hpp"
#include "model/transformer_shapes.hpp"

namespace hashflop::workload {

/// Fills `out` like gemm::fill_random (uniform in [-1, 1], never zero), split over `threads`
/// threads in fixed chunks so the values depend on `seed` only.
void fill_random_parallel(std::span<float> out, uint64_t seed, unsigned threads);

/// How one candidate GEMM path did on a product.
struct PathTiming {
  std::string variant, impl, settings;
  double seconds = 0;  ///< per pass (every sub-product of one rotation); 0 when it could not run
  std::string reason;  ///< why it could not run
  /// Timed on its warm pass alone: that pass already took over twice the best time so far.
  bool cut_short = false;
};

/// What a product ran on and what every candidate measured, for the run's params.
struct ProductDescription {
  model::ProductShape shape;
  PathTiming chosen;
  std::vector<PathTiming> candidates;
  bool split_pairs = false;  ///< one product per thread, else each product on every thread
  /// Launches (or calls) one pass of the product takes on the chosen path: 1 where a strided
  /// batch computes every sub-product at once, `count` where each is its own.
  int64_t launches_per_pass = 1;
};

/// The description as it sits in a transformer run's params ("settings"."products").
Record to_record(const ProductDescription& product);

/// Launches one layer of `products` takes when a launch computes at most `max_batch`
/// consecutive sub-products (1: one launch per sequence and KV head for attention).
int64_t layer_launches(const std::vector<model::ProductShape>& products, int64_t max_batch);

class ProductRunner {
 public:
  /// `b_rotations`: the B operands, one span of count x k x n floats per rotation (layer or KV
  /// set), owned by the caller and alive as long as this. A (count x m x k) is filled here from
  /// `seed`; C (count x m x n) is poisoned with NaN so an unwritten element fails its check.
  ProductRunner(const model::ProductShape& shape, gemm::Dtype dtype, DeviceRef device,
                unsigned threads, std::vector<std::span<const float>> b_rotations, uint64_t seed);
  ~ProductRunner();
  ProductRunner(const ProductRunner&) = delete;
  ProductRunner& operator=(const ProductRunner&) = delete;

  /// Times every variant of `variants` that runs on the device at the dtype (a warm pass, then
  /// passes rotating through the B sets) and keeps the fastest. Throws DeviceError when none
  /// can run.
  void select(std::span<const gemm::GemmVariant> variants);
  /// Uses `variant` only, untimed (tests check every path this way).
  void use(const gemm::GemmVariant& variant);

  /// Every sub-product of `rotation`, as few launches as the chosen path allows; on a GPU it
  /// may return before they complete (the device's products queue in call order).
  void run(size_t rotation);
  /// Waits for every run() so far.
  void synchronize();
  /// Launches one run() takes on the chosen path.
  int64_t launches_per_pass() const;
  /// Sub-products 0, count / 2 and count - 1 of `rotation` (as last run) against fp64; the
  /// worst wins.
  gemm::VerifyResult check(size_t rotation, uint64_t seed);

  const model::ProductShape& shape() const { return shape_; }
  const PathTiming& chosen() const { return chosen_; }
  const std::vector<PathTiming>& candidates() const { return candidates_; }
  size_t rotations() const { return b_.size(); }
  /// Bytes this runner allocates itself (A and C), for the memory check.
  static uint64_t own_bytes(const model::ProductShape& shape);
  ProductDescription describe() const;

 private:
  std::unique_ptr<gemm::GemmExecutor> prepare(const gemm::GemmVariant& v) const;
  double time_passes(gemm::GemmExecutor& exec, double best_so_far, bool& cut_short);
  void run_on(gemm::GemmExecutor& exec, size_t rotation);
  void run_and_wait(gemm::GemmExecutor& exec, size_t rotation);

  model::ProductShape shape_;
  gemm::Dtype dtype_;
  DeviceRef device_;
  unsigned threads_;
  bool split_pairs_;  // CPU: sub-products spread over threads, each single-threaded
  std::vector<float> a_, c_;
  std::vector<std::span<const float>> b_;
  std::unique_ptr<gemm::GemmExecutor> exec_;
  PathTiming chosen_;
  std::vector<PathTiming> candidates_;
};

}  // namespace hashflop::workload

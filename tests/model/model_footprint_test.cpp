// Whether a whole model fits a device at a phase: the shipped presets' weights and KV caches
// worked by hand, against an 80 GB GPU.
#include <string>

#include <gtest/gtest.h>

#include "model/model_footprint.hpp"
#include "results/model_presets_file.hpp"

namespace hashflop::model {
namespace {

constexpr uint64_t gpu_80gb = 80'000'000'000;
constexpr int bf16_bytes = 2;

const ModelPreset& shipped_preset(const char* name) {
  static const auto presets =
      results::load_model_presets(std::string(HASHFLOP_TEST_SOURCE_DIR) + "/data/models.json");
  return find_model(name, presets);
}

TEST(ModelFootprint, Llama70bWeightsInBf16DoNotFitOne80GbGpu) {
  const auto f =
      model_footprint(shipped_preset("llama-3.1-70b"), decode_phase(1, 2048), bf16_bytes, gpu_80gb);
  // 80 layers x (8192 x 10240 + 8192 x 8192 + 8192 x 57344 + 28672 x 8192) x 2 bytes.
  EXPECT_EQ(f.weight_bytes, uint64_t{80} * 855'638'016 * 2);
  EXPECT_EQ(f.fit, ModelFit::weights_do_not_fit);
  EXPECT_EQ(model_fit_name(f.fit), "weights_do_not_fit");
  const auto note = f.note("llama-3.1-70b", "cuda:0");
  EXPECT_NE(note.find("weights (136.9 GB) do not fit cuda:0's 80.0 GB"), std::string::npos) << note;
}

TEST(ModelFootprint, Llama1bFitsWithItsLargestDecodeBatch) {
  const auto f = model_footprint(shipped_preset("llama-3.2-1b"), decode_phase(256, 2048),
                                 bf16_bytes, gpu_80gb);
  EXPECT_EQ(f.weight_bytes, uint64_t{16} * 60'817'408 * 2);  // 1.9 GB
  // 16 layers x 256 sequences x 2048 tokens x (K and V of 8 heads x 64) x 2 bytes: 17.2 GB.
  EXPECT_EQ(f.kv_cache_bytes, uint64_t{16} * 256 * 2048 * 2 * 512 * 2);
  EXPECT_EQ(f.fit, ModelFit::fits);
  EXPECT_TRUE(f.note("llama-3.2-1b", "cuda:0").empty());
}

TEST(ModelFootprint, Llama8bAtBatch256HoldsItsWeightsButNotItsKvCache) {
  // 15 GB of weights fit; 68.7 GB of KV cache beside them do not.
  const auto f = model_footprint(shipped_preset("llama-3.1-8b"), decode_phase(256, 2048),
                                 bf16_bytes, gpu_80gb);
  EXPECT_LT(f.weight_bytes, gpu_80gb);
  EXPECT_EQ(f.kv_cache_bytes, uint64_t{32} * 256 * 2048 * 2 * 1024 * 2);
  EXPECT_EQ(f.fit, ModelFit::kv_cache_does_not_fit);
  const auto note = f.note("llama-3.1-8b", "cuda:0");
  EXPECT_NE(note.find("KV cache (68.7 GB)"), std::string::npos) << note;
  EXPECT_EQ(
      model_footprint(shipped_preset("llama-3.1-8b"), decode_phase(8, 2048), bf16_bytes, gpu_80gb)
          .fit,
      ModelFit::fits);
}

TEST(ModelFootprint, SizesSaturateInsteadOfWrapping) {
  ModelPreset m = shipped_preset("llama-3.1-70b");
  m.layers = int64_t{1} << 62;
  const auto f = model_footprint(m, decode_phase(1, 1), bf16_bytes, gpu_80gb);
  EXPECT_EQ(f.weight_bytes, UINT64_MAX);
  EXPECT_EQ(f.fit, ModelFit::weights_do_not_fit);
}

}  // namespace
}  // namespace hashflop::model

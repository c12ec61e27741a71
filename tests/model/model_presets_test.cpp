// The shipped presets carry the published configs' shapes, and the shapes a decoder layer runs
// follow from them; bad names, files and phases are usage errors.
#include <filesystem>
#include <fstream>
#include <string>

#include <gtest/gtest.h>

#include "common/error.hpp"
#include "model/model_presets.hpp"
#include "model/transformer_shapes.hpp"
#include "results/model_presets_file.hpp"

namespace hashflop::model {
namespace {

TEST(ModelPresets, ShippedFileHasTheThreeLlamaConfigsWithSources) {
  const auto presets =
      results::load_model_presets(std::string(HASHFLOP_TEST_SOURCE_DIR) + "/data/models.json");
  ASSERT_EQ(presets.size(), 3u);
  const auto& small = find_model("llama-3.2-1b", presets);
  EXPECT_EQ(small.hidden, 2048);
  EXPECT_EQ(small.intermediate, 8192);
  EXPECT_EQ(small.layers, 16);
  EXPECT_EQ(small.heads, 32);
  EXPECT_EQ(small.kv_heads, 8);
  EXPECT_EQ(small.head_dim, 64);
  const auto& mid = find_model("llama-3.1-8b", presets);
  EXPECT_EQ(mid.hidden, 4096);
  EXPECT_EQ(mid.intermediate, 14336);
  EXPECT_EQ(mid.layers, 32);
  EXPECT_EQ(mid.kv_heads, 8);
  EXPECT_EQ(mid.head_dim, 128);
  const auto& big = find_model("llama-3.1-70b", presets);
  EXPECT_EQ(big.hidden, 8192);
  EXPECT_EQ(big.intermediate, 28672);
  EXPECT_EQ(big.layers, 80);
  EXPECT_EQ(big.heads, 64);
  EXPECT_EQ(big.head_dim, 128);
  for (const auto& p : presets)
    EXPECT_NE(p.source.find("config.json"), std::string::npos) << p.name;
}

TEST(ModelPresets, TheBinaryFindsTheSameFileBesideItself) {
  EXPECT_EQ(results::find_model(default_model).hidden, 2048);
}

TEST(ModelPresets, UnknownNameListsThePresets) {
  try {
    results::find_model("gpt-5");
    FAIL() << "no error";
  } catch (const UsageError& e) {
    const std::string what = e.what();
    EXPECT_NE(what.find("unknown model 'gpt-5'"), std::string::npos) << what;
    EXPECT_NE(what.find("llama-3.1-70b"), std::string::npos) << what;
  }
}

TEST(ModelPresets, MalformedEntriesAreUsageErrors) {
  const auto dir = std::filesystem::temp_directory_path() / "hashflop-models-test";
  std::filesystem::create_directories(dir);
  const auto write = [&](const std::string& text) {
    std::ofstream(dir / "m.json") << text;
    return dir / "m.json";
  };
  const std::string head = R"({"schema": "hashflop/models/v1", "models": [)";
  EXPECT_THROW(results::load_model_presets(write(R"({"models": []})")), UsageError);
  EXPECT_THROW(results::load_model_presets(write(head + "]}")), UsageError);
  EXPECT_THROW(results::load_model_presets(write(head + R"({"name": "x", "source": "s", "hidden": 8,
      "intermediate": 8, "layers": 1, "heads": 3, "kv_heads": 2, "head_dim": 4}]})")),
               UsageError);  // heads not a multiple of kv_heads
  EXPECT_THROW(
      results::load_model_presets(write(head + R"({"name": "x", "source": "s", "hidden": -8,
      "intermediate": 8, "layers": 1, "heads": 2, "kv_heads": 2, "head_dim": 4}]})")),
      UsageError);
  EXPECT_THROW(results::load_model_presets(write(head + R"({"name": "x", "hidden": 8,
      "intermediate": 8, "layers": 1, "heads": 2, "kv_heads": 2, "head_dim": 4}]})")),
               UsageError);  // no source
  std::filesystem::remove_all(dir);
}

// Sizes of 2^20 each, every one inside its own bound: one layer's weights are about 2^62
// elements, 16 EiB at fp32, which once wrapped to "12582912 bytes". Refused, naming the overflow.
TEST(ModelPresets, SizesWhoseWeightsOverflowAreRefusedNotWrapped) {
  const auto dir = std::filesystem::temp_directory_path() / "hashflop-models-overflow-test";
  std::filesystem::create_directories(dir);
  std::ofstream(dir / "m.json") << R"({"schema": "hashflop/models/v1", "models": [
      {"name": "huge", "source": "s", "hidden": 1048576, "intermediate": 1048576,
       "layers": 1, "heads": 1048576, "kv_heads": 1048576, "head_dim": 1048576}]})";
  try {
    results::load_model_presets(dir / "m.json");
    ADD_FAILURE() << "a model of 2^62 weights per layer was accepted";
  } catch (const UsageError& e) {
    EXPECT_NE(std::string(e.what()).find("overflows 64 bits"), std::string::npos) << e.what();
    EXPECT_NE(std::string(e.what()).find("huge"), std::string::npos) << e.what();
  }
  std::filesystem::remove_all(dir);
}

TEST(TransformerShapes, DecodeLayerOfTheSmallModelHasTheConfigsProducts) {
  const auto& m = results::find_model("llama-3.2-1b");
  const auto p = layer_products(m, decode_phase(8, 2048));
  ASSERT_EQ(p.size(), 6u);
  EXPECT_EQ(p[0].name, "qkv");
  EXPECT_EQ(p[0].m, 8);
  EXPECT_EQ(p[0].k, 2048);
  EXPECT_EQ(p[0].n, 2048 + 2 * 512);
  EXPECT_EQ(p[1].name, "attn_qk");  // 4 query heads per KV head, one token each
  EXPECT_EQ(p[1].m, 4);
  EXPECT_EQ(p[1].k, 64);
  EXPECT_EQ(p[1].n, 2048);
  EXPECT_EQ(p[1].count, 8 * 8);
  EXPECT_EQ(p[2].k, 2048);
  EXPECT_EQ(p[2].n, 64);
  EXPECT_EQ(p[4].n, 2 * 8192);
  EXPECT_EQ(p[5].k, 8192);
  const auto cost = step_cost(p, 4);
  // Every weight element is read once per layer: 4 bytes x the layer's weights.
  EXPECT_DOUBLE_EQ(cost.weight_bytes, 4.0 * double(m.layer_weight_elements()));
  EXPECT_DOUBLE_EQ(cost.kv_bytes, 4.0 * 2 * 8 * 8 * 2048 * 64);
  // 2 FLOP per weight per token, plus 2 x 2 x heads x head_dim x context per token.
  EXPECT_DOUBLE_EQ(cost.flops,
                   2.0 * 8 * double(m.layer_weight_elements()) + 8 * 4.0 * 32 * 64 * 2048);
}

TEST(TransformerShapes, PrefillAttendsToItsOwnPrompt) {
  const auto& m = results::find_model("llama-3.1-8b");
  const auto p = layer_products(m, prefill_phase(8, 512));
  EXPECT_EQ(p[0].m, 8 * 512);
  EXPECT_EQ(p[1].m, 4 * 512);
  EXPECT_EQ(p[1].n, 512);
  EXPECT_EQ(p[1].count, 8 * 8);
  EXPECT_EQ(prefill_phase(8, 512).name(), "prefill-8x512");
  EXPECT_EQ(decode_phase(64, 2048).name(), "decode-b64-ctx2048");
}

TEST(TransformerShapes, BatchPromptAndContextOfZeroOrBelowAreRefused) {
  EXPECT_THROW(prefill_phase(0, 16), UsageError);
  EXPECT_THROW(prefill_phase(1, -1), UsageError);
  EXPECT_THROW(decode_phase(0, 16), UsageError);
  EXPECT_THROW(decode_phase(4, 0), UsageError);
  EXPECT_THROW(parse_prefill_list("8x"), UsageError);
  EXPECT_THROW(parse_prefill_list("8"), UsageError);
  EXPECT_THROW(parse_prefill_list("1x2048,"), UsageError);
  EXPECT_THROW(parse_decode_list("1,-8", 2048), UsageError);
  EXPECT_THROW(parse_decode_list("x", 2048), UsageError);
  const auto ok = parse_decode_list("1,8,64,256", 2048);
  ASSERT_EQ(ok.size(), 4u);
  EXPECT_EQ(ok[3].batch, 256);
  EXPECT_TRUE(parse_prefill_list("").empty());
}

}  // namespace
}  // namespace hashflop::model

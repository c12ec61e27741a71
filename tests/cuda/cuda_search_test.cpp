// The CUDA search against the CPU scalar reference, its edge cases (overflow, tails, the last
// nonce) and BIP 320 version rolling. GPU tests skip with the reason when no device is usable;
// the version-rolling, lane-type and device-discovery tests always run.
#include <algorithm>
#include <filesystem>
#include <random>
#include <set>

#include <unistd.h>

#include <gtest/gtest.h>

#include "backend/backend.hpp"
#include "bitcoin/target.hpp"
#include "bitcoin/version_rolling.hpp"
#include "common/error.hpp"
#include "imad_lane.cuh"
#include "mine/cuda_autotune.hpp"
#include "mine/cuda_search.hpp"
#include "mine/known_headers.hpp"
#include "mine/launch_name.hpp"
#include "mine/test_targets.hpp"
#include "sha256d_cpu.hpp"
#include "tune/cuda_sha256d_choice.hpp"

namespace hashflop {
namespace {

#define SKIP_WITHOUT_CUDA()                            \
  if (const auto reason = cuda_unavailable_reason()) { \
    GTEST_SKIP() << "no CUDA device: " << *reason;     \
  }

// About one nonce in 256 is a candidate, with a 256-bit tail that rejects some
// (mine/test_targets.hpp; a 62-digit copy here once made it one in 65,536).
const bitcoin::Uint256 kEasyTarget = easy_test_target();
const bitcoin::Uint256 kEveryNonce = bitcoin::Uint256::parse_hex(std::string(64, 'f'), "target");

bitcoin::BlockHeader random_header(std::mt19937_64& rng) {
  std::array<unsigned char, 80> bytes{};
  for (auto& b : bytes) b = static_cast<unsigned char>(rng());
  return bitcoin::BlockHeader(bytes);
}

/// The scalar reference: every candidate of the range, verified exactly as a backend does.
MineResult reference(const MineRequest& req) {
  const auto job = sha256d::make_job(req.header.bytes().data(), req.target.top_word());
  std::vector<uint32_t> candidates;
  cpu::CandidateSink sink{
      [](void* ctx, uint32_t n) { static_cast<std::vector<uint32_t>*>(ctx)->push_back(n); },
      &candidates};
  cpu::search_scalar(job, req.start, req.count, sink);
  MineResult r;
  verify_candidates(req, candidates, r);
  return r;
}

std::vector<uint32_t> nonces_of(const std::vector<FoundNonce>& found) {
  std::vector<uint32_t> n;
  for (const auto& f : found) n.push_back(f.nonce);
  return n;
}

void expect_same_as_reference(const MineRequest& req, const MineResult& got) {
  const auto want = reference(req);
  EXPECT_EQ(got.nonces_tried, req.count);
  EXPECT_EQ(got.mismatches, 0u);
  EXPECT_EQ(got.candidates, want.candidates);
  EXPECT_EQ(nonces_of(got.found), nonces_of(want.found));
}

// ---- always run: BIP 320 and device discovery ------------------------------------------------

TEST(VersionRolling, RollZeroIsTheBaseHeader) {
  const auto base = bitcoin::BlockHeader::parse_hex(known_headers()[1].header_hex);
  EXPECT_EQ(rolled_header(base, 0).hex(), base.hex());
}

TEST(VersionRolling, AllRollsAreDistinctAndChangeOnlyTheMaskedVersionBits) {
  const auto base = bitcoin::BlockHeader::parse_hex(known_headers()[0].header_hex);
  HeaderRoller roller(base);
  std::set<uint32_t> versions;
  while (roller.has_next()) {
    const auto h = roller.next();
    const auto v = static_cast<uint32_t>(h.version());
    ASSERT_EQ((v ^ static_cast<uint32_t>(base.version())) & ~bip320_version_mask, 0u);
    ASSERT_TRUE(std::equal(h.bytes().begin() + 4, h.bytes().end(), base.bytes().begin() + 4));
    versions.insert(v);
  }
  EXPECT_EQ(versions.size(), size_t{1} << 16);
  EXPECT_EQ(roller.given(), uint32_t{1} << 16);
  EXPECT_THROW(roller.next(), UsageError);
  EXPECT_THROW(rolled_header(base, bip320_last_roll + 1), UsageError);
}

TEST(VersionRolling, EachRollGivesAFreshMidstate) {
  const auto base = bitcoin::BlockHeader::parse_hex(known_headers()[0].header_hex);
  std::set<std::vector<uint32_t>> midstates;
  for (uint32_t i = 0; i < 64; ++i) {
    const auto job = sha256d::make_job(rolled_header(base, i).bytes().data(), 0);
    midstates.emplace(std::begin(job.midstate), std::end(job.midstate));
  }
  EXPECT_EQ(midstates.size(), 64u);
}

// The imad kernels' rotate, hi(x * 2^(32-n)) + lo(x * 2^(32-n)), in exact host arithmetic, for
// every rotate amount SHA-256 uses (any split may move any of them).
TEST(ImadLane, MultiplyRotateIdentityHolds) {
  std::mt19937_64 rng(3);
  for (int n : {2, 6, 7, 11, 13, 17, 18, 19, 22, 25}) {
    const uint64_t m = uint64_t{1} << (32 - n);
    for (int i = 0; i < 100'000; ++i) {
      const auto x = static_cast<uint32_t>(rng());
      const auto hi = static_cast<uint32_t>((x * m) >> 32);
      const auto lo = static_cast<uint32_t>(x * m);
      ASSERT_EQ(static_cast<uint32_t>(hi + lo), (x >> n) | (x << (32 - n))) << n << " " << x;
    }
  }
}

// Every rotate split the registry compiles; RegistryUsesOnlyTestedSplits keeps this list whole.
using ImadSplits = ::testing::Types<
    cuda::ImadLane<cuda::imad_split::schedule>, cuda::ImadLane<cuda::imad_split::sigma0_and_6>,
    cuda::ImadLane<cuda::imad_split::big_five>, cuda::ImadLane<cuda::imad_split::big_six>>;
constexpr uint32_t tested_splits[] = {cuda::imad_split::schedule, cuda::imad_split::sigma0_and_6,
                                      cuda::imad_split::big_five, cuda::imad_split::big_six};

template <class Lane>
class ImadSplit : public ::testing::Test {};
TYPED_TEST_SUITE(ImadSplit, ImadSplits);

// Each split's lane type drives the shared core exactly as uint32_t does (host side of the code
// path; the device side is the GPU tests below, per registry line).
TYPED_TEST(ImadSplit, CoreGivesTheSameHashAsPlainLanes) {
  std::mt19937_64 rng(5);
  for (int trial = 0; trial < 200; ++trial) {
    const auto header = random_header(rng);
    const auto job = sha256d::make_job(header.bytes().data(), 0);
    const auto w3 = static_cast<uint32_t>(rng());
    EXPECT_EQ(sha256d::hash_word7<TypeParam>(job, TypeParam{w3}).v,
              sha256d::hash_word7<uint32_t>(job, w3));
  }
}

TEST(ImadSplit, MasksNameOnlyRotateAmountsSha256Uses) {
  const uint32_t used = cuda::rotates({2, 6, 7, 11, 13, 17, 18, 19, 22, 25});
  for (const uint32_t mask : tested_splits) {
    EXPECT_NE(mask, 0u);
    EXPECT_EQ(mask & ~used, 0u) << std::hex << mask;
  }
  // From fewest rotates moved to most, as the registry describes them.
  EXPECT_EQ(cuda::imad_split::big_six & cuda::imad_split::big_five, cuda::imad_split::big_five);
  EXPECT_EQ(cuda::imad_split::big_five & cuda::imad_split::sigma0_and_6,
            cuda::imad_split::sigma0_and_6);
  EXPECT_EQ(cuda::imad_split::schedule & cuda::imad_split::big_six, 0u);
}

// The registry lists every split under its own name, "cuda" (no rotate moved) first, and uses
// no mask that the lane test above does not cover.
TEST(ImadSplit, RegistryUsesOnlyTestedSplits) {
  const auto kernels = cuda::sha256d_kernels();
  ASSERT_GE(kernels.size(), std::size(tested_splits) + 1);
  EXPECT_STREQ(kernels.front().name, "cuda");
  EXPECT_EQ(kernels.front().imad_rotates, 0u);
  std::set<std::string> names;
  std::set<uint32_t> masks;
  for (const auto& k : kernels) {
    EXPECT_TRUE(names.insert(k.name).second) << k.name;
    EXPECT_TRUE(masks.insert(k.imad_rotates).second) << k.name;
    if (k.imad_rotates != 0) {
      EXPECT_NE(std::find(std::begin(tested_splits), std::end(tested_splits), k.imad_rotates),
                std::end(tested_splits))
          << k.name << " uses a rotate mask no host test covers";
    }
  }
  for (const char* name : {"cuda-imad-schedule", "cuda-imad", "cuda-imad-big5", "cuda-imad-big6"})
    EXPECT_TRUE(names.count(name)) << name;
}

TEST(CudaDevices, ReasonAndDeviceCountAgree) {
  const auto reason = cuda_unavailable_reason();
  if (reason) {
    EXPECT_FALSE(reason->empty());
    EXPECT_THROW(make_cuda_backend(0), DeviceError);
  } else {
    ASSERT_GT(cuda_device_count(), 0);
    const auto backend = make_cuda_backend(0);
    EXPECT_EQ(backend->info().id, "cuda:0");
    std::set<std::string> keys;
    for (const auto& [k, v] : backend->info().properties) keys.insert(k);
    for (const char* k : {"compute capability", "SMs", "SM clock (max)", "memory", "driver version",
                          "runtime version", "PCI bus id"}) {
      EXPECT_TRUE(keys.count(k)) << k;
    }
  }
  EXPECT_THROW(make_cuda_backend(-1), DeviceError);
  EXPECT_THROW(make_cuda_backend(cuda_device_count()), DeviceError);
}

// ---- GPU ---------------------------------------------------------------------------------------

TEST(CudaSearch, MatchesTheScalarReferenceOnRandomHeaders) {
  SKIP_WITHOUT_CUDA();
  auto backend = make_cuda_backend(0);
  std::mt19937_64 rng(20261126);
  // Block sizes that are not a multiple of the warp, and 1 nonce per thread, included.
  const unsigned tpbs[] = {0, 32, 100, 128, 256, 1024};
  const unsigned npts[] = {0, 1, 3, 16, 64};
  const auto variants = backend->mine_variants();  // every registry line, each 20 headers
  for (int trial = 0; trial < 100; ++trial) {
    MineRequest req(random_header(rng));
    req.count = 40'000 + rng() % 20'000;
    req.start = static_cast<uint32_t>(rng() % ((uint64_t{1} << 32) - req.count));
    req.target = kEasyTarget;
    req.threads_per_block = tpbs[trial % std::size(tpbs)];
    req.nonces_per_thread = npts[trial % std::size(npts)];
    req.variant = variants[trial % variants.size()];
    SCOPED_TRACE(::testing::Message() << "trial " << trial << " " << req.variant << " tpb "
                                      << req.threads_per_block << " npt " << req.nonces_per_thread);
    const auto got = backend->mine(req);
    ASSERT_GT(got.found.size(), 10u);  // an easy target: many hits per header
    expect_same_as_reference(req, got);
  }
}

TEST(CudaSearch, FindsTheRealNonceOfEachKnownBlock) {
  SKIP_WITHOUT_CUDA();
  auto backend = make_cuda_backend(0);
  for (const auto& k : known_headers()) {
    for (const auto& variant : backend->mine_variants()) {
      SCOPED_TRACE(variant);
      MineRequest req(bitcoin::BlockHeader::parse_hex(k.header_hex));
      req.start = k.nonce - 1'000'003;
      req.count = 3'000'017;
      req.target = bitcoin::target_from_bits(req.header.bits());
      req.variant = variant;
      const auto r = backend->mine(req);
      ASSERT_EQ(r.found.size(), 1u) << k.name;
      EXPECT_EQ(r.found[0].nonce, k.nonce) << k.name;
      EXPECT_EQ(r.found[0].hash_hex, k.hash_hex) << k.name;
      EXPECT_EQ(r.nonces_tried, req.count);
      EXPECT_EQ(r.mismatches, 0u);
      EXPECT_EQ(r.variant, variant);
    }
  }
}

TEST(CudaSearch, OverflowingBuffersLoseNoCandidate) {
  SKIP_WITHOUT_CUDA();
  MineRequest req(bitcoin::BlockHeader::parse_hex(known_headers()[0].header_hex));
  req.start = 123'456;
  req.count = 50'001;
  req.target = kEveryNonce;  // every nonce is a hit
  req.max_listed = req.count;
  // 20,480 nonces per launch into 1,000 slots: every launch overflows, and its 20,480 hits
  // exceed the 4,096-slot rescan limit, so the split path runs too.
  for (const auto& kernel : cuda::sha256d_kernels()) {
    SCOPED_TRACE(kernel.name);
    const cuda::LaunchGeometry g{&kernel, 128, 8, 20};
    const auto r =
        cuda::search_range(0, req, g, {.candidate_capacity = 1000, .max_rescan_capacity = 4096});
    EXPECT_EQ(r.nonces_tried, req.count);
    EXPECT_EQ(r.mismatches, 0u);
    EXPECT_EQ(r.candidates, req.count);
    ASSERT_EQ(r.found.size(), req.count);
    for (uint64_t i = 0; i < req.count; ++i) ASSERT_EQ(r.found[i].nonce, req.start + i);
    const auto rescans = std::find_if(r.settings.begin(), r.settings.end(),
                                      [](const auto& kv) { return kv.first == "rescans"; });
    ASSERT_NE(rescans, r.settings.end());
    EXPECT_NE(rescans->second, "0");
  }
}

TEST(CudaSearch, RangeTailsThatAreNotAMultipleOfTheLaunch) {
  SKIP_WITHOUT_CUDA();
  std::mt19937_64 rng(7);
  for (const auto& kernel : cuda::sha256d_kernels()) {
    const cuda::LaunchGeometry g{&kernel, 96, 7, 13};  // 8,736 nonces per full launch
    for (uint64_t count : {uint64_t{1}, uint64_t{95}, uint64_t{8'735}, uint64_t{8'737},
                           3 * uint64_t{8'736} + 1'234}) {
      MineRequest req(random_header(rng));
      req.start = static_cast<uint32_t>(rng() >> 33);
      req.count = count;
      req.target = kEasyTarget;
      SCOPED_TRACE(::testing::Message() << g.label() << " count " << count);
      expect_same_as_reference(req, cuda::search_range(0, req, g));
    }
  }
}

TEST(CudaSearch, RangeEndingAtTheLastNonce) {
  SKIP_WITHOUT_CUDA();
  std::mt19937_64 rng(11);
  MineRequest req(random_header(rng));
  req.count = 100'003;
  req.start = static_cast<uint32_t>(nonce_space - req.count);
  req.target = kEasyTarget;
  auto backend = make_cuda_backend(0);
  for (const auto& variant : backend->mine_variants()) {
    req.variant = variant;
    SCOPED_TRACE(variant);
    expect_same_as_reference(req, backend->mine(req));
  }

  req.variant.clear();
  req.count = 5;  // the last five nonces, all hits: 4294967295 must be among them
  req.start = static_cast<uint32_t>(nonce_space - req.count);
  req.target = kEveryNonce;
  const auto r = backend->mine(req);
  EXPECT_EQ(nonces_of(r.found), (std::vector<uint32_t>{4294967291u, 4294967292u, 4294967293u,
                                                       4294967294u, 4294967295u}));
}

TEST(CudaSearch, RunForRollsVersionsWithoutPause) {
  SKIP_WITHOUT_CUDA();
  MineRequest base(bitcoin::BlockHeader::parse_hex(known_headers()[1].header_hex));
  base.start = 0;
  base.count = 1 << 20;  // a small range per header, so the run rolls many versions
  base.target = kEasyTarget;
  const auto g = cuda::plan_geometry(0, cuda::sha256d_kernels().front(), 0, 0);
  const auto r = cuda::run_for(0, base, std::chrono::milliseconds(300), g);
  EXPECT_GE(r.headers, 2u);
  EXPECT_GT(r.nonces_tried, (r.headers - 1) * base.count);
  EXPECT_LE(r.nonces_tried, r.headers * base.count);
  EXPECT_EQ(r.mismatches, 0u);
  EXPECT_FALSE(r.found.empty());
  std::set<int32_t> versions;
  for (const auto& f : r.found) {
    const auto changed = static_cast<uint32_t>(f.version ^ base.header.version());
    EXPECT_EQ(changed & ~bip320_version_mask, 0u);
    versions.insert(f.version);
  }
  EXPECT_GE(versions.size(), 2u);
}

TEST(CudaSearch, AutotunePicksOneOfItsCandidatesAndIsRecorded) {
  SKIP_WITHOUT_CUDA();
  const auto header = bitcoin::BlockHeader::parse_hex(known_headers()[0].header_hex);
  const auto job =
      sha256d::make_job(header.bytes().data(), bitcoin::target_from_bits(header.bits()).top_word());
  tune::TuneSettings no_file;
  no_file.use_wisdom = false;
  const auto choice = tune::choose_cuda_sha256d(0, job, 0, cuda::all_kernels(), "", no_file);
  EXPECT_EQ(choice.selection.candidates.size(),
            cuda::autotune_candidates(0, cuda::all_kernels()).size());
  for (const auto& c : choice.selection.candidates) {
    EXPECT_EQ(c.verification, Verdict::passed) << c.name << ": " << c.detail;
    ASSERT_TRUE(c.rate.has_value()) << c.name;
    EXPECT_GT(*c.rate, 0) << c.name;
  }

  MineRequest req(header);  // large enough to autotune
  req.start = 0;
  req.count = uint64_t{1} << 30;
  req.target = bitcoin::target_from_bits(header.bits());
  req.use_wisdom = false;  // autotunes here, and leaves the user's wisdom file alone
  // One kernel's geometries only: the autotune above already timed them all, and GPU time is short.
  req.variant = cuda::all_kernels().back()->name;
  const auto r = make_cuda_backend(0)->mine(req);
  EXPECT_EQ(r.nonces_tried, req.count);
  EXPECT_EQ(r.mismatches, 0u);
  const auto tuned = std::find_if(r.settings.begin(), r.settings.end(),
                                  [](const auto& kv) { return kv.first == "autotuned"; });
  ASSERT_NE(tuned, r.settings.end());
  EXPECT_TRUE(tuned->second.starts_with("yes")) << tuned->second;
}

// Each kernel is checked on the known nonces before it is timed, the fastest trial is stored,
// and the next choice on this GPU comes from the file with the same kernel and geometry. Two
// kernels (a choice between kernels, not only geometries) keep it short on the GPU's clock.
TEST(CudaSearch, TheChoiceChecksItsKernelsAndIsKeptInTheWisdomFile) {
  SKIP_WITHOUT_CUDA();
  const auto all = cuda::all_kernels();
  ASSERT_GE(all.size(), 2u);
  const std::vector<const cuda::Sha256dKernel*> kernels(all.begin(), all.begin() + 2);
  const auto dir = std::filesystem::temp_directory_path() /
                   ("hashflop-cuda-choice-test-" + std::to_string(::getpid()));
  std::filesystem::remove_all(dir);
  tune::TuneSettings settings;
  settings.wisdom_path = dir / "wisdom.json";
  const auto header = bitcoin::BlockHeader::parse_hex(known_headers()[0].header_hex);
  const auto job =
      sha256d::make_job(header.bytes().data(), bitcoin::target_from_bits(header.bits()).top_word());
  const auto first = tune::choose_cuda_sha256d(0, job, 0, kernels, "", settings);
  EXPECT_EQ(first.selection.chosen_by, results::ChosenBy::measured);
  for (const auto& c : first.selection.candidates) {
    EXPECT_EQ(c.verification, Verdict::passed) << c.name << ": " << c.detail;
    EXPECT_TRUE(c.rate.has_value()) << c.name;
  }
  const auto name = cuda::parse_geometry_name(first.selection.choice);
  ASSERT_TRUE(name) << first.selection.choice;
  EXPECT_EQ(name->kernel, first.geometry.kernel->name);

  const auto again = tune::choose_cuda_sha256d(0, job, 0, kernels, "", settings);
  EXPECT_EQ(again.selection.chosen_by, results::ChosenBy::wisdom);
  EXPECT_EQ(again.selection.choice, first.selection.choice);
  EXPECT_EQ(again.geometry.kernel, first.geometry.kernel);
  EXPECT_EQ(again.geometry.threads_per_block, first.geometry.threads_per_block);
  EXPECT_EQ(again.geometry.nonces_per_thread, first.geometry.nonces_per_thread);
  std::filesystem::remove_all(dir);
}

}  // namespace
}  // namespace hashflop

// The report's money arithmetic against examples worked by hand.
#include <gtest/gtest.h>

#include "report/economics.hpp"

namespace hashflop::report {
namespace {

// The 2025-11 market file: 3.125 BTC subsidy + 0.025 BTC fees, difficulty 149.3 T, $96,500.
const Chain nov_2025{3.125, 0.025, 149.3e12, 96500};

TEST(Economics, HashpriceMatchesTheHandWorkedFigure) {
  // By hand: reward per block 3.15 BTC x $96,500 = $303,975. Hashes per block at difficulty D
  // are D x 2^32 = 149.3e12 x 4.294967296e9 = 6.41239e23. USD per hash = 303,975 / 6.41239e23
  // = 4.7404e-19. Per PH/s per day: x 1e15 x 86,400 = 4.7404e-19 x 8.64e19 = $40.96.
  EXPECT_NEAR(usd_per_hash(nov_2025), 4.7404e-19, 4.7404e-19 * 1e-4);
  EXPECT_NEAR(hashprice_usd_per_ph_day(nov_2025), 40.96, 40.96 * 0.01);
}

TEST(Economics, AnS21XpEarnsHashpriceSpreadOverItsEnergy) {
  // 13.5 J/TH = 7.4074e10 hashes/J; x 3.6e6 J/kWh = 2.6667e17 hashes/kWh; x 4.7404e-19 $/hash
  // = $0.1264/kWh. Cross-check: 1 PH/s at 13.5 J/TH draws 13.5 kW = 324 kWh/day, and earns the
  // hashprice $40.957/day: 40.957 / 324 = $0.1264/kWh.
  const double hpj = 1e12 / 13.5;
  EXPECT_NEAR(mining_usd_per_kwh(hpj, nov_2025), 0.1264, 0.0001);
  EXPECT_NEAR(mining_usd_per_kwh(hpj, nov_2025), hashprice_usd_per_ph_day(nov_2025) / 324, 1e-9);
  EXPECT_DOUBLE_EQ(joules_per_terahash(hpj), 13.5);
}

TEST(Economics, GpuFixtureFiguresByHand) {
  // gpu_like.json: 2e10 H/s at 400 W = 5e7 H/J -> 20,000 J/TH; revenue 5e7 x 3.6e6 x
  // 4.7404e-19 = $8.533e-5/kWh. AI: $2.75/GPU-hour / 0.7 kW (fp16 cuBLAS at 700 W) =
  // $3.929/kWh; multiple 3.929 / 8.533e-5 = 46,040. Price per PFLOP at 7e14 FLOP/s: 2.75 /
  // (7e14 x 3600 / 1e15) = 2.75 / 2520 = $0.0010913.
  EXPECT_DOUBLE_EQ(joules_per_terahash(5e7), 20000);
  EXPECT_NEAR(mining_usd_per_kwh(5e7, nov_2025), 8.533e-5, 0.001e-5);
  EXPECT_NEAR(ai_usd_per_kwh(2.75, 700), 3.9286, 0.0001);
  EXPECT_NEAR(ai_usd_per_kwh(2.75, 700) / mining_usd_per_kwh(5e7, nov_2025), 46041, 2);
  EXPECT_NEAR(usd_per_pflop(2.75, 7e14), 0.0010913, 1e-7);
}

TEST(Economics, PueScalesOnlyTheElectricitySide) {
  // $0.04/kWh at the facility meter x PUE 1.5 = $0.06 per device kWh; break-even for a device
  // earning $0.1264 per device kWh is 0.1264 / 1.5 = $0.08427 at the facility meter.
  EXPECT_DOUBLE_EQ(electricity_usd_per_device_kwh(0.04, 1.5), 0.06);
  EXPECT_NEAR(break_even_usd_per_kwh(0.1264, 1.5), 0.084267, 1e-6);
}

TEST(Economics, SensitivityIsLinearInPriceAndInverseInDifficulty) {
  const auto g = mining_sensitivity(5e7, nov_2025);
  const double base = mining_usd_per_kwh(5e7, nov_2025);
  EXPECT_DOUBLE_EQ(g[1][1], base);
  EXPECT_NEAR(g[0][1], base * 0.5, base * 1e-12);
  EXPECT_NEAR(g[2][1], base * 2, base * 1e-12);
  EXPECT_NEAR(g[1][0], base / 0.8, base * 1e-12);  // difficulty -20%: 25% more per hash
  EXPECT_NEAR(g[1][2], base / 1.2, base * 1e-12);
  EXPECT_NEAR(g[2][0], base * 2 / 0.8, base * 1e-12);
}

}  // namespace
}  // namespace hashflop::report
